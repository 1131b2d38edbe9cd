"""A region's review statistics, over the applications in the bureau's hands that a user sees:
the backlog by status, decisions per day, the time from submission to decision, and how many
open applications are past their review time limit, the applications by reason and by region,
and how long decisions took as a distribution. Everything is counted and averaged in the
database: a handful of grouped queries whatever the number of applications."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medpause.cases.models import Kind
from medpause.cases.selectors.queue import PENDING, queue_reasons, review_queue
from medpause.cases.states import Status
from medpause.policy.models import Region

STATISTICS_DAYS = 14
DECIDED = [Status.APPROVED, Status.REJECTED]
# Time from first submission to decision, in calendar days: (upper bound, label); the last has none
TOOK = (
    (1, _("within a day")),
    (3, _("1 to 3 days")),
    (5, _("3 to 5 days")),
    (10, _("5 to 10 days")),
    (20, _("10 to 20 days")),
    (None, _("more than 20 days")),
)


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
        "by_reason": _by_reason(qs, user=user, region=region),
        "by_region": _by_region(qs) if region is None and getattr(user, "region", None) is None else [],
        "distribution": _distribution(decided),
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


def _tally(rows) -> dict:
    """{key: {"total", "open", "approved", "rejected"}} from (key, status, n) rows."""
    out: dict = {}
    for key, status, n in rows:
        row = out.setdefault(key, {"total": 0, "open": 0, "approved": 0, "rejected": 0})
        row["total"] += n
        if status in PENDING:
            row["open"] += n
        elif status in DECIDED:
            row[Status(status).value] += n
    return out


def _grouped(qs, *fields: str):
    """(fields..., status, n) rows of the applications grouped by `fields` and status."""
    return qs.order_by().values_list(*fields, "status").annotate(n=Count("id")).values_list(*fields, "status", "n")


def _by_reason(qs, *, user, region: Region | None) -> list[dict]:
    """Applications by kind and reason, most first, named as the policies name them."""
    names = dict(queue_reasons(user=user, region=region))
    tally = _tally(((kind, reason), status, n) for kind, reason, status, n in _grouped(qs, "kind", "reason"))
    rows = [{"kind": kind, "kind_label": Kind(kind).label, "reason": reason, "name": names.get(reason, reason), **t}
            for (kind, reason), t in tally.items()]
    return sorted(rows, key=lambda row: (-row["total"], row["kind"], row["reason"]))


def _by_region(qs) -> list[dict]:
    """Applications by region (for a viewer of every region), most first."""
    tally = _tally(_grouped(qs, "region_id"))
    regions = {r.pk: r for r in Region.objects.filter(pk__in=list(tally))}
    rows = [{"code": regions[pk].code, "name": regions[pk].name, **t} for pk, t in tally.items()]
    return sorted(rows, key=lambda row: (-row["total"], row["code"]))


def _distribution(decided) -> list[dict]:
    """How many decisions took how long (calendar days from first submission), in one query."""
    took = ExpressionWrapper(F("decided_at") - F("first_submitted_at"), output_field=DurationField())
    buckets, low = {}, None
    for i, (high, _label) in enumerate(TOOK):
        bound = Q()
        if low is not None:
            bound &= Q(took__gte=dt.timedelta(days=low))
        if high is not None:
            bound &= Q(took__lt=dt.timedelta(days=high))
        buckets[f"b{i}"] = Count("id", filter=bound)
        low = high
    counts = decided.filter(first_submitted_at__isnull=False).order_by().annotate(took=took).aggregate(**buckets)
    peak = max(counts.values(), default=0)
    return [
        {"label": label, "count": counts[f"b{i}"], "height": round(100 * counts[f"b{i}"] / peak) if peak else 0}
        for i, (_high, label) in enumerate(TOOK)
    ]
