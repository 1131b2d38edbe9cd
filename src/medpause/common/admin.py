"""The read-only base every domain admin uses.

Domain records (persons, applications, suspensions ...) change only through their services,
which check the rules and write the audit trail; the admin shows them but does not edit them.
"""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """A model an administrator may read but not add, change or delete here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
