from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    OFFICER = "officer", _("Officer")
    INDIVIDUAL = "individual", _("Insured person")
    UNIT_AGENT = "unit_agent", _("Unit agent")
    INSTITUTION = "institution", _("Medical institution")


class ApplicantType(models.TextChoices):
    """The capacity in which an application is filed: by the insured person for themself, by
    their unit (its agent), or by an officer at the bureau's counter."""

    INDIVIDUAL = "individual", _("Individual")
    UNIT = "unit", _("Unit")
    OFFICER = "officer", _("Officer at the counter")


class MedpauseUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. The role decides what they may see; the binding decides whose."""

    objects = MedpauseUserManager()

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.INDIVIDUAL)
    region = models.ForeignKey(
        "policy.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("insured person"), null=True, blank=True, on_delete=models.PROTECT
    )
    unit = models.ForeignKey(
        "registry.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT
    )
    institution_name = models.CharField(_("institution name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("user"))
    key_hash = models.CharField(max_length=64, unique=True, verbose_name=_("key hash"))
    prefix = models.CharField(max_length=8, help_text=_("first characters, to recognise a token"),
                              verbose_name=_("prefix"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    expires_at = models.DateTimeField(null=True, help_text=_("after this a token no longer authenticates"),
                                      verbose_name=_("expires at"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user.username})"
