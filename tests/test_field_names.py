"""Every field of the product's models, and every model the admin lists, has a name in words that
the catalog translates: the admin, forms and error messages never show a field's code name
(`first_submitted_at`) or its English default ('First submitted at') on a Chinese page."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.utils.functional import Promise

OURS = [config for config in apps.get_app_configs() if config.name.startswith("medpause.")]


def test_every_field_has_a_translatable_name():
    unnamed = [
        f"{model._meta.label}.{field.name}"
        for config in OURS for model in config.get_models()
        for field in model._meta.get_fields()
        if hasattr(field, "verbose_name") and not field.auto_created and not isinstance(field.verbose_name, Promise)
    ]
    assert unnamed == []


def test_every_model_in_the_admin_has_a_translatable_name():
    unnamed = [model._meta.label for model in admin.site._registry
               if model._meta.app_config in OURS and not isinstance(model._meta.verbose_name_plural, Promise)]
    assert unnamed == []
