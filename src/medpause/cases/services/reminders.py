"""The daily reminder job: planned ends of stops coming near, reviews past their time limit."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from medpause.cases.models import Application, Suspension
from medpause.cases.states import PENDING_STATUSES
from medpause.notices.services import notice_send, notice_send_once


@transaction.atomic
def reminders_send(*, on: dt.date, days_ahead: int = 14) -> int:
    """Remind people whose stop is planned to end within `days_ahead` days (once per stop),
    and flag review deadlines that have passed. Returns how many notices were made."""
    made = 0
    due = Suspension.objects.select_for_update().filter(
        end_date__isnull=True, terminating=False, planned_end_date__isnull=False,
        planned_end_date__lte=on + dt.timedelta(days=days_ahead), reminded_at__isnull=True,
    )
    for suspension in due:
        notice_send(
            person_id=suspension.person_id, code="suspension.planned_end",
            params={"date": suspension.planned_end_date.isoformat()},
        )
        suspension.reminded_at = timezone.now()
        suspension.save(update_fields=["reminded_at"])
        made += 1
    overdue = Application.objects.filter(status__in=PENDING_STATUSES, due_date__lt=on)
    for app in overdue:
        made += int(notice_send_once(
            application_id=app.pk, region_id=app.region_id, code="review.overdue",
            params={"reference": app.reference, "date": app.due_date.isoformat()},
        ))
    return made
