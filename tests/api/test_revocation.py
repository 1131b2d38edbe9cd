"""Correcting a decision through the API: revoke, confirm by another officer, and the
settlements refused because of the decision listed for the hospitals to settle again."""

import datetime as dt

import pytest

from medpause.accounts.services import token_issue
from tests.api.conftest import Api, error_of
from tests.cases.helpers import stop
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db
D = dt.timedelta


def settle(hospital, card, day, reference, amount="88.50"):
    return hospital.post("/settlements", {"card_number": card, "date": day.isoformat(), "amount": amount,
                                          "institution_reference": reference})


def test_a_revoked_stop_lists_the_refused_settlements_and_the_date_settles_again(world):
    from medpause.common.dates import today

    person = make_person("110000", unit=world.bj_unit, name="周改正", issued_on=dt.date(2024, 3, 1))
    card = person.card.number
    start = today() - D(days=6)
    app = stop(world.users["unit_agent"], person, "resignation", start, approve_by=world.users["officer"])
    hospital = world.api["institution"]
    before = settle(hospital, card, start - D(days=1), "H-before")  # before the stop: accepted, not listed
    assert before.status_code == 201
    refused = [settle(hospital, card, start + D(days=n), f"H-{n}") for n in (0, 3)]
    assert [r.status_code for r in refused] == [409, 409]
    assert {error_of(r)["code"] for r in refused} == {"card_suspended"}

    officer, second = world.api["officer"], Api(token_issue(user=make_user("officer", region="110000")))
    assert officer.post(f"/applications/{app.pk}/confirm-revocation").status_code == 409  # nothing asked yet
    response = officer.post(f"/applications/{app.pk}/revoke", {"reason": "The unit filed for the wrong person."})
    assert response.status_code == 200 and response.json() == {"status": "revocation_requested"}
    assert settle(hospital, card, start + D(days=4), "H-4").status_code == 409  # still stopped until confirmed
    response = officer.post(f"/applications/{app.pk}/confirm-revocation")
    assert response.status_code == 403 and error_of(response)["code"] == "four_eyes"
    response = second.post(f"/applications/{app.pk}/confirm-revocation")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "revoked"
    listed = body["details"]["settlements_to_reprocess"]
    assert [(s["institution_reference"], s["date"], s["amount"], s["refusal_code"]) for s in listed] == [
        ("H-0", start.isoformat(), "88.50", "card_suspended"),
        ("H-3", (start + D(days=3)).isoformat(), "88.50", "card_suspended"),
        ("H-4", (start + D(days=4)).isoformat(), "88.50", "card_suspended"),
    ]
    # a new settlement on a day that was refused is now accepted
    again = settle(hospital, card, start, "H-0-again")
    assert again.status_code == 201 and again.json()["status"] == "accepted"
    detail = officer.get(f"/applications/{app.pk}").json()
    assert detail["status"] == "revoked" and detail["revocation_reason"] == "The unit filed for the wrong person."
    assert [s["id"] for s in detail["settlements_to_reprocess"]] == [s["id"] for s in listed]
    assert [h["action"] for h in detail["history"]][-2:] == ["revoke", "confirm_revocation"]
    suspensions = officer.get(f"/persons/{person.pk}/suspensions").json()
    assert suspensions == [] and officer.get(f"/persons/{person.pk}").json()["card_status"] == "active"
    # and nothing further: a revoked application is not revoked again
    response = officer.post(f"/applications/{app.pk}/revoke", {"reason": "again"})
    assert response.status_code == 409 and error_of(response)["code"] == "invalid_transition"


def test_who_may_revoke(world):
    from medpause.common.dates import today

    app = stop(world.users["unit_agent"], world.bj_employee, "resignation", today(), approve_by=world.users["officer"])
    for role, status in (("unit_agent", 403), ("individual", 403), ("officer_sh", 404), ("institution", 403)):
        assert world.api[role].post(f"/applications/{app.pk}/revoke", {"reason": "x"}).status_code == status, role
    response = world.api["officer"].post(f"/applications/{app.pk}/revoke", {"reason": ""})
    assert response.status_code == 400 and error_of(response)["code"]
    response = world.api["officer"].post(f"/applications/{app.pk}/revoke", {"reason": "bad\u0000"})
    assert response.status_code == 400 and error_of(response)["code"]
