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
