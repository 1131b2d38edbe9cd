"""The card's status on a date: the eligibility hot path. Two indexed reads: the card (with
its person) by number, then that person's suspension periods."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from medpause.cases.models import Suspension
from medpause.common.replica import replica_reads
from medpause.registry.models import Card

ACTIVE, SUSPENDED, TERMINATED, WAITING, UNKNOWN = "active", "suspended", "terminated", "waiting", "unknown"


@dataclass(frozen=True)
class CoverageStatus:
    status: str
    benefits_from: dt.date | None = None
    suspension_id: int | None = None

    @property
    def eligible(self) -> bool:
        return self.status == ACTIVE


def status_from_periods(periods, day: dt.date) -> CoverageStatus:
    """periods: (id, start, end, terminating, benefits_from) tuples."""
    waiting: CoverageStatus | None = None
    for pk, start, end, terminating, benefits_from in periods:
        if start <= day and (end is None or day <= end):
            if terminating:
                return CoverageStatus(TERMINATED, None, pk)
            return CoverageStatus(SUSPENDED, None, pk)
        if end is not None and end < day and benefits_from is not None and day < benefits_from:
            waiting = CoverageStatus(WAITING, benefits_from, pk)
    return waiting or CoverageStatus(ACTIVE)


def _periods(person_id: int):
    return Suspension.objects.filter(person_id=person_id).values_list(
        "pk", "start_date", "end_date", "terminating", "benefits_from"
    )


def card_status_on(*, person, day: dt.date) -> CoverageStatus:
    return status_from_periods(_periods(person.pk), day)


@replica_reads  # the hospitals' hot path: a read replica may answer it (config/routers.py)
def eligibility(*, card_number: str, day: dt.date) -> tuple[Card | None, CoverageStatus]:
    card = Card.objects.filter(number=(card_number or "").strip()).only("id", "number", "person_id").first()
    if card is None:
        return None, CoverageStatus(UNKNOWN)
    return card, status_from_periods(_periods(card.person_id), day)


def current_card_status(*, person) -> str:
    from medpause.common.dates import today

    return card_status_on(person=person, day=today()).status
