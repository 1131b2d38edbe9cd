"""Administration of users and API tokens."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from medpause.accounts.models import ApiToken, Role, User
from medpause.audit.admin import AuditEventAdmin
from medpause.common.errors import DomainError

# The audit trail names roles in words; it cannot import them (audit is below accounts).
AuditEventAdmin.role_words = dict(Role.choices)


@admin.register(User)
class MedpauseUserAdmin(UserAdmin):
    list_display = ("username", "role", "region", "unit", "institution_name", "is_active", "last_login")
    list_filter = ("role", "is_active", "region")
    search_fields = ("username", "first_name", "last_name", "institution_name")
    fieldsets = UserAdmin.fieldsets + (
        (_("Role and binding"), {"fields": ("role", "region", "person", "unit", "institution_name")}),
    )
    raw_id_fields = ("person", "unit")
    list_select_related = ("region", "unit")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by logging in through the API; here they can only be read or revoked."""

    list_display = ("prefix", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("prefix", "user__username")
    readonly_fields = ("key_hash", "prefix", "user", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        from medpause.accounts.services import token_revoke

        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                token_revoke(token_id=token.pk, actor=request.user)
            except DomainError as exc:
                self.message_user(request, str(exc.message), messages.ERROR)
            else:
                count += 1
        self.message_user(request, _("Tokens revoked: %(count)d.") % {"count": count}, messages.SUCCESS)
