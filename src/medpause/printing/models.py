"""Documents the bureau has issued (certificates, receipts), so that anyone holding one can
check it with the verification code printed on it."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IssuedKind(models.TextChoices):
    PARTICIPATION = "participation", _("Certificate of participation in basic medical insurance")
    PAYMENT = "payment", _("Certificate of basic medical insurance payments")
    RECEIPT = "receipt", _("Receipt of an application")


class IssuedDocument(models.Model):
    """One issued certificate or receipt. `code` is random (not derived from the content: it
    cannot be guessed from a person's data); `digest` is the SHA-256 of the language-free
    content the document certifies, so printing the same content again (the other language,
    a second copy) reuses the record and its code, and changed content gets a new one."""

    code = models.CharField(_("verification code"), max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=IssuedKind.choices)
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("insured person"), on_delete=models.PROTECT, related_name="issued_documents"
    )
    region = models.ForeignKey("policy.Region", verbose_name=_("issuing region"), on_delete=models.PROTECT)
    application = models.ForeignKey(
        "cases.Application", verbose_name=_("application"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    digest = models.CharField(_("content digest (SHA-256)"), max_length=64)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "digest"], name="printing_issued_once_per_content")]
        indexes = [models.Index(fields=["person", "kind"])]
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"
