"""The admin speaks the administrator's language: sections (apps, the libraries' ones included)
and models are named in Chinese, and codes (audit actions, roles, settlement outcomes and
refusals, reasons) are shown as words."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from medpause.accounts.models import Role
from medpause.audit.models import AuditEvent
from medpause.audit.words import ACTION_WORDS, action_words
from medpause.cases.models import Application
from tests.web.test_admin import superuser, world  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def visible_text(html: str) -> str:
    return re.sub(r"<script.*?</script>|<[^>]+>", " ", html, flags=re.S)


def test_every_section_and_model_of_the_index_is_named_in_chinese(client, superuser):  # noqa: F811
    html = visible_text(client.get(reverse("admin:index"), **ZH).content.decode())
    for config in {m._meta.app_config for m in admin.site._registry}:
        with_zh = re.search(r"[\u4e00-\u9fff]", str(config.verbose_name))
        assert with_zh, f"app {config.label} has no Chinese name: {config.verbose_name}"
        assert str(config.verbose_name) in html
    for model in admin.site._registry:
        plural = str(model._meta.verbose_name_plural)
        assert re.search(r"[\u4e00-\u9fff]", plural), f"{model._meta.label} is named {plural!r}"
    for english in ("Access attempts", "TOTP devices", "Task Results", "Otp_Totp", "Axes", "Registry"):
        assert english not in html


def test_every_action_written_in_a_world_has_words(client, superuser, world):  # noqa: F811
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert actions, "the world wrote no audit events"
    assert actions <= set(ACTION_WORDS), f"no words for {actions - set(ACTION_WORDS)}"


def test_the_audit_list_shows_actions_roles_and_targets_as_words(client, superuser, world):  # noqa: F811
    html = visible_text(client.get(reverse("admin:audit_auditevent_changelist"), **ZH).content.decode())
    with translation.override("zh-hans"):
        approved, officer = str(action_words("application.approve")), str(Role.OFFICER.label)
        application = str(Application._meta.verbose_name)
    assert re.search(r"[\u4e00-\u9fff]", approved + officer + application)
    assert approved in html and officer in html and application in html
    for code in ("application.approve", "application.submit", "cases.application", " officer "):
        assert code not in html


def test_settlements_show_outcome_and_refusal_in_words(client, superuser, world):  # noqa: F811
    from medpause.coverage.models import Settlement

    Settlement.objects.update(status=Settlement.REFUSED, refusal_code="card_suspended")
    html = visible_text(client.get(reverse("admin:coverage_settlement_changelist"), **ZH).content.decode())
    assert "已拒绝" in html
    assert "card_suspended" not in html and "refused" not in html


def test_an_unknown_action_is_shown_as_its_code():
    assert action_words("something.new") == "something.new"
