from django.db import models
from django.utils.translation import gettext_lazy as _


class Settlement(models.Model):
    """One settlement attempt by an institution, kept whether accepted or refused, so a
    repeated institution_reference returns the first answer."""

    ACCEPTED, REFUSED = "accepted", "refused"

    institution = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="settlements")
    institution_reference = models.CharField(_("institution reference"), max_length=64)
    card_number = models.CharField(_("card number"), max_length=32)  # as asked: the API takes up to 32
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT)
    date = models.DateField(_("date of care"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    status = models.CharField(_("status"), max_length=10)
    refusal_code = models.CharField(_("refusal"), max_length=32, blank=True)
    benefits_from = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["institution", "institution_reference"], name="settlement_once_per_reference")
        ]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")

    def __str__(self) -> str:
        return f"{self.institution_reference}: {self.status}"
