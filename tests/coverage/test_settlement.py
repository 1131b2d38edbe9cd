"""Settlement: refusal codes by the card's status on the date of care, idempotent per reference."""

import datetime as dt

import pytest

from medpause.common.dates import add_months, today
from medpause.common.errors import Refused
from medpause.coverage import services
from medpause.coverage.models import Settlement
from medpause.coverage.services import REFUSAL_CODES, refusal_message, settlement_create
from medpause.registry.models import Card, Contribution
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


def insured_since(person, on: dt.date):
    """Registered (card issued) on `on`: care dated from then on may settle."""
    Card.objects.filter(person=person).update(issued_on=on)
    return person


@pytest.fixture
def settle_as_of(monkeypatch):
    """Settle as an institution would on a later day: the day of care may then be after the
    real today (a resumption approved ahead, a waiting period that has begun)."""
    def as_of(on: dt.date):
        monkeypatch.setattr(services, "today", lambda: on)

    return as_of


def test_active_card_settles(hospital):
    person = make_person("310000", category="flexible")
    s, created = settle(hospital, person.card.number, day(0), "R-1", "123.45")
    assert created and s.status == "accepted" and s.refusal_code == ""
    assert s.person == person and str(s.amount) == "123.45"


def test_card_suspended_and_care_before_the_stop_settles(hospital):
    person, *_ = paused_flexible("310000", start=day(0))
    insured_since(person, day(-30))
    before, _ = settle(hospital, person.card.number, day(-1), "before")
    during, _ = settle(hospital, person.card.number, day(0), "during")
    assert before.status == "accepted"
    assert (during.status, during.refusal_code) == ("refused", "card_suspended")


def test_card_terminated(hospital):
    person = make_person("110000")
    agent, officer = make_user("unit_agent", unit=person.unit), make_user("officer", region="110000")
    stop(agent, person, "death", day(-2), approve_by=officer)
    insured_since(person, day(-30))
    s, _ = settle(hospital, person.card.number, day(0), "t")
    assert s.refusal_code == "card_terminated"
    assert settle(hospital, person.card.number, day(-3), "t-before")[0].status == "accepted"


def test_waiting_period_names_the_date_benefits_start(hospital, settle_as_of):
    person, me, officer, _s = paused_flexible("420100", start=day(0))
    resume_on = add_months(day(0), 4)
    resume(me, person, resume_on, approve_by=officer)
    benefits_from = add_months(resume_on, 3)
    settle_as_of(benefits_from)
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
    person = insured_since(make_person("310000", category="flexible"), day(-30))
    first, created = settle(hospital, person.card.number, day(0), "SAME", "50.00")
    again, created_again = settle(hospital, f" {person.card.number} ", day(0), "SAME", "50.0")
    assert created and not created_again
    assert again.pk == first.pk and str(again.amount) == "50.00" and again.date == day(0)
    other_hospital = make_user("institution", institution_name="华山医院")
    theirs, created_theirs = settle(other_hospital, person.card.number, day(0), "SAME")
    assert created_theirs and theirs.pk != first.pk
    assert Settlement.objects.count() == 2


@pytest.mark.parametrize("change", ["card", "date", "amount", "unreadable amount"])
def test_a_reference_reused_for_another_request_is_refused(hospital, change):
    person = insured_since(make_person("310000", category="flexible"), day(-30))
    other = make_person("310000", category="flexible")
    first, _ = settle(hospital, person.card.number, day(0), "SAME", "50.00")
    card, on, amount = person.card.number, day(0), "50.00"
    if change == "card":
        card = other.card.number
    elif change == "date":
        on = day(-5)
    elif change == "amount":
        amount = "50.01"
    else:
        amount = "fifty"
    with pytest.raises(Refused) as exc:
        settle(hospital, card, on, "SAME", amount)
    assert exc.value.code == "idempotency_key_reused" and exc.value.status == 422
    assert exc.value.details == {"institution_reference": "SAME", "settlement_id": first.pk}
    assert Settlement.objects.count() == 1


def test_care_dated_today_settles_and_tomorrow_is_refused(hospital):
    person = insured_since(make_person("310000", category="flexible"), day(-30))
    assert settle(hospital, person.card.number, day(0), "today")[0].status == "accepted"
    with pytest.raises(Refused) as exc:
        settle(hospital, person.card.number, day(1), "tomorrow")
    assert exc.value.code == "invalid_care_date" and exc.value.details["date"] == day(1).isoformat()
    assert not Settlement.objects.filter(institution_reference="tomorrow").exists()


def test_today_is_the_date_in_china_standard_time(hospital, settings):
    """16:30 UTC on 31 Dec is already 1 Jan in Beijing: care dated 1 Jan settles then."""
    from unittest import mock

    from django.utils import timezone

    person = insured_since(make_person("310000", category="flexible"), dt.date(2025, 1, 1))
    late_utc = dt.datetime(2025, 12, 31, 16, 30, tzinfo=dt.UTC)
    with mock.patch.object(timezone, "now", return_value=late_utc):
        assert settle(hospital, person.card.number, dt.date(2026, 1, 1), "cst")[0].status == "accepted"
        with pytest.raises(Refused):
            settle(hospital, person.card.number, dt.date(2026, 1, 2), "cst-2")


def test_care_from_the_first_insured_day_settles_and_the_day_before_is_refused(hospital):
    person = insured_since(make_person("310000", category="flexible"), day(-10))
    assert settle(hospital, person.card.number, day(-10), "first")[0].status == "accepted"
    with pytest.raises(Refused) as exc:
        settle(hospital, person.card.number, day(-11), "before")
    assert exc.value.code == "invalid_care_date"
    assert exc.value.details["first_insured_on"] == day(-10).isoformat()


def test_the_first_contribution_month_counts_as_insured_when_earlier_than_the_card(hospital):
    person = insured_since(make_person("310000", category="flexible"), day(-10))
    first_month = add_months(day(-10), -2).replace(day=1)
    Contribution.objects.create(person=person, month=first_month, base="8000.00", employer_amount="0.00",
                                employee_amount="800.00", policy_version="test")
    assert settle(hospital, person.card.number, first_month, "month")[0].status == "accepted"
    with pytest.raises(Refused) as exc:
        settle(hospital, person.card.number, first_month - dt.timedelta(days=1), "month-before")
    assert exc.value.details["first_insured_on"] == first_month.isoformat()


def test_a_repeated_refusal_gives_the_same_answer_even_after_the_card_changes(hospital, settle_as_of):
    person, me, officer, _s = paused_flexible("310000", start=day(0))
    settle_as_of(day(1))
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
