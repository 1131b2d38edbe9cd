from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medpause.transfers.states import OPEN_STATUSES, Status


class Transfer(models.Model):
    """A person's insurance moving from one region to another (转移接续, 医保办发〔2021〕43号):
    the old place transfers out (coverage there ends the day before `date`, the account balance
    leaves), the new place takes in (insured there from `date` with a new card)."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="transfers", verbose_name=_("person"))
    from_region = models.ForeignKey("policy.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("from region"))
    to_region = models.ForeignKey("policy.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("to region"))
    date = models.DateField(_("insured in the new place from"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(auto_now_add=True, verbose_name=_("requested at"))
    out_due = models.DateField(_("transfer out by"))
    in_due = models.DateField(_("take in by"), null=True, blank=True)
    sent_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    received_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("received by"))
    received_at = models.DateTimeField(null=True, blank=True, verbose_name=_("received at"))
    refused_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("refused by"))
    refusal_reason = models.TextField(_("refusal reason"), blank=True)
    old_card_number = models.CharField(_("old card number"), max_length=20, blank=True)
    new_card_number = models.CharField(_("new card number"), max_length=20, blank=True)
    balance_moved = models.DecimalField(_("account balance moved"), max_digits=12, decimal_places=2, null=True,
                                        blank=True)
    # the cover written by sending: the old place's terminating period, and an open stop it closed
    ending = models.ForeignKey("cases.Suspension", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("ending"))
    break_closed = models.ForeignKey("cases.Suspension", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("break closed"))
    benefits_from = models.DateField(_("benefits from"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status__in=sorted(OPEN_STATUSES)),
                                    name="one_open_transfer_per_person"),
        ]
        ordering = ["-requested_at"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.from_region_id} -> {self.to_region_id} ({self.status})"


class TransferEvent(models.Model):
    """One move of a transfer's state machine, for its history."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="events", verbose_name=_("transfer"))
    action = models.CharField(max_length=16, verbose_name=_("action"))
    from_status = models.CharField(max_length=10, blank=True, verbose_name=_("from status"))
    to_status = models.CharField(max_length=10, verbose_name=_("to status"))
    actor = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("actor"))
    actor_role = models.CharField(max_length=16, verbose_name=_("actor role"))
    note = models.TextField(blank=True, verbose_name=_("note"))
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("time"))

    class Meta:
        ordering = ["transfer", "at", "id"]
        verbose_name = _("transfer event")
        verbose_name_plural = _("transfer events")

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} -> {self.to_status}"
