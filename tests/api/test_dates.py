"""Dates through the API: `start_date_too_late` at its boundary."""

import datetime as dt

import pytest

from medpause.common.dates import add_months, today
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db


def test_a_stop_may_start_exactly_three_months_ahead_and_not_a_day_more(world):
    latest = add_months(today(), 3)
    body = {"kind": "stop", "person_id": world.bj_employee.pk, "reason": "resignation"}
    response = world.api["unit_agent"].post("/applications", {**body, "start_date": (latest + dt.timedelta(days=1)).isoformat()})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "start_date_too_late"
    assert error["details"] == {"latest_start_date": latest.isoformat(), "start_ahead_months": 3}
    assert latest.isoformat() in error["message"]
    response = world.api["unit_agent"].post("/applications", {**body, "start_date": latest.isoformat()})
    assert response.status_code == 201, response.content


def test_a_stop_not_begun_is_scheduled_in_the_persons_answers_and_the_card_works(world):
    from tests.cases.helpers import stop

    person = world.bj_employee
    start = today() + dt.timedelta(days=10)
    stop(world.users["unit_agent"], person, "resignation", start, approve_by=world.users["officer"])
    for role in ("officer", "unit_agent", "individual"):
        body = world.api[role].get(f"/persons/{person.pk}").json()
        assert body["card_status"] == "active" and body["scheduled_stop_from"] == start.isoformat(), role
        (period,) = world.api[role].get(f"/persons/{person.pk}/suspensions").json()
        assert period["state"] == "scheduled" and period["start_date"] == start.isoformat()
    card = person.card.number
    hospital = world.api["institution"]
    day_before = (start - dt.timedelta(days=1)).isoformat()
    assert hospital.get("/eligibility", {"card_number": card, "date": day_before}).json()["status"] == "active"
    assert hospital.get("/eligibility", {"card_number": card, "date": start.isoformat()}).json()["status"] == "suspended"
    other = world.api["officer"].get(f"/persons/{world.bj_other.pk}").json()
    assert other["scheduled_stop_from"] is None
