from django.db import models
from django.utils.translation import gettext_lazy as _


class Settlement(models.Model):
    """One settlement attempt by an institution, kept whether accepted or refused, so a
    repeated institution_reference returns the first answer."""

    ACCEPTED, REFUSED = "accepted", "refused"
    POOLED, PERSONAL_ACCOUNT = "pooled", "personal_account"
    FUNDS = (POOLED, PERSONAL_ACCOUNT)

    institution = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="settlements",
                                    verbose_name=_("institution"))
    institution_reference = models.CharField(_("institution reference"), max_length=64)
    card_number = models.CharField(_("card number"), max_length=32)  # as asked: the API takes up to 32
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT,
                               verbose_name=_("person"))
    date = models.DateField(_("date of care"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    fund = models.CharField(_("fund"), max_length=16, default=POOLED)
    status = models.CharField(_("status"), max_length=10)
    refusal_code = models.CharField(_("refusal"), max_length=32, blank=True)
    benefits_from = models.DateField(null=True, blank=True, verbose_name=_("benefits from"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["institution", "institution_reference"], name="settlement_once_per_reference")
        ]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")

    def __str__(self) -> str:
        return f"{self.institution_reference}: {self.status}"


class AccountEntry(models.Model):
    """One movement of a person's personal account (个人账户): a signed amount in yuan. `key`
    names what caused it (a contribution's month, a settlement, a back-payment's month), unique
    per person, so nothing is ever credited or debited twice. The balance is their sum."""

    CONTRIBUTION, SETTLEMENT, BACK_PAYMENT = "contribution", "settlement", "back_payment"
    TRANSFER_IN, TRANSFER_OUT = "transfer_in", "transfer_out"
    KINDS = (CONTRIBUTION, SETTLEMENT, BACK_PAYMENT, TRANSFER_IN, TRANSFER_OUT)

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="account_entries",
                               verbose_name=_("person"))
    region = models.ForeignKey("policy.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    kind = models.CharField(_("kind"), max_length=16, choices=[(k, k) for k in KINDS])
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    date = models.DateField(_("date"))
    key = models.CharField(max_length=64, verbose_name=_("key"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="account_entry_once")]
        indexes = [models.Index(fields=["person", "date"])]
        ordering = ["person", "date", "id"]
        verbose_name = _("personal account entry")
        verbose_name_plural = _("personal account entries")

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class BackPayment(models.Model):
    """Missed months paid afterwards (补缴): computed when asked (`due`), applied when the bureau
    records the payment (`paid`): the months then count as insured."""

    DUE, PAID = "due", "paid"

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="back_payments",
                               verbose_name=_("person"))
    region = models.ForeignKey("policy.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    unit = models.ForeignKey("registry.Unit", null=True, blank=True, on_delete=models.PROTECT,
                             verbose_name=_("unit"))
    from_month = models.DateField(_("first month"))
    to_month = models.DateField(_("last month"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    late_fee = models.DecimalField(_("late fee"), max_digits=12, decimal_places=2)
    status = models.CharField(_("status"), max_length=8, default=DUE)
    restores_care = models.BooleanField(default=False, verbose_name=_("restores care"))  # set when paid, from the policy then in force
    requested_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    paid_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("paid by"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    paid_at = models.DateTimeField(null=True, blank=True, verbose_name=_("paid at"))

    class Meta:
        indexes = [models.Index(fields=["person", "from_month"])]
        ordering = ["person", "from_month"]
        verbose_name = _("back-payment")
        verbose_name_plural = _("back-payments")

    def __str__(self) -> str:
        return f"{self.from_month:%Y-%m}..{self.to_month:%Y-%m}: {self.status}"
