"""Many applications at once, written directly (not through the services): for tests of lists,
pages and queries, where only the stored rows matter."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from medpause.cases.models import Application, Suspension
from medpause.policy.models import Region
from medpause.policy.selectors import policy_version_in_force

_numbers = itertools.count(1)


def applications(person, count: int, *, status: str = "submitted", submitted: dt.datetime | None = None,
                 step: dt.timedelta = dt.timedelta(minutes=1), applicant_type: str = "individual",
                 due: dt.date | None = None, decided: dt.timedelta | None = None) -> list[Application]:
    """`count` stop applications of `person` in its region, first submitted `step` apart from
    `submitted` (None: never submitted)."""
    region = Region.objects.get(pk=person.region_id)
    pv = policy_version_in_force(region=region)
    rows = []
    for i in range(count):
        at = None if submitted is None else submitted + i * step
        start = (at or timezone.now()).date()
        rows.append(Application(
            reference=f"T{next(_numbers):012d}", kind="stop", person=person, region=region,
            applicant_type=applicant_type, reason="flexible_pause", start_date=start,
            end_date=start + dt.timedelta(days=60), status=status, policy_version=pv,
            submitted_at=at, first_submitted_at=at, due_date=due,
            decided_at=at + decided if at is not None and decided is not None else None,
        ))
    return Application.objects.bulk_create(rows)


def suspensions_of(apps: list[Application]) -> list[Suspension]:
    """A past, ended suspension made by each of `apps`."""
    return Suspension.objects.bulk_create([
        Suspension(person_id=a.person_id, region_id=a.region_id, reason=a.reason, start_date=a.start_date,
                   planned_end_date=a.end_date, end_date=a.end_date, stop_application=a)
        for a in apps
    ])
