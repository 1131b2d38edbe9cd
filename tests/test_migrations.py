"""The models and the migrations say the same: a change of a model without its migration
fails here, before a database in production finds out."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command

OURS = [config.label for config in apps.get_app_configs() if config.name.startswith("medpause.")]


@pytest.mark.django_db
def test_no_model_change_lacks_its_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", *OURS, check=True, dry_run=True, stdout=out, stderr=out)
    except SystemExit as exc:  # --check exits non-zero when a migration is missing
        pytest.fail(f"missing migrations (exit {exc.code}):\n{out.getvalue()}")
    assert "No changes detected" in out.getvalue()
