"""Settlement: refusal codes by the card's status on the date of care, idempotent per reference."""

import datetime as dt

import pytest

from medpause.common.dates import add_months, today
from medpause.common.errors import Refused
from medpause.coverage.models import Settlement
from medpause.coverage.services import REFUSAL_CODES, refusal_message, settlement_create
from tests.cases.helpers import paused_flexible, resume, stop
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db


def day(offset: int) -> dt.date:
    return today() + dt.timedelta(days=offset)


@pytest.fixture
def hospital():
    return make_user("institution", institution_name="上海瑞金医院")


def settle(hospital, card, on, ref, amount="100.00"):
    return settlement_create(institution=hospital, card_number=card, date=on, amount=amount, institution_reference=ref)


def test_active_card_settles(hospital):
    person = make_person("310000", category="flexible")
    s, created = settle(hospital, person.card.number, day(0), "R-1", "123.45")
    assert created and s.status == "accepted" and s.refusal_code == ""
    assert s.person == person and str(s.amount) == "123.45"


def test_card_suspended_and_care_before_the_stop_settles(hospital):
    person, *_ = paused_flexible("310000", start=day(0))
    before, _ = settle(hospital, person.card.number, day(-1), "before")
    during, _ = settle(hospital, person.card.number, day(0), "during")
    assert before.status == "accepted"
    assert (during.status, during.refusal_code) == ("refused", "card_suspended")


def test_card_terminated(hospital):
    person = make_person("110000")
    agent, officer = make_user("unit_agent", unit=person.unit), make_user("officer", region="110000")
    stop(agent, person, "death", day(-2), approve_by=officer)
    s, _ = settle(hospital, person.card.number, day(0), "t")
    assert s.refusal_code == "card_terminated"
    assert settle(hospital, person.card.number, day(-3), "t-before")[0].status == "accepted"


def test_waiting_period_names_the_date_benefits_start(hospital):
    person, me, officer, _s = paused_flexible("420100", start=day(0))
    resume_on = add_months(day(0), 4)
    resume(me, person, resume_on, approve_by=officer)
    benefits_from = add_months(resume_on, 3)
    s, _ = settle(hospital, person.card.number, resume_on, "w")
    assert (s.status, s.refusal_code, s.benefits_from) == ("refused", "waiting_period", benefits_from)
    assert benefits_from.isoformat() in str(refusal_message("waiting_period", s.benefits_from))
    assert settle(hospital, person.card.number, benefits_from, "w2")[0].status == "accepted"


def test_unknown_card(hospital):
    s, created = settle(hospital, "9999999999", day(0), "u")
    assert created and (s.status, s.refusal_code, s.person) == ("refused", "unknown_card", None)


def test_every_refusal_code_has_a_message():
    assert set(REFUSAL_CODES.values()) == {"card_suspended", "card_terminated", "waiting_period", "unknown_card"}
    for code in REFUSAL_CODES.values():
        assert str(refusal_message(code, day(0)))


def test_idempotent_per_institution_and_reference(hospital):
    person = make_person("310000", category="flexible")
    first, created = settle(hospital, person.card.number, day(0), "SAME", "50.00")
    again, created_again = settle(hospital, person.card.number, day(-5), "SAME", "99.00")
    assert created and not created_again
    assert again.pk == first.pk and str(again.amount) == "50.00" and again.date == day(0)
    other_hospital = make_user("institution", institution_name="华山医院")
    theirs, created_theirs = settle(other_hospital, person.card.number, day(0), "SAME")
    assert created_theirs and theirs.pk != first.pk
    assert Settlement.objects.count() == 2


def test_a_repeated_refusal_gives_the_same_answer_even_after_the_card_changes(hospital):
    person, me, officer, _s = paused_flexible("310000", start=day(0))
    refused, _ = settle(hospital, person.card.number, day(1), "RETRY")
    assert refused.refusal_code == "card_suspended"
    resume(me, person, day(1), approve_by=officer)  # the card is active on day(1) now
    again, created = settle(hospital, person.card.number, day(1), "RETRY")
    assert not created and again.pk == refused.pk and again.refusal_code == "card_suspended"
    assert settle(hospital, person.card.number, day(1), "RETRY-2")[0].status == "accepted"


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "1.234", "NaN", "10000000000"])
def test_invalid_amount(hospital, amount):
    person = make_person("310000", category="flexible")
    with pytest.raises(Refused) as exc:
        settle(hospital, person.card.number, day(0), "A", amount)
    assert exc.value.code == "invalid_amount"
    assert not Settlement.objects.exists()


@pytest.mark.parametrize("reference", ["", "   ", "x" * 65])
def test_invalid_reference(hospital, reference):
    with pytest.raises(Refused) as exc:
        settle(hospital, "123", day(0), reference)
    assert exc.value.code == "invalid_reference"
