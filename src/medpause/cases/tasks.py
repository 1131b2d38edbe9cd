"""The daily reminders as a task on the task queue (ADR 0008): `medpause worker` enqueues it
once a day (medpause.ops.worker); `medpause remind` runs the same job at once."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from medpause.cases.services.reminders import reminders_send
from medpause.common.dates import today
from medpause.common.requestctx import request_id_bound


@task()
def remind(day: str | None = None, request_id: str | None = None) -> int:
    """Planned-end reminders and overdue reviews as of `day` (ISO date; default today). Safe to
    run twice: each notice has a dedupe key or a mark on what it is about."""
    with request_id_bound(request_id):
        return reminders_send(on=dt.date.fromisoformat(day) if day else today())
