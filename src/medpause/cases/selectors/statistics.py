"""A region's review statistics, over the applications in the bureau's hands that a user sees:
the backlog by status, decisions per day, the time from submission to decision, and how many
open applications are past their review time limit. Everything is counted and averaged in the
database: a handful of grouped queries whatever the number of applications."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F
from django.db.models.functions import TruncDate
from django.utils import timezone

from medpause.cases.selectors.queue import PENDING, review_queue
from medpause.cases.states import Status
from medpause.policy.models import Region

STATISTICS_DAYS = 14
DECIDED = [Status.APPROVED, Status.REJECTED]


def _day_start(day: dt.date) -> dt.datetime:
    """The first instant of `day` in the current time zone: ranges on decided_at stay indexable."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _count(status: Status, counts: dict) -> dict:
    return {"status": status, "label": status.label, "count": counts.get(status.value, 0)}


def review_statistics(
    *, user, on: dt.date, region: Region | None = None, days: int = STATISTICS_DAYS
) -> dict:
    """Decisions per day over the last `days` days (today included), the average time from first
    submission to decision, the backlog and the overdue count, in `region` when given."""
    qs = review_queue(user=user, region=region).exclude(status=Status.DRAFT)
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    backlog = [_count(s, counts) for s in PENDING]
    others = [_count(s, counts) for s in (Status.APPROVED, Status.REJECTED, Status.WITHDRAWN)]
    first = on - dt.timedelta(days=days - 1)
    decided = qs.filter(status__in=DECIDED, decided_at__isnull=False)
    per_day: dict[tuple[dt.date, str], int] = {}
    rows = (
        decided.filter(decided_at__gte=_day_start(first), decided_at__lt=_day_start(on + dt.timedelta(days=1)))
        .order_by()
        .annotate(day=TruncDate("decided_at"))
        .values_list("day", "status")
        .annotate(n=Count("id"))
    )
    for day, status, n in rows:
        per_day[(day, status)] = n
    daily = []
    for i in range(days):
        day = first + dt.timedelta(days=i)
        approved = per_day.get((day, Status.APPROVED.value), 0)
        rejected = per_day.get((day, Status.REJECTED.value), 0)
        daily.append({"day": day, "approved": approved, "rejected": rejected, "total": approved + rejected})
    timing = decided.filter(first_submitted_at__isnull=False).order_by().aggregate(
        average=Avg(ExpressionWrapper(F("decided_at") - F("first_submitted_at"), output_field=DurationField())),
        count=Count("id"),
    )
    average = timing["average"].total_seconds() if timing["average"] is not None else None
    return {
        "backlog": backlog,
        "backlog_total": sum(b["count"] for b in backlog),
        "others": others,
        "daily": daily,
        "daily_total": sum(d["total"] for d in daily),
        "approved_total": sum(d["approved"] for d in daily),
        "rejected_total": sum(d["rejected"] for d in daily),
        "peak": max((d["total"] for d in daily), default=0),
        "average_days": None if average is None else round(average / 86400, 1),
        "average_hours": None if average is None else round(average / 3600, 1),
        "decided_count": timing["count"],
        "overdue": qs.filter(status__in=PENDING, due_date__lt=on).count(),
        "first": first,
        "days": days,
    }
