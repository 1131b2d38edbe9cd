"""Applications, their history and documents, and suspension periods: read-only. Every change
goes through a transition service (one audit event each); officers work in the workbench."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from medpause.cases.models import Application, ApplicationEvent, Document, Suspension
from medpause.cases.selectors.queue import reason_name
from medpause.common.admin import ReadOnlyAdmin, ReadOnlyInline


class EventInline(ReadOnlyInline):
    model = ApplicationEvent
    fields = ("at", "action", "from_status", "to_status", "actor", "actor_role", "note")
    verbose_name = _("history event")
    verbose_name_plural = _("history")


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ("kind", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at", "open_link")
    readonly_fields = fields

    @admin.display(description=_("file"))
    def open_link(self, obj):
        url = reverse("officer:document", args=[obj.application_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open"))


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = (
        "reference", "kind", "status", "region", "person", "applicant_type", "reason_words", "first_submitted_at",
        "due_date", "decided_at",
    )
    list_filter = ("status", "kind", "applicant_type", "region")
    search_fields = ("=reference",)
    list_select_related = ("region", "person", "policy_version")
    date_hierarchy = "created_at"
    fields = (
        "reference", "kind", "status", "region", "person", "applicant_type", "unit", "created_by", "reason",
        "start_date", "end_date", "suspension", "early_resume", "note", "policy_version",
        "consequences_acknowledged_at", "first_submitted_at", "submitted_at", "due_date",
        "supplement_groups", "supplement_requested_at", "decided_at", "decided_by", "decision_note",
        "decision_rule", "created_at", "updated_at",
    )
    inlines = [EventInline, DocumentInline]

    @admin.display(description=_("reason"), ordering="reason")
    def reason_words(self, app):
        return reason_name(app.policy_version, app.reason)


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    list_display = (
        "person", "region", "reason_words", "terminating", "start_date", "planned_end_date", "end_date",
        "benefits_from",
    )
    list_filter = ("region", "terminating", "reason")
    search_fields = ("=person__card__number", "=stop_application__reference")
    list_select_related = ("person", "region", "stop_application__policy_version")
    fields = (
        "person", "region", "reason", "terminating", "start_date", "planned_end_date", "end_date", "benefits_from",
        "stop_application", "resume_application", "reminded_at", "created_at",
    )

    @admin.display(description=_("reason"), ordering="reason")
    def reason_words(self, suspension):
        app = suspension.stop_application
        return reason_name(app.policy_version, suspension.reason) if app else suspension.reason
