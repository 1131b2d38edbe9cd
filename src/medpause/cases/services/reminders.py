"""The daily reminder job: planned ends of stops coming near, reviews past their time limit.
Set-based: a few queries per thousand reminders, two when there is nothing new."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from medpause.cases.models import Application, Suspension
from medpause.cases.states import PENDING_STATUSES
from medpause.notices.delivery import deliveries_queue
from medpause.notices.models import Notice

CHUNK = 2000
PLANNED_END, OVERDUE = "suspension.planned_end", "review.overdue"


def _insert(notices: list[Notice], *, deliver: bool = False) -> int:
    """Notices that carry a dedupe_key: one already made (by an earlier or a concurrent run) is
    left as it is. With `deliver`, people who chose SMS or e-mail get theirs there too (one
    query when nobody in the chunk did)."""
    Notice.objects.bulk_create(notices, batch_size=CHUNK, ignore_conflicts=True)
    if deliver:
        deliveries_queue(Notice.objects.filter(
            dedupe_key__in=[n.dedupe_key for n in notices], person__user__contact__isnull=False,
            deliveries__isnull=True,
        ).distinct())
    return len(notices)


@transaction.atomic
def reminders_send(*, on: dt.date, days_ahead: int = 14) -> int:
    """Remind people whose stop is planned to end within `days_ahead` days (once per stop),
    and flag review deadlines that have passed (once per application). Returns how many
    notices were made."""
    made = 0
    due = Suspension.objects.filter(
        end_date__isnull=True, terminating=False, planned_end_date__isnull=False,
        planned_end_date__lte=on + dt.timedelta(days=days_ahead), reminded_at__isnull=True,
    )
    now = timezone.now()
    locked = due.select_for_update().order_by("pk").values_list("pk", "person_id", "planned_end_date")
    while chunk := list(locked[:CHUNK]):  # locked, reminded, marked: a concurrent run waits, then finds none
        made += _insert([
            Notice(person_id=person_id, code=PLANNED_END, params={"date": end.isoformat()},
                   dedupe_key=f"{PLANNED_END}:{pk}")
            for pk, person_id, end in chunk
        ], deliver=True)
        Suspension.objects.filter(pk__in=[pk for pk, _person, _end in chunk]).update(reminded_at=now)
    flagged = Notice.objects.filter(application_id=OuterRef("pk"), code=OVERDUE)
    overdue = (
        Application.objects.filter(status__in=PENDING_STATUSES, due_date__lt=on)
        .exclude(Exists(flagged)).order_by("pk").values_list("pk", "region_id", "reference", "due_date")
    )
    last = 0
    while chunk := list(overdue.filter(pk__gt=last)[:CHUNK]):
        last = chunk[-1][0]
        made += _insert([
            Notice(application_id=pk, region_id=region_id, code=OVERDUE,
                   params={"reference": reference, "date": due_date.isoformat()},
                   dedupe_key=f"{OVERDUE}:application:{pk}")
            for pk, region_id, reference, due_date in chunk
        ])
    return made
