"""The audit trail, readable in the admin and never writable: no add, change or delete."""

from django.contrib import admin

from medpause.audit.models import AuditEvent
from medpause.common.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "actor_username", "actor_role", "action", "target_type", "target_id")
    list_filter = ("actor_role", "target_type")
    search_fields = ("action", "target_type", "target_id", "actor_username")
    ordering = ("seq",)
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False
    fields = (
        "seq", "at", "actor", "actor_username", "actor_role", "action", "target_type", "target_id", "data",
        "scheme", "prev_hash", "hash",
    )
    readonly_fields = fields

    def get_actions(self, request):
        return {}
