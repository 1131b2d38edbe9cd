"""Calendar dates in China Standard Time, months and working days."""

from __future__ import annotations

import calendar
import datetime as dt
import functools

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medpause.common.errors import Refused


def out_of_range(day: dt.date | None = None) -> Refused:
    """A date too far ahead (or back) to compute with: a 422, never a crash."""
    return Refused(
        "date_out_of_range", _("This date is too far in the future or the past."),
        details={"date": day.isoformat()} if day else {},
    )


def today() -> dt.date:
    """Today's date in Asia/Shanghai (settings.TIME_ZONE)."""
    return timezone.localdate()


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise out_of_range(day)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from start to end (end exclusive): 1 Jan -> 1 Apr is 3."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


@functools.lru_cache(maxsize=16384)  # ~45 years of days; the library takes ~0.1 ms a day
def is_working_day(day: dt.date) -> bool:
    """Chinese statutory working day (holidays and make-up working days from chinese-calendar);
    for years the library does not know yet, Monday to Friday (see docs/adr/0004)."""
    try:
        import chinese_calendar

        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The date `count` working days after `day` (0: the same day)."""
    current = day
    remaining = count
    try:
        while remaining > 0:
            current += dt.timedelta(days=1)
            if is_working_day(current):
                remaining -= 1
    except OverflowError as exc:  # past 9999-12-31
        raise out_of_range(day) from exc
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative if end is before start)."""
    if end < start:
        return -working_days_between(end, start)
    count, current = 0, start
    while current < end:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)
