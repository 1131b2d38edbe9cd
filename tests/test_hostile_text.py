"""Text a database cannot store (a NUL character, half of a surrogate pair) and dates too far
ahead to compute with are refused with a 4xx in the error shape, never a 500 — on PostgreSQL
above all, which refuses NUL in any text. Each case here was a 500 before."""

import datetime as dt
import json

import pytest
from django.test import Client

from medpause.accounts.services import token_issue
from medpause.cases.models import Application
from medpause.common.dates import add_months, add_working_days
from medpause.common.errors import Refused
from tests.factories import make_person, make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    unit = make_unit("110000")
    flexible = make_person("310000", category="flexible")
    return {
        "flexible": flexible,
        "individual": make_user("individual", person=flexible),
        "employee": make_person("110000", unit=unit),
        "agent": make_user("unit_agent", unit=unit),
        "officer": make_user("officer", region="310000"),
        "institution": make_user("institution", institution_name="医院"),
    }


def call(user, method, path, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=user)}"} if user else {}
    client = Client()
    if method == "get":
        return client.get(path, **headers)
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def refused_as_unstorable(response, field):
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_text" and error["details"]["field"] == field
    return error


@pytest.mark.parametrize("text", ["a\u0000b", "a\ud800b"])
def test_a_token_request_with_unstorable_text_is_a_400(text):
    response = call(None, "post", "/api/v1/auth/token", {"username": text, "password": "x"})
    assert response.status_code == 400 and response.json()["error"]["code"] in {"invalid_text", "invalid_input"}


def test_unstorable_text_in_a_body_names_its_field(world):
    response = call(world["individual"], "post", "/api/v1/applications", {
        "kind": "stop", "person_id": world["flexible"].pk, "reason": "flexible_pause",
        "start_date": dt.date.today().isoformat(), "note": "x\u0000y",
    })
    refused_as_unstorable(response, "note")
    assert not Application.objects.exists()
    response = call(world["officer"], "post", "/api/v1/persons", {
        "name": "张\u0000三", "id_number": "11010519491231002X", "region": "310000", "category": "flexible",
        "contribution_base": "5000",
    })
    refused_as_unstorable(response, "name")
    refused_as_unstorable(call(world["officer"], "post", "/api/v1/persons/lookup",
                               {"id_number": "1101051949123100\u00002X"}), "id_number")
    refused_as_unstorable(call(world["institution"], "post", "/api/v1/eligibility/bulk",
                               {"card_numbers": ["ok", "a\u0000"]}), "card_numbers.1")


def test_unstorable_text_in_a_query_string_or_path(world):
    refused_as_unstorable(call(None, "get", "/api/v1/requirements?region=31%000000&reason=x"), "region")
    refused_as_unstorable(call(world["institution"], "get", "/api/v1/eligibility?card_number=%00"), "card_number")
    refused_as_unstorable(call(None, "get", "/api/v1/certificates/AB%00CD"), "path")


def test_pages_answer_400_to_an_address_with_a_nul():
    client = Client()
    assert client.get("/guide/reason/?region=11%0000&kind=stop&applicant_type=unit").status_code == 400
    assert client.get("/verify/AB%00CD/").status_code == 400
    page = client.get("/guide/?region=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400 and "The address cannot be used" in page.content.decode()


@pytest.mark.parametrize("reason,actor,person", [
    ("flexible_pause", "individual", "flexible"),  # a longest stop: the limit is computed from the start
    ("unpaid_leave", "agent", "employee"),
])
def test_a_stop_starting_in_the_year_9999_is_a_422(world, reason, actor, person):
    response = call(world[actor], "post", "/api/v1/applications", {
        "kind": "stop", "person_id": world[person].pk, "reason": reason, "start_date": "9999-12-31",
    })
    assert response.status_code == 422, response.content
    assert not Application.objects.exists()


def test_date_arithmetic_past_the_calendar_refuses_instead_of_crashing():
    with pytest.raises(Refused) as caught:
        add_months(dt.date(9999, 12, 31), 1)
    assert caught.value.code == "date_out_of_range"
    with pytest.raises(Refused):
        add_working_days(dt.date(9999, 12, 30), 5)
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
