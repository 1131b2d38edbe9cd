"""The whole story through HTTP only: stop -> suspended -> settlement refused -> resume ->
settlement accepted."""

import datetime as dt

import pytest

from medpause.common.dates import today
from tests.api.conftest import Api, error_of
from tests.factories import PNG_1PX, pdf_bytes

pytestmark = pytest.mark.django_db


def _login(username: str) -> Api:
    r = Api().post("/auth/token", {"username": username, "password": "correct-horse-9"})
    assert r.status_code == 200
    return Api(r.json()["token"])


def test_stop_suspends_settlement_refused_resume_settlement_accepted(world, monkeypatch):
    me, officer, hospital = _login("li.na"), _login("officer.shanghai"), _login("hospital")
    person_id = me.get("/auth/me").json()["person_id"]
    card = me.get(f"/persons/{person_id}").json()["card_number"]
    start = today()

    # what is needed, then the stop application
    needs = Api().get("/requirements", {"region": "310000", "reason": "flexible_pause"}).json()
    assert "identity" in [d["code"] for d in needs["documents"]]
    r = me.post("/applications", {"kind": "stop", "person_id": person_id, "reason": "flexible_pause",
                                  "start_date": start.isoformat(),
                                  "end_date": (start + dt.timedelta(days=60)).isoformat()})
    assert r.status_code == 201
    stop = r.json()
    assert stop["missing_documents"] == ["identity"]
    assert me.upload(f"/applications/{stop['id']}/documents", "id_card", PNG_1PX).status_code == 201
    assert me.post(f"/applications/{stop['id']}/submit").json() == {"status": "submitted"}

    # the officer finds it in the queue and approves
    queue = officer.get("/applications", {"status": "submitted"}).json()["items"]
    assert stop["id"] in [a["id"] for a in queue]
    assert officer.post(f"/applications/{stop['id']}/approve", {"note": "documents complete"}).json() == {
        "status": "approved"
    }

    # suspended: eligibility says so and the settlement is refused, every time
    eligibility = hospital.get("/eligibility", {"card_number": card, "date": start.isoformat()}).json()
    assert eligibility["status"] == "suspended" and eligibility["eligible"] is False
    for _ in range(2):
        refused = hospital.post("/settlements", {"card_number": card, "date": start.isoformat(), "amount": "300.00",
                                                 "institution_reference": "RJ-0001"})
        assert refused.status_code == 409
        assert error_of(refused)["code"] == "card_suspended"
    assert me.get(f"/persons/{person_id}").json()["card_status"] == "suspended"

    # resume ten days later
    [suspension] = me.get(f"/persons/{person_id}/suspensions").json()
    assert suspension["application_id"] == stop["id"] and suspension["end_date"] is None
    resume_on = start + dt.timedelta(days=10)
    r = me.post("/applications", {"kind": "resume", "person_id": person_id, "suspension_id": suspension["id"],
                                  "start_date": resume_on.isoformat()})
    assert r.status_code == 201
    resume = r.json()
    assert me.upload(f"/applications/{resume['id']}/documents", "passport", pdf_bytes(), "p.pdf").status_code == 201
    assert me.post(f"/applications/{resume['id']}/submit").json() == {"status": "submitted"}
    assert officer.post(f"/applications/{resume['id']}/approve").json() == {"status": "approved"}

    # the stop ended the day before; care from the resume date settles (the hospital settles on
    # that day: care dated after today is refused)
    [suspension] = me.get(f"/persons/{person_id}/suspensions").json()
    assert suspension["end_date"] == (resume_on - dt.timedelta(days=1)).isoformat()
    from medpause.coverage import services as coverage_services

    monkeypatch.setattr(coverage_services, "today", lambda: resume_on)
    accepted = hospital.post("/settlements", {"card_number": card, "date": resume_on.isoformat(),
                                              "amount": "300.00", "institution_reference": "RJ-0002"})
    assert accepted.status_code == 201
    assert accepted.json()["status"] == "accepted"
    still_refused = hospital.post("/settlements", {"card_number": card, "date": (start + dt.timedelta(days=5)).isoformat(),
                                                   "amount": "10.00", "institution_reference": "RJ-0003"})
    assert error_of(still_refused)["code"] == "card_suspended"
    history = me.get(f"/applications/{stop['id']}").json()["history"]
    assert [h["status"] for h in history] == ["submitted", "approved"]
