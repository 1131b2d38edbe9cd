from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from medpause.accounts.models import ApiToken, User


@admin.register(User)
class MedpauseUserAdmin(UserAdmin):
    list_display = ("username", "role", "region", "unit", "institution_name", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = UserAdmin.fieldsets + (("medpause", {"fields": ("role", "region", "person", "unit", "institution_name")}),)
    raw_id_fields = ("person", "unit")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_hash", "prefix", "user", "created_at", "last_used_at")
