"""POST /api/v1/progress: where an application stands, without signing in."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from medpause.cases.selectors.progress import PROGRESS_RATE
from medpause.cases.services import application_withdraw
from medpause.common.dates import today
from tests.api.conftest import draft_application, error_of, submitted_application

pytestmark = pytest.mark.django_db


def ask(anon, app_or_reference, last6, **extra):
    reference = getattr(app_or_reference, "reference", app_or_reference)
    return anon.post("/progress", {"reference": reference, "id_number_last6": last6}, **extra)


def test_a_submitted_application_is_found_by_its_reference_and_id_ending(world, anon):
    app = submitted_application(world.users["unit_agent"], world.bj_employee, "resignation")
    r = ask(anon, app, world.bj_employee.id_number[-6:])
    assert r.status_code == 200, r.content
    body = r.json()
    assert set(body) == {"reference", "status", "kind", "submitted_at", "due_date"}
    assert body["reference"] == app.reference and body["status"] == "submitted" and body["kind"] == "stop"
    assert body["due_date"] == app.due_date.isoformat()
    assert body["submitted_at"] == timezone.localtime(app.first_submitted_at).isoformat()
    # nothing personal comes back: no name, no ID number
    text = r.content.decode()
    assert world.bj_employee.id_number not in text and world.bj_employee.name not in text
    # as a person types it: lower case, spaces, a lower-case x in the ID number
    loose = ask(anon, " " + app.reference.lower()[:8] + " " + app.reference.lower()[8:], world.bj_employee.id_number[-6:].lower())
    assert loose.status_code == 200 and loose.json() == body


def test_the_answer_follows_the_application(world, anon):
    app = submitted_application(world.users["individual_sh"], world.sh_flex, "flexible_pause",
                                end=today() + dt.timedelta(days=30))
    application_withdraw(actor=world.users["individual_sh"], application=app)
    r = ask(anon, app, world.sh_flex.id_number[-6:])
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"


def test_a_wrong_pair_is_404_whichever_half_is_wrong(world, anon):
    app = submitted_application(world.users["unit_agent"], world.bj_employee, "resignation")
    other = world.bj_other.id_number[-6:]
    wrong_ending = other if other != world.bj_employee.id_number[-6:] else "000000"
    answers = [
        ask(anon, app, wrong_ending),                                    # someone else's ID number
        ask(anon, app.reference[:-1] + ("Z" if app.reference[-1] != "Z" else "Y"),
            world.bj_employee.id_number[-6:]),                           # a reference nobody has
        ask(anon, "not a reference", world.bj_employee.id_number[-6:]),  # not even a reference
        ask(anon, app, "12"),                                            # not an ID ending
    ]
    bodies = []
    for r in answers:
        assert r.status_code == 404, r.content
        bodies.append(error_of(r))
    assert all(b == bodies[0] for b in bodies)  # the same answer: nothing tells which half was wrong
    assert bodies[0]["code"] == "not_found"


def test_a_draft_is_not_found(world, anon):
    app = draft_application(world.users["unit_agent"], world.bj_employee, "resignation")
    r = ask(anon, app, world.bj_employee.id_number[-6:])
    assert r.status_code == 404 and error_of(r)["code"] == "not_found"


@pytest.mark.parametrize("body", [{}, {"reference": "TB20261201ABCDEF"}, {"reference": "", "id_number_last6": ""},
                                  {"reference": "x" * 41, "id_number_last6": "123456"}])
def test_a_malformed_body_is_400_in_the_error_shape(anon, body):
    r = anon.post("/progress", body)
    assert r.status_code == 400
    assert error_of(r)["code"] == "invalid_input"


def test_look_ups_are_throttled_per_client_page_and_api_together(world, anon, client):
    app = submitted_application(world.users["unit_agent"], world.bj_employee, "resignation")
    limit, _period = PROGRESS_RATE
    last6 = world.bj_employee.id_number[-6:]
    for _ in range(limit - 1):
        assert ask(anon, app, "000000", REMOTE_ADDR="203.0.113.9").status_code == 404
    # the page counts with the API: the limit's last look-up is spent there
    page = client.post("/progress/", {"reference": app.reference, "id_number_last6": last6},
                       REMOTE_ADDR="203.0.113.9")
    assert page.status_code == 200
    r = ask(anon, app, last6, REMOTE_ADDR="203.0.113.9")
    assert r.status_code == 429 and error_of(r)["code"] == "too_many_requests"
    assert int(r["Retry-After"]) >= 1
    # even the right pair is refused now; another client is not held back
    assert ask(anon, app, last6, REMOTE_ADDR="198.51.100.9").status_code == 200
    table = connection.ops.quote_name("medpause_cache")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {table}")
        keys = [row[0] for row in cursor.fetchall()]
    assert not [k for k in keys if "203.0.113.9" in k]  # addresses are not stored


def test_the_operation_is_public_in_the_openapi_document(anon):
    operation = anon.get("/openapi.json").json()["paths"]["/api/v1/progress"]["post"]
    assert not operation.get("security")
    assert {"200", "400", "404", "429"} <= set(operation["responses"])


def test_behind_a_trusted_proxy_each_client_counts_for_itself(world, anon, settings):
    settings.MEDPAUSE_TRUSTED_PROXIES = "10.0.0.1"
    app = submitted_application(world.users["unit_agent"], world.bj_employee, "resignation")
    limit, _period = PROGRESS_RATE
    via_proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(limit):
        assert ask(anon, app, "000000", HTTP_X_FORWARDED_FOR="203.0.113.20", **via_proxy).status_code == 404
    assert ask(anon, app, "000000", HTTP_X_FORWARDED_FOR="203.0.113.20", **via_proxy).status_code == 429
    # another client behind the same proxy is not held back by the first
    assert ask(anon, app, "000000", HTTP_X_FORWARDED_FOR="203.0.113.21", **via_proxy).status_code == 404
    # and a client that is not the proxy cannot choose its address by the header
    for _ in range(limit):
        ask(anon, app, "000000", REMOTE_ADDR="198.51.100.30", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert ask(anon, app, "000000", REMOTE_ADDR="198.51.100.30", HTTP_X_FORWARDED_FOR="203.0.113.98").status_code == 429


@pytest.mark.parametrize("body", [
    {"reference": "TB\u0000", "id_number_last6": "123456"},        # a NUL byte
    {"reference": "TB20261201ABCDEF", "id_number_last6": "\ud800x"},  # a lone surrogate
    {"reference": ["x"], "id_number_last6": 5},                      # wrong types
])
def test_hostile_bodies_are_a_clean_400(anon, body):
    r = anon.post("/progress", body)
    assert r.status_code == 400
    assert error_of(r)["code"] in {"invalid_input", "invalid_text"}
