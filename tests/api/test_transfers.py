"""Transfers between regions through the HTTP API (docs/api.md "Transfers between regions"):
request, send, receive, refuse and read, their error answers and the balance moving once."""

import datetime as dt

import pytest

from medpause.cases.models import Suspension
from medpause.common.dates import add_months, month_start, today
from medpause.coverage.models import AccountEntry
from medpause.coverage.services import contribution_record
from medpause.registry.models import Card
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db


def _request(world, who="individual", person=None, to="310000", date=None):
    person = person or world.bj_employee
    return world.api[who].post("/transfers", {"person_id": person.pk, "to_region": to,
                                              "date": (date or today()).isoformat()})


def test_request_send_receive_and_read(world):
    person = world.bj_employee
    Card.objects.filter(person=person).update(issued_on=today() - dt.timedelta(days=400))
    contribution_record(person=person, month=add_months(month_start(today()), -1))
    r = _request(world)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "requested" and set(body) == {"id", "status"}
    tid = body["id"]
    shown = world.api["officer_sh"].get(f"/transfers/{tid}").json()
    assert shown["out"]["working_days"] == 10 and shown["in"]["working_days"] == 5
    assert shown["out"]["working_days_left"] == 10 and shown["in"]["due"] is None
    assert shown["actions"] == ["send", "refuse"] and shown["from_region"] == "110000"
    r = world.api["officer"].post(f"/transfers/{tid}/send")
    assert r.status_code == 200 and r.json()["status"] == "sent"
    shown = world.api["individual"].get(f"/transfers/{tid}").json()
    assert shown["in"]["working_days_left"] == 5 and shown["balance_moved"] == "160.00"
    r = world.api["officer_sh"].post(f"/transfers/{tid}/receive")
    assert r.status_code == 200 and r.json()["status"] == "received"
    number = Card.objects.get(person=person).number
    r = world.api["institution"].get("/eligibility", {"card_number": number, "date": today().isoformat()})
    assert r.status_code == 200 and r.json()["status"] == "active"
    account = world.api["individual"].get(f"/persons/{person.pk}/account").json()
    assert account["balance"] == "160.00"
    assert sorted(e["kind"] for e in account["entries"]) == ["contribution", "transfer_in", "transfer_out"]
    # taking in again moves nothing twice
    again = world.api["officer_sh"].post(f"/transfers/{tid}/receive")
    assert again.status_code == 409 and error_of(again)["code"] == "invalid_transition"
    assert AccountEntry.objects.filter(person=person, kind="transfer_in").count() == 1


def test_same_region_is_422_and_unknown_region_404(world):
    r = _request(world, to="110000")
    assert r.status_code == 422 and error_of(r)["code"] == "same_region"
    r = _request(world, to="999999")
    assert r.status_code == 404 and error_of(r)["code"] == "unknown_region"


def test_a_person_with_an_open_stop_transfers_and_their_break_ends_the_day_before(world):
    person, date = world.bj_employee, today()
    stop = Suspension.objects.create(person=person, region=person.region, reason="unemployment",
                                     start_date=date - dt.timedelta(days=20))
    tid = _request(world, who="unit_agent", date=date).json()["id"]
    assert world.api["officer"].post(f"/transfers/{tid}/send").status_code == 200
    stop.refresh_from_db()
    assert stop.end_date == date - dt.timedelta(days=1)
    assert world.api["officer_sh"].post(f"/transfers/{tid}/receive").json()["status"] == "received"
    assert world.api["officer_sh"].get(f"/transfers/{tid}").json()["benefits_from"] is None


def test_a_person_whose_cover_ended_cannot_transfer(world):
    person = world.bj_employee
    Suspension.objects.create(person=person, region=person.region, reason="death", terminating=True,
                              start_date=today() - dt.timedelta(days=3))
    r = _request(world, who="officer")
    assert r.status_code == 422 and error_of(r)["code"] == "not_transferable"


def test_the_wrong_officer_and_the_wrong_order(world):
    tid = _request(world).json()["id"]
    r = world.api["officer_sh"].post(f"/transfers/{tid}/send")  # the destination may not send
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"
    r = world.api["officer_sh"].post(f"/transfers/{tid}/receive")  # nor take in before it is sent
    assert r.status_code == 409 and error_of(r)["code"] == "invalid_transition"
    r = world.api["unit_agent_sh"].get(f"/transfers/{tid}")
    assert r.status_code == 404 and error_of(r)["code"] == "not_found"
    r = _request(world, to="420100")
    assert r.status_code == 409 and error_of(r)["code"] == "transfer_open"


def test_refusal_needs_a_reason_and_ends_the_transfer(world):
    tid = _request(world).json()["id"]
    r = world.api["officer"].post(f"/transfers/{tid}/refuse", {"reason": ""})
    assert r.status_code in (400, 422)
    error_of(r)
    r = world.api["officer_sh"].post(f"/transfers/{tid}/refuse", {"reason": "人员信息不符"})
    assert r.status_code == 200 and r.json()["status"] == "refused"
    shown = world.api["individual"].get(f"/transfers/{tid}").json()
    assert shown["refusal_reason"] == "人员信息不符" and shown["actions"] == []


@pytest.mark.parametrize("body", [
    {"person_id": "abc", "to_region": "310000", "date": "2026-01-01"},
    {"person_id": 1, "to_region": "31\x000000", "date": "2026-01-01"},
    {"person_id": 1, "to_region": "310000", "date": "9999-12-31"},
    {"person_id": 1, "to_region": "310000", "date": "not a date"},
    {"person_id": 99999999, "to_region": "310000", "date": "2026-01-01"},
])
def test_bad_input_is_a_4xx_in_the_error_shape(world, body):
    r = world.api["officer"].post("/transfers", body)
    assert 400 <= r.status_code < 500
    error_of(r)


@pytest.mark.parametrize("tid", ["0", "99999999", "abc", "9" * 30])
def test_an_unknown_transfer_is_404_or_400(world, tid):
    r = world.api["officer"].get(f"/transfers/{tid}")
    assert r.status_code in (400, 404)
    error_of(r)


def test_the_sheet_is_issued_once_sent_and_verifies(world):
    tid = _request(world).json()["id"]
    r = world.api["individual"].get(f"/transfers/{tid}/sheet.pdf")
    assert r.status_code == 409 and error_of(r)["code"] == "not_sent"
    world.api["officer"].post(f"/transfers/{tid}/send")
    r = world.api["individual"].get(f"/transfers/{tid}/sheet.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF-")
    from medpause.printing.models import IssuedDocument

    code = IssuedDocument.objects.get(person=world.bj_employee).code
    assert world.api["individual"].get(f"/certificates/{code}").json()["valid"] is True
    assert world.api["unit_agent_sh"].get(f"/transfers/{tid}/sheet.pdf").status_code == 404
