"""Eligibility and settlement for institutions."""

import datetime as dt

import pytest

from medpause.cases.models import Suspension
from medpause.common.dates import today
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db


def _suspend(person, **kw):
    return Suspension.objects.create(person=person, region=person.region, reason="flexible_pause", **kw)


def _settle(world, person_or_card, day=None, reference="R-1", amount="123.45"):
    card = person_or_card if isinstance(person_or_card, str) else person_or_card.card.number
    return world.api["institution"].post(
        "/settlements",
        {"card_number": card, "date": (day or today()).isoformat(), "amount": amount,
         "institution_reference": reference},
    )


def test_eligibility_of_an_active_card_without_personal_data(world):
    card = world.bj_employee.card.number
    r = world.api["institution"].get("/eligibility", {"card_number": card, "date": "2026-12-01"})
    assert r.status_code == 200
    body = r.json()
    assert body == {"card_number": card, "date": "2026-12-01", "eligible": True, "status": "active",
                    "benefits_from": None}
    text = r.content.decode()
    assert world.bj_employee.name not in text and world.bj_employee.id_number not in text


def test_eligibility_date_defaults_to_today(world):
    r = world.api["institution"].get("/eligibility", {"card_number": world.bj_employee.card.number})
    assert r.json()["date"] == today().isoformat()


def test_eligibility_of_an_unknown_card(world):
    r = world.api["institution"].get("/eligibility", {"card_number": "0000000000"})
    assert r.json()["status"] == "unknown"
    assert r.json()["eligible"] is False


def test_eligibility_in_a_waiting_period_says_from_when(world):
    start = today() - dt.timedelta(days=400)
    _suspend(world.sh_flex, start_date=start, end_date=today() - dt.timedelta(days=10),
             benefits_from=today() + dt.timedelta(days=80))
    body = world.api["institution"].get("/eligibility", {"card_number": world.sh_flex.card.number}).json()
    assert body["status"] == "waiting"
    assert body["benefits_from"] == (today() + dt.timedelta(days=80)).isoformat()


def test_settlement_accepted_is_201_with_money_as_a_string(world):
    r = _settle(world, world.bj_employee, amount="88.5")
    assert r.status_code == 201
    body = r.json()
    assert body["status"] == "accepted"
    assert body["amount"] == "88.50"
    assert body["institution_reference"] == "R-1"


def test_settlement_repeated_reference_returns_the_first_answer(world):
    first = _settle(world, world.bj_employee, reference="SAME")
    again = _settle(world, world.bj_employee, reference="SAME")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    from medpause.coverage.models import Settlement

    assert Settlement.objects.filter(institution_reference="SAME").count() == 1


def test_settlement_reference_reused_with_another_amount_is_422(world):
    first = _settle(world, world.bj_employee, reference="SAME")
    again = _settle(world, world.bj_employee, reference="SAME", amount="999.99")
    assert again.status_code == 422
    error = error_of(again)
    assert error["code"] == "idempotency_key_reused"
    assert error["details"] == {"institution_reference": "SAME", "settlement_id": first.json()["id"]}
    from medpause.coverage.models import Settlement

    assert Settlement.objects.filter(institution_reference="SAME").count() == 1


def test_settlement_of_care_dated_tomorrow_is_422(world):
    r = _settle(world, world.bj_employee, day=today() + dt.timedelta(days=1), reference="T")
    assert r.status_code == 422
    assert error_of(r)["code"] == "invalid_care_date"


@pytest.mark.parametrize(
    "setup, code",
    [
        ("suspended", "card_suspended"),
        ("terminated", "card_terminated"),
        ("waiting", "waiting_period"),
        ("unknown", "unknown_card"),
    ],
)
def test_settlement_refusals_are_409_every_time(world, setup, code):
    person = world.sh_flex
    if setup == "suspended":
        _suspend(person, start_date=today() - dt.timedelta(days=3))
    elif setup == "terminated":
        _suspend(person, start_date=today() - dt.timedelta(days=3), terminating=True)
    elif setup == "waiting":
        _suspend(person, start_date=today() - dt.timedelta(days=400), end_date=today() - dt.timedelta(days=5),
                 benefits_from=today() + dt.timedelta(days=30))
    card = "9999999999" if setup == "unknown" else person
    for attempt in range(2):
        r = _settle(world, card, reference=f"REF-{setup}")
        assert r.status_code == 409
        assert r.has_header("Idempotent-Replayed") == (attempt == 1)
        error = error_of(r)
        assert error["code"] == code
        assert error["details"]["institution_reference"] == f"REF-{setup}"
    if setup == "waiting":
        assert error["details"]["benefits_from"] == (today() + dt.timedelta(days=30)).isoformat()


def test_care_before_the_suspension_still_settles(world):
    from medpause.registry.models import Card

    Card.objects.filter(person=world.sh_flex).update(issued_on=today() - dt.timedelta(days=30))
    _suspend(world.sh_flex, start_date=today())
    r = _settle(world, world.sh_flex, day=today() - dt.timedelta(days=1))
    assert r.status_code == 201


def test_settlement_invalid_amount_is_rejected(world):
    assert _settle(world, world.bj_employee, amount="12,50").status_code == 400
    r = _settle(world, world.bj_employee, amount="0")
    assert r.status_code == 422
    assert error_of(r)["code"] == "invalid_amount"


def test_refusal_message_follows_the_language(world):
    _suspend(world.sh_flex, start_date=today())
    world.api["institution"].language = "en"
    r = _settle(world, world.sh_flex, reference="L1")
    assert "suspended" in error_of(r)["message"]
