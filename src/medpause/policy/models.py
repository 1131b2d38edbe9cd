from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

NATIONAL = "national"


class Region(models.Model):
    """An administrative division by its GB/T 2260 code: a province, or a city a policy names."""

    code = models.CharField(_("division code"), max_length=6, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=64)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("parent"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "zh-hans").startswith("en") else self.name_zh


class PolicyVersion(models.Model):
    """One version of a policy file, resolved against the national baseline it builds on.
    Applications point at the version they were judged by."""

    scope = models.CharField(_("scope"), max_length=8, help_text=_("'national' or a region's code"))
    version = models.CharField(_("version"), max_length=32)
    effective_from = models.DateField(_("effective from"))
    document = models.JSONField(_("resolved policy"))
    source_file = models.CharField(_("source file"), max_length=200)
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    loaded_at = models.DateTimeField(auto_now=True, verbose_name=_("loaded at"))

    class Meta:
        unique_together = [("scope", "version")]
        indexes = [models.Index(fields=["scope", "effective_from"])]
        ordering = ["scope", "-effective_from"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.scope}@{self.version}"
