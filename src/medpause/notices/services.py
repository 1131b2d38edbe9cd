"""Notices: queued on commit by the transitions, and the scheduled reminder job."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medpause.notices.models import Notice

MESSAGES = {
    "application.submit": _("Application %(reference)s was submitted to the bureau."),
    "application.resubmit": _("Application %(reference)s was resubmitted with more documents."),
    "application.take": _("Application %(reference)s is being reviewed."),
    "application.approve": _("Application %(reference)s was approved."),
    "application.reject": _("Application %(reference)s was rejected."),
    "application.request_supplement": _("The bureau asks for more documents for application %(reference)s."),
    "application.withdraw": _("Application %(reference)s was withdrawn."),
    "suspension.planned_end": _("Your stop is planned to end on %(date)s. Apply to resume: the card stays suspended until a resumption is approved."),
    "review.overdue": _("Application %(reference)s has passed its review time limit (%(date)s)."),
}


def notice_text(notice: Notice) -> str:
    template = MESSAGES.get(notice.code)
    return str(template) % notice.params if template else notice.code


def notify_application(*, application_id: int, action: str) -> None:
    from medpause.cases.models import Application

    app = Application.objects.filter(pk=application_id).first()
    if app is None:
        return
    Notice.objects.create(
        person_id=app.person_id,
        unit_id=app.unit_id,
        region_id=app.region_id if action in ("submit", "resubmit") else None,
        application=app,
        code=f"application.{action}",
        params={"reference": app.reference},
    )


@transaction.atomic
def reminders_send(*, on: dt.date, days_ahead: int = 14) -> int:
    """Remind people whose stop is planned to end within `days_ahead` days (once per stop),
    and flag review deadlines that have passed. Returns how many notices were made."""
    from medpause.cases.models import Application, Suspension
    from medpause.cases.states import PENDING_STATUSES

    made = 0
    due = Suspension.objects.select_for_update().filter(
        end_date__isnull=True, terminating=False, planned_end_date__isnull=False,
        planned_end_date__lte=on + dt.timedelta(days=days_ahead), reminded_at__isnull=True,
    )
    for suspension in due:
        Notice.objects.create(
            person_id=suspension.person_id, code="suspension.planned_end",
            params={"date": suspension.planned_end_date.isoformat()},
        )
        suspension.reminded_at = timezone.now()
        suspension.save(update_fields=["reminded_at"])
        made += 1
    overdue = Application.objects.filter(status__in=PENDING_STATUSES, due_date__lt=on)
    for app in overdue:
        _, created = Notice.objects.get_or_create(
            application=app, code="review.overdue",
            defaults={"region_id": app.region_id, "params": {"reference": app.reference, "date": app.due_date.isoformat()}},
        )
        made += int(created)
    return made
