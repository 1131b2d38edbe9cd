"""Settlement attempts by institutions, accepted or refused: read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from medpause.common.admin import ReadOnlyAdmin
from medpause.coverage.models import Settlement
from medpause.coverage.services import REFUSAL_MESSAGES, refusal_message


class RefusalFilter(admin.SimpleListFilter):
    title = _("refusal")
    parameter_name = "refusal_code"

    def lookups(self, request, model_admin):
        return [(code, refusal_message(code, None)) for code in REFUSAL_MESSAGES if code != "waiting_period"] + [
            ("waiting_period", _("Waiting period"))]

    def queryset(self, request, queryset):
        return queryset.filter(refusal_code=self.value()) if self.value() else queryset


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "institution", "institution_reference", "card_number", "date", "amount", "outcome",
                    "refusal")
    list_filter = (RefusalFilter,)
    search_fields = ("=card_number", "institution_reference", "institution__username")
    list_select_related = ("institution",)
    date_hierarchy = "date"
    fields = ("institution", "institution_reference", "card_number", "person", "date", "amount", "status",
              "refusal_code", "benefits_from", "created_at")

    @admin.display(description=_("status"), ordering="status")
    def outcome(self, settlement):
        return {Settlement.ACCEPTED: _("Accepted"), Settlement.REFUSED: _("Refused")}.get(settlement.status,
                                                                                            settlement.status)

    @admin.display(description=_("refusal"), ordering="refusal_code")
    def refusal(self, settlement):
        if settlement.refusal_code in REFUSAL_MESSAGES:
            return refusal_message(settlement.refusal_code, settlement.benefits_from)
        return settlement.refusal_code
