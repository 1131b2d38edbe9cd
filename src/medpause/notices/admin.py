"""Notices as sent: read-only; the text is rendered in the reader's language."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from medpause.common.admin import ReadOnlyAdmin, ReadOnlyInline
from medpause.notices.models import Delivery, Notice
from medpause.notices.services import notice_text


class DeliveryInline(ReadOnlyInline):
    """How the notice went out by SMS and e-mail (no phone number or address shown)."""

    model = Delivery
    fields = ("channel", "user", "status", "attempts", "last_error", "provider_id", "sent_at")
    readonly_fields = fields


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "code", "text", "person", "unit", "region", "application", "read_at")
    list_filter = ("code", "region")
    search_fields = ("code", "=application__reference")
    list_select_related = ("person", "unit", "region", "application")
    fields = ("created_at", "code", "params", "text", "person", "unit", "region", "application", "read_at")
    readonly_fields = fields
    inlines = [DeliveryInline]

    @admin.display(description=_("text"))
    def text(self, obj):
        return notice_text(obj)
