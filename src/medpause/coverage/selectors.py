"""The card's status on a date: the eligibility hot path. One indexed read: the card by number
joined with its person's suspension periods (a card may have none), for one card or many."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connections, router
from django.utils.translation import gettext_lazy as _

from medpause.cases.models import Suspension
from medpause.common.dates import add_months
from medpause.common.errors import Refused
from medpause.common.replica import replica_reads
from medpause.coverage.models import BackPayment, Settlement
from medpause.registry.models import Card, Contribution

ACTIVE, SUSPENDED, TERMINATED, WAITING, UNKNOWN = "active", "suspended", "terminated", "waiting", "unknown"
BULK_LIMIT = 1000  # cards in one bulk eligibility question
# The code a settlement is refused with, by the card's status on the day of care.
REFUSAL_CODES = {SUSPENDED: "card_suspended", TERMINATED: "card_terminated", WAITING: "waiting_period", UNKNOWN: "unknown_card"}


# A recorded stop on a day: approved but not begun (the card still works), under way, or over.
SCHEDULED, CURRENT, ENDED = "scheduled", "current", "ended"


@dataclass(frozen=True)
class CoverageStatus:
    status: str
    benefits_from: dt.date | None = None
    suspension_id: int | None = None
    scheduled_from: dt.date | None = None  # the first day of the next stop approved but not begun

    @property
    def eligible(self) -> bool:
        return self.status == ACTIVE


def status_from_periods(periods, day: dt.date, paid=()) -> CoverageStatus:
    """periods: (id, start, end, terminating, benefits_from) tuples; paid: (first, last day)
    of the months back-paid where the policy lets care in them settle: a suspended day inside
    one is covered. A stop that starts after `day` leaves the card as it is until then; its
    start is told as `scheduled_from`."""
    waiting: CoverageStatus | None = None
    scheduled: dt.date | None = None
    for pk, start, end, terminating, benefits_from in periods:
        if start > day:
            scheduled = start if scheduled is None else min(scheduled, start)
        elif end is None or day <= end:
            if terminating:
                return CoverageStatus(TERMINATED, None, pk)
            if any(first <= day <= last for first, last in paid):
                continue
            return CoverageStatus(SUSPENDED, None, pk)
        elif benefits_from is not None and day < benefits_from:
            waiting = CoverageStatus(WAITING, benefits_from, pk)
    if waiting is not None:
        return CoverageStatus(WAITING, waiting.benefits_from, waiting.suspension_id, scheduled)
    return CoverageStatus(ACTIVE, scheduled_from=scheduled)


def period_state(*, start: dt.date, end: dt.date | None, day: dt.date) -> str:
    """A recorded stop on `day`: `scheduled` before its first day, `current` until its last
    (open until resumed), then `ended`."""
    if start > day:
        return SCHEDULED
    return ENDED if end is not None and end < day else CURRENT


def _periods(person_id: int):
    return Suspension.objects.filter(person_id=person_id).values_list(
        "pk", "start_date", "end_date", "terminating", "benefits_from"
    )


def month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


def paid_ranges(person_id: int) -> list[tuple[dt.date, dt.date]]:
    """(first, last day) of each paid back-payment whose care settles (coverage.backpay)."""
    rows = BackPayment.objects.filter(person_id=person_id, status=BackPayment.PAID, restores_care=True)
    return [(first, month_end(last)) for first, last in rows.values_list("from_month", "to_month")]


def card_status_on(*, person, day: dt.date) -> CoverageStatus:
    return status_from_periods(_periods(person.pk), day, paid_ranges(person.pk))


def _card_periods_sql(count: int) -> str:
    """The cards joined with their person's periods: suspensions (kind 0, a card may have none)
    and, after them, paid back-payments whose care settles (kind 1: their months' first days).
    Two branches of one UNION ALL, each on its own indexes (the card's number, then the person's
    suspensions or back-payments), so the numbers are passed twice."""
    card, suspension, paid = Card._meta.db_table, Suspension._meta.db_table, BackPayment._meta.db_table
    marks = ", ".join(["%s"] * count)
    return (
        f'SELECT c."number", c."id", c."person_id", c."issued_on", 0, s."id", s."start_date", s."end_date", '
        f's."terminating", s."benefits_from" FROM "{card}" c LEFT JOIN "{suspension}" s ON s."person_id" = c."person_id" '
        f'WHERE c."number" IN ({marks}) UNION ALL '
        f'SELECT c."number", c."id", c."person_id", c."issued_on", 1, b."id", b."from_month", b."to_month", FALSE, '
        f'CAST(NULL AS date) FROM "{card}" c JOIN "{paid}" b ON b."person_id" = c."person_id" '
        f"AND b.\"status\" = 'paid' AND b.\"restores_care\" "
        f'WHERE c."number" IN ({marks}) ORDER BY 7, 6'
    )


_SQL: dict[int, str] = {}


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _cards_with_periods(numbers: list[str]) -> dict[str, tuple[int, int, dt.date, list, list]]:
    """{number: (card id, person id, issued on, periods)} for the known numbers, in one query. This is the
    hot path: plain SQL on the card's unique index and the suspensions' (person, start) index,
    without building a queryset per question."""
    if not numbers:
        return {}
    sql = _SQL.get(len(numbers))
    if sql is None:
        sql = _card_periods_sql(len(numbers))
        if len(numbers) == 1:
            _SQL[1] = sql
    found: dict[str, tuple[int, int, dt.date, list, list]] = {}
    # Plain SQL, on the connection the router gives a read of cards: the replica when allowed.
    with connections[router.db_for_read(Card)].cursor() as cursor:
        cursor.execute(sql, [*numbers, *numbers])
        for number, card_id, person_id, issued_on, kind, pk, start, end, terminating, benefits_from in cursor.fetchall():
            entry = found.get(number)
            if entry is None:
                entry = found[number] = (card_id, person_id, issued_on, [], [])
            if pk is None:
                continue
            # SQLite may give a UNION's dates as text (no declared type to convert by)
            start, end, benefits_from = _date(start), _date(end), _date(benefits_from)
            if kind:
                entry[4].append((start, month_end(end)))
            else:
                entry[3].append((pk, start, end, bool(terminating), benefits_from))
    return found


@replica_reads  # the hospitals' hot path: a read replica may answer it (config/routers.py)
def eligibility(*, card_number: str, day: dt.date) -> tuple[Card | None, CoverageStatus]:
    """The card (id, number, person_id, issued_on only) and its status on `day`; (None, unknown)
    for an unknown number. One query."""
    number = (card_number or "").strip()
    entry = _cards_with_periods([number]).get(number) if number else None
    if entry is None:
        return None, CoverageStatus(UNKNOWN)
    card_id, person_id, issued_on, periods, paid = entry
    card = Card(id=card_id, number=number, person_id=person_id, issued_on=issued_on)
    return card, status_from_periods(periods, day, paid)


@replica_reads
def eligibility_many(*, card_numbers: list[str], day: dt.date) -> list[tuple[str, CoverageStatus]]:
    """The status of each card on `day`, in the order given (unknown numbers: `unknown`), in
    one query whatever the count; more than BULK_LIMIT numbers are refused (`too_many_cards`)."""
    if len(card_numbers) > BULK_LIMIT:
        raise Refused(
            "too_many_cards", _("Ask about at most %(limit)d cards at once.") % {"limit": BULK_LIMIT},
            details={"limit": BULK_LIMIT, "given": len(card_numbers)},
        )
    wanted = list(dict.fromkeys(n.strip() for n in card_numbers if n and n.strip()))
    found = _cards_with_periods(wanted)
    answers = []
    for asked in card_numbers:
        entry = found.get((asked or "").strip())
        answers.append((asked, status_from_periods(entry[3], day, entry[4]) if entry else CoverageStatus(UNKNOWN)))
    return answers


def first_insured_on(*, card: Card) -> dt.date:
    """The first day the card's holder was insured: the earlier of the card's issue (their
    registration) and their first contribution month. Care dated before it is not settled."""
    first_month = (Contribution.objects.filter(person_id=card.person_id).order_by("month")
                   .values_list("month", flat=True).first())
    return min(card.issued_on, first_month) if first_month else card.issued_on


def insured_on(*, card: Card, day: dt.date) -> bool:
    """Whether `day` is on or after the holder's first insured day; no query unless `day` is
    before the card was issued."""
    return day >= card.issued_on or day >= first_insured_on(card=card)


def current_cover(*, person) -> CoverageStatus:
    """Today's status, with the start of a stop approved but not begun (`scheduled_from`)."""
    from medpause.common.dates import today

    return card_status_on(person=person, day=today())


def current_card_status(*, person) -> str:
    return current_cover(person=person).status


def settlements_to_reprocess(*, application) -> list[dict]:
    """The settlements refused because of cover a revoked decision took away (the periods its
    confirmation recorded in `revocation_effect`), oldest first: the hospitals may settle them
    again, under a new reference of theirs."""
    codes = REFUSAL_CODES
    found: dict[int, Settlement] = {}
    for period in (application.revocation_effect or {}).get("periods", []):
        rows = Settlement.objects.filter(
            person_id=application.person_id, status=Settlement.REFUSED, date__gte=period["start"],
            refusal_code__in=[codes[s] for s in period.get("statuses", []) if s in codes],
        )
        if period.get("end"):
            rows = rows.filter(date__lte=period["end"])
        found.update((s.pk, s) for s in rows)
    return [
        {"id": s.pk, "institution_reference": s.institution_reference, "date": s.date, "amount": s.amount,
         "refusal_code": s.refusal_code}
        for s in sorted(found.values(), key=lambda s: (s.date, s.pk))
    ]
