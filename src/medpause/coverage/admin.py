"""Settlement attempts by institutions, accepted or refused: read-only."""

from django.contrib import admin

from medpause.common.admin import ReadOnlyAdmin
from medpause.coverage.models import Settlement


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "institution", "institution_reference", "card_number", "date", "amount", "status",
                    "refusal_code")
    list_filter = ("status", "refusal_code")
    search_fields = ("=card_number", "institution_reference", "institution__username")
    list_select_related = ("institution",)
    date_hierarchy = "date"
    fields = ("institution", "institution_reference", "card_number", "person", "date", "amount", "status",
              "refusal_code", "benefits_from", "created_at")
