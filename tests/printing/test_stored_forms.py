"""The public blank form is rendered once per region, reason, kind and language and served
from file storage; a new policy version renders it anew."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import translation

from medpause.common.dates import today
from medpause.policy.services import policies_load
from medpause.printing import forms
from medpause.printing.stored import PREFIX

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    calls = []
    real = forms._blank_form

    def counting(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(forms, "_blank_form", counting)
    return calls


def _stored() -> list[str]:
    found = []
    def walk(folder):
        dirs, files = default_storage.listdir(folder)
        found.extend(f"{folder}/{f}" for f in files)
        for d in dirs:
            walk(f"{folder}/{d}")
    if default_storage.exists(PREFIX):
        walk(PREFIX)
    return found


def test_rendered_once_then_served_from_storage(renders):
    with translation.override("zh-hans"):
        first = forms.blank_form_pdf(region_code="310000", reason_code="resignation", kind="stop")
        again = forms.blank_form_pdf(region_code="310000", reason_code="resignation", kind="stop")
    assert first == again and first.startswith(b"%PDF")
    assert len(renders) == 1
    stored = _stored()
    assert len(stored) == 1
    with default_storage.open(stored[0], "rb") as handle:
        assert handle.read() == first

    with translation.override("en"):  # another language, reason or kind: its own rendering
        forms.blank_form_pdf(region_code="310000", reason_code="resignation", kind="stop")
        forms.blank_form_pdf(region_code="310000", reason_code="resignation", kind="stop")
    with translation.override("zh-hans"):
        forms.blank_form_pdf(region_code="310000", reason_code=None, kind="stop")
        forms.blank_form_pdf(region_code="310000", reason_code="enlistment", kind="resume")
    assert len(renders) == 4 and len(_stored()) == 4


def test_a_process_without_the_copy_in_memory_reads_it_from_storage(renders, client):
    url = "/guide/form/stop.pdf?region=310000&reason=resignation"
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    assert client.get("/api/v1/forms/stop.pdf?region=310000&reason=resignation",
                      HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    assert len(renders) == 1  # the page and the API share the one stored rendering


def test_a_new_policy_version_renders_anew(renders, tmp_path):
    with translation.override("en"):
        forms.blank_form_pdf(region_code="310000", reason_code="flexible_pause", kind="stop")
    directory = tmp_path / "policies"
    directory.mkdir()
    for path in Path(settings.POLICY_DIR).glob("*.toml"):
        shutil.copy(path, directory / path.name)
    (directory / "310000-shanghai-2099.9.toml").write_text(f"""
[policy]
region = "310000"
version = "2099.9"
effective_from = "{(today() - dt.timedelta(days=1)).isoformat()}"
title_zh = "上海市（新版）"
title_en = "Shanghai (new version)"

[reasons.flexible_pause]
max_duration_months = 3
""", encoding="utf-8")
    policies_load(directory=directory)
    with translation.override("en"):
        data = forms.blank_form_pdf(region_code="310000", reason_code="flexible_pause", kind="stop")
    assert len(renders) == 2 and len(_stored()) == 2
    assert b"%PDF" in data[:8]
