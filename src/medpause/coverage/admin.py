"""Settlement attempts by institutions, accepted or refused; the personal accounts' entries and
back-payments: read-only."""

from django.contrib import admin

from medpause.common.admin import ReadOnlyAdmin
from medpause.coverage.models import AccountEntry, BackPayment, Settlement


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "institution", "institution_reference", "card_number", "date", "amount", "fund",
                    "status", "refusal_code")
    list_filter = ("status", "fund", "refusal_code")
    search_fields = ("=card_number", "institution_reference", "institution__username")
    list_select_related = ("institution",)
    date_hierarchy = "date"
    fields = ("institution", "institution_reference", "card_number", "person", "date", "amount", "fund", "status",
              "refusal_code", "benefits_from", "created_at")


@admin.register(AccountEntry)
class AccountEntryAdmin(ReadOnlyAdmin):
    list_display = ("date", "person", "kind", "amount", "key")
    list_filter = ("kind",)
    list_select_related = ("person",)
    date_hierarchy = "date"
    fields = ("person", "region", "kind", "amount", "date", "key", "created_at")


@admin.register(BackPayment)
class BackPaymentAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "person", "from_month", "to_month", "amount", "late_fee", "status")
    list_filter = ("status",)
    list_select_related = ("person",)
    fields = ("person", "region", "unit", "from_month", "to_month", "amount", "late_fee", "status", "restores_care",
              "requested_by", "paid_by", "created_at", "paid_at")
