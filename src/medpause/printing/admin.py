"""Issued certificates and receipts, readable in the admin and never writable."""

from django.contrib import admin

from medpause.common.admin import ReadOnlyAdmin
from medpause.printing.models import IssuedDocument


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    list_display = ("code", "kind", "person", "region", "application", "issued_at")
    list_filter = ("kind", "region")
    search_fields = ("code", "application__reference")
    ordering = ("-issued_at",)
    date_hierarchy = "issued_at"
    list_select_related = ("person", "region", "application")
    fields = ("code", "kind", "person", "region", "application", "digest", "issued_at")
    readonly_fields = fields

    def get_actions(self, request):
        return {}
