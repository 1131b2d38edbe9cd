"""The card's status on a date: suspension boundaries and waiting periods, region by region."""

import datetime as dt

import pytest

from medpause.common.dates import add_months, today
from medpause.coverage.selectors import (
    CoverageStatus,
    card_status_on,
    current_card_status,
    eligibility,
    status_from_periods,
)
from tests.cases.helpers import paused_flexible, resume

pytestmark = pytest.mark.django_db


def day(offset: int) -> dt.date:
    return today() + dt.timedelta(days=offset)


def status(person, on):
    return card_status_on(person=person, day=on).status


def test_day_before_first_and_last_day_of_a_suspension():
    start = day(1)
    person, me, officer, suspension = paused_flexible("310000", start=start, months=1)
    planned_end = suspension.planned_end_date
    assert status(person, start - dt.timedelta(days=1)) == "active"
    assert status(person, start) == "suspended"
    assert status(person, planned_end) == "suspended"
    resume_on = planned_end + dt.timedelta(days=1)
    resume(me, person, resume_on, approve_by=officer)
    suspension.refresh_from_db()
    assert suspension.end_date == planned_end  # the last suspended day: the day before resuming
    assert status(person, planned_end) == "suspended"
    assert status(person, resume_on) == "active"  # a one-month break: no wait
    assert status(person, start - dt.timedelta(days=1)) == "active"


def test_a_card_with_no_stop_is_active_and_an_unknown_card_is_unknown():
    person, _me, _officer, _s = paused_flexible("310000", start=day(5))
    assert current_card_status(person=person) == "active"
    card, result = eligibility(card_number=person.card.number, day=day(5))
    assert card == person.card and result.status == "suspended" and not result.eligible
    card, result = eligibility(card_number="000000000000", day=day(0))
    assert card is None and result.status == "unknown"
    assert eligibility(card_number=f" {person.card.number} ", day=day(0))[1].eligible


def _resume_after(region: str, break_end: dt.date):
    """Pause from today, resume on `break_end`; returns (person, suspension)."""
    person, me, officer, suspension = paused_flexible(region, start=day(0), months=6)
    resume(me, person, break_end, approve_by=officer)
    suspension.refresh_from_db()
    return person, suspension


@pytest.mark.parametrize("region", ["420100", "110000"])
def test_a_break_of_exactly_three_months_has_no_waiting_period(region):
    resume_on = add_months(day(0), 3)
    person, suspension = _resume_after(region, resume_on)
    assert suspension.benefits_from is None
    assert status(person, resume_on - dt.timedelta(days=1)) == "suspended"
    assert status(person, resume_on) == "active"


@pytest.mark.parametrize(("region", "wait_months"), [("420100", 3), ("110000", 6)], ids=["wuhan", "national"])
def test_three_months_and_a_day_starts_the_regions_waiting_period(region, wait_months):
    resume_on = add_months(day(0), 3) + dt.timedelta(days=1)
    person, suspension = _resume_after(region, resume_on)
    benefits_from = add_months(resume_on, wait_months)
    assert suspension.benefits_from == benefits_from
    assert status(person, resume_on - dt.timedelta(days=1)) == "suspended"
    waiting = card_status_on(person=person, day=resume_on)
    assert (waiting.status, waiting.benefits_from, waiting.eligible) == ("waiting", benefits_from, False)
    assert status(person, benefits_from - dt.timedelta(days=1)) == "waiting"
    assert status(person, benefits_from) == "active"


def test_wuhan_waits_three_months_where_the_national_rule_waits_six():
    resume_on = add_months(day(0), 4)
    wuhan, _ = _resume_after("420100", resume_on)
    beijing, _ = _resume_after("110000", resume_on)
    on = add_months(resume_on, 3)
    assert status(wuhan, on) == "active"
    assert status(beijing, on) == "waiting"
    assert status(beijing, add_months(resume_on, 6)) == "active"


def test_status_from_periods_with_several_periods():
    d = dt.date(2025, 3, 1)
    periods = [
        (1, dt.date(2025, 1, 1), dt.date(2025, 1, 31), False, None),
        (2, dt.date(2025, 6, 1), dt.date(2025, 10, 1), False, dt.date(2026, 4, 2)),
        (3, dt.date(2027, 1, 1), None, True, None),
    ]
    # a stop not begun leaves the card active and is told as scheduled (the nearest one)
    assert status_from_periods(periods, dt.date(2024, 12, 31)) == CoverageStatus(
        "active", scheduled_from=dt.date(2025, 1, 1)
    )
    assert status_from_periods(periods, dt.date(2025, 1, 31)).status == "suspended"
    assert status_from_periods(periods, d).status == "active"
    assert status_from_periods(periods, dt.date(2025, 10, 2)) == CoverageStatus(
        "waiting", dt.date(2026, 4, 2), 2, scheduled_from=dt.date(2027, 1, 1)
    )
    assert status_from_periods(periods, dt.date(2026, 4, 2)).status == "active"
    assert status_from_periods(periods, dt.date(2026, 12, 31)).status == "active"
    assert status_from_periods(periods, dt.date(2027, 1, 1)).status == "terminated"
    assert status_from_periods(periods, dt.date(2090, 1, 1)).status == "terminated"
