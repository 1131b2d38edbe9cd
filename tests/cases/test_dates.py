"""Dates of a stop: how far ahead it may start (`start_date_too_late`), judged once in the
rulebook and heard the same from the services, a unit's batch file and (tests/api/test_dates.py,
tests/web/test_dates.py) the API and the wizard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from medpause.accounts.services import token_issue
from medpause.cases import rules
from medpause.cases.models import Application
from medpause.cases.services import application_create
from medpause.common.dates import add_months, today
from medpause.common.errors import Refused
from tests.api.conftest import Api
from tests.cases.test_rules import EMPLOYEE, TODAY, policy  # noqa: F401 - the national policy fixture
from tests.factories import make_person, make_user

D = dt.timedelta


def judged(policy, start, today_=TODAY):  # noqa: F811
    try:
        rules.judge_stop(person=EMPLOYEE, reason=policy.reasons["resignation"], applicant_type="unit", start=start,
                         end=None, today=today_, ahead_months=policy.start_ahead_months)
    except rules.Refusal as refusal:
        return refusal
    return None


def test_the_national_policy_lets_a_stop_start_three_months_ahead(policy):  # noqa: F811
    assert policy.start_ahead_months == 3
    assert judged(policy, dt.date(2026, 6, 30)) is None  # 31 Mar + 3 months: exactly, passes
    refusal = judged(policy, dt.date(2026, 7, 1))  # one day more
    assert refusal.code == "start_date_too_late"
    assert refusal.params == {"months": 3, "latest": "2026-06-30"}
    assert refusal.details == {"latest_start_date": "2026-06-30", "start_ahead_months": 3}
    with translation.override("en"):
        assert str(refusal.message) == "A stop may start at most 3 months ahead: the latest first day is 2026-06-30."
    assert refusal.error().status == 422


def test_the_months_are_calendar_months_clamped_at_the_month_end(policy):  # noqa: F811
    on = dt.date(2026, 11, 30)  # + 3 months = 28 Feb 2027 (no 30 Feb)
    assert judged(policy, dt.date(2027, 2, 28), on) is None
    assert judged(policy, dt.date(2027, 3, 1), on).code == "start_date_too_late"


def test_the_rule_reads_the_policy_value_not_a_constant(policy):  # noqa: F811
    start = dt.date(2026, 5, 1)
    rules.judge_stop(person=EMPLOYEE, reason=policy.reasons["resignation"], applicant_type="unit", start=start,
                     end=None, today=TODAY, ahead_months=2)
    with pytest.raises(rules.Refusal) as caught:
        rules.judge_stop(person=EMPLOYEE, reason=policy.reasons["resignation"], applicant_type="unit", start=start,
                         end=None, today=TODAY, ahead_months=1)
    assert caught.value.details["latest_start_date"] == "2026-04-30"


@pytest.mark.django_db
def test_the_service_refuses_one_day_past_the_limit():
    person = make_person("110000")
    agent = make_user("unit_agent", unit=person.unit)
    latest = add_months(today(), 3)
    with pytest.raises(Refused) as caught:
        application_create(actor=agent, kind="stop", person=person, reason="resignation", start_date=latest + D(days=1))
    assert caught.value.code == "start_date_too_late" and caught.value.status == 422
    assert caught.value.details["latest_start_date"] == latest.isoformat()
    app = application_create(actor=agent, kind="stop", person=person, reason="resignation", start_date=latest)
    assert app.start_date == latest


@pytest.mark.django_db
def test_a_batch_row_too_far_ahead_fails_with_the_same_sentence(settings, django_capture_on_commit_callbacks):
    settings.MEDPAUSE_BATCH_RUNNER = "inline"
    person = make_person("110000")
    other = make_person("110000", unit=person.unit, name="赵敏")
    agent = make_user("unit_agent", unit=person.unit)
    latest = add_months(today(), 3)
    data = (
        "id_number,reason,start_date,end_date\r\n"
        f"{other.id_number},resignation,{latest.isoformat()},\r\n"
        f"{person.id_number},resignation,{(latest + D(days=1)).isoformat()},\r\n"
    )
    api = Api(token_issue(user=agent), language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            "/api/v1/batches", {"kind": "stop", "file": SimpleUploadedFile("staff.csv", data.encode())},
            HTTP_AUTHORIZATION=f"Bearer {api.token}", HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert response.status_code == 202
    batch = api.get(f"/batches/{response.json()['id']}").json()
    assert (batch["status"], batch["rows_ok"], batch["rows_failed"]) == ("failed", 1, 1)
    (error,) = batch["errors"]
    assert error["row"] == 3 and error["code"] == "start_date_too_late"
    assert error["message"] == f"停保最多可提前 3 个月开始：最晚的开始日期是 {latest.isoformat()}。"
    assert not Application.objects.filter(person__in=[person, other]).exists()
