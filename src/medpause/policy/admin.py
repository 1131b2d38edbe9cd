"""Regions and policy versions: reference data loaded from the policy files by `medpause
setup`, so the admin shows them and does not edit them (edit the file and load it again)."""

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from medpause.common.admin import ReadOnlyAdmin
from medpause.policy.models import PolicyVersion, Region


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_zh", "name_en", "parent")
    search_fields = ("code", "name_zh", "name_en")
    list_select_related = ("parent",)
    fields = ("code", "name_zh", "name_en", "parent")


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdmin):
    list_display = ("label", "scope", "version", "effective_from", "source_file", "loaded_at")
    list_filter = ("scope",)
    search_fields = ("scope", "version", "source_file")
    fields = ("scope", "version", "effective_from", "source_file", "sha256", "loaded_at", "document_pretty")
    readonly_fields = fields

    @admin.display(description=_("version"))
    def label(self, obj):
        return obj.label

    @admin.display(description=_("resolved policy"))
    def document_pretty(self, obj):
        text = json.dumps(obj.document, ensure_ascii=False, indent=2, sort_keys=True)
        return format_html("<pre>{}</pre>", text)
