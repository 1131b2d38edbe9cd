"""The audit trail, readable in the admin and never writable: no add, change or delete."""

from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from medpause.audit.models import AuditEvent
from medpause.audit.services import SYSTEM_ROLE
from medpause.audit.words import action_words
from medpause.common.admin import ReadOnlyAdmin


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "actor_role"

    def lookups(self, request, model_admin):
        return list(AuditEventAdmin.role_words.items()) + [(SYSTEM_ROLE, _("the system"))]

    def queryset(self, request, queryset):
        return queryset.filter(actor_role=self.value()) if self.value() else queryset


class TargetFilter(admin.SimpleListFilter):
    title = _("target type")
    parameter_name = "target_type"

    def lookups(self, request, model_admin):
        return [(model._meta.label_lower, model._meta.verbose_name) for model in apps.get_models()
                if model._meta.label_lower.split(".")[0] in DOMAIN_APPS]

    def queryset(self, request, queryset):
        return queryset.filter(target_type=self.value()) if self.value() else queryset


DOMAIN_APPS = ("accounts", "registry", "cases", "coverage", "batches", "printing", "policy")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "actor_username", "role", "what", "target", "target_id")
    list_filter = (RoleFilter, TargetFilter)
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

    # the roles' names by code, given by the accounts app (a layer above this one) when it loads
    role_words: dict = {}

    @admin.display(description=_("role"), ordering="actor_role")
    def role(self, event):
        if event.actor_role == SYSTEM_ROLE:
            return _("the system")
        return self.role_words.get(event.actor_role, event.actor_role)

    @admin.display(description=_("target type"), ordering="target_type")
    def target(self, event):
        try:
            return apps.get_model(event.target_type)._meta.verbose_name
        except (LookupError, ValueError):
            return event.target_type

    @admin.display(description=_("action"), ordering="action")
    def what(self, event):
        return action_words(event.action)

    def get_actions(self, request):
        return {}
