"""Dates in China Standard Time, months and working days."""

import datetime as dt
from unittest import mock

import pytest

from medpause.common import dates
from medpause.common.dates import (
    add_months,
    add_working_days,
    is_working_day,
    month_start,
    months_between,
    today,
    working_days_between,
)

UTC = dt.UTC


def test_today_is_the_date_in_shanghai_not_utc():
    late_utc = dt.datetime(2025, 12, 31, 17, 30, tzinfo=UTC)  # 01:30 on 1 January in Beijing time
    with mock.patch("django.utils.timezone.now", return_value=late_utc):
        assert today() == dt.date(2026, 1, 1)
    early_utc = dt.datetime(2025, 12, 31, 15, 59, tzinfo=UTC)  # 23:59 on 31 December
    with mock.patch("django.utils.timezone.now", return_value=early_utc):
        assert today() == dt.date(2025, 12, 31)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2025, 3, 31), -1, dt.date(2025, 2, 28)),
        (dt.date(2025, 11, 15), 3, dt.date(2026, 2, 15)),
        (dt.date(2025, 1, 1), -1, dt.date(2024, 12, 1)),
        (dt.date(2025, 8, 31), 6, dt.date(2026, 2, 28)),
        (dt.date(2025, 5, 10), 0, dt.date(2025, 5, 10)),
        (dt.date(2025, 5, 10), 24, dt.date(2027, 5, 10)),
    ],
)
def test_add_months_clamps_to_the_months_last_day(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (dt.date(2025, 1, 1), dt.date(2025, 4, 1), 3),
        (dt.date(2025, 1, 1), dt.date(2025, 3, 31), 2),
        (dt.date(2025, 1, 31), dt.date(2025, 2, 28), 0),
        (dt.date(2025, 5, 1), dt.date(2025, 4, 1), 0),
    ],
)
def test_months_between(start, end, months):
    assert months_between(start, end) == months


def test_working_days_follow_the_chinese_calendar():
    assert not is_working_day(dt.date(2025, 10, 1))  # National Day
    assert not is_working_day(dt.date(2025, 10, 8))  # still the holiday
    assert is_working_day(dt.date(2025, 9, 28))  # a Sunday made a working day
    assert is_working_day(dt.date(2025, 10, 9))
    assert is_working_day(dt.date(2025, 10, 11))  # a Saturday made a working day
    assert not is_working_day(dt.date(2025, 10, 12))  # an ordinary Sunday


def test_add_working_days_skips_the_national_day_holiday():
    assert add_working_days(dt.date(2025, 9, 30), 1) == dt.date(2025, 10, 9)
    assert add_working_days(dt.date(2025, 9, 26), 1) == dt.date(2025, 9, 28)  # Friday -> make-up Sunday
    assert add_working_days(dt.date(2025, 11, 3), 0) == dt.date(2025, 11, 3)
    assert add_working_days(dt.date(2025, 11, 7), 5) == dt.date(2025, 11, 14)  # Friday + 5 -> next Friday


def test_working_days_between():
    assert working_days_between(dt.date(2025, 9, 30), dt.date(2025, 10, 9)) == 1
    assert working_days_between(dt.date(2025, 10, 9), dt.date(2025, 9, 30)) == -1
    assert working_days_between(dt.date(2025, 11, 3), dt.date(2025, 11, 3)) == 0


def test_years_the_calendar_does_not_know_fall_back_to_monday_to_friday():
    with mock.patch("chinese_calendar.is_workday", side_effect=NotImplementedError):
        assert dates.is_working_day(dt.date(2099, 10, 1)) is (dt.date(2099, 10, 1).weekday() < 5)
    assert is_working_day(dt.date(2099, 10, 1)) is (dt.date(2099, 10, 1).weekday() < 5)


def test_month_start():
    assert month_start(dt.date(2025, 2, 28)) == dt.date(2025, 2, 1)
