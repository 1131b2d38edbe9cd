"""Notices: written from plain values by the services that decide them (the transitions on
commit, the daily reminder job in cases), rendered in the reader's language when read."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from medpause.notices.delivery import deliveries_queue
from medpause.notices.models import Notice
from medpause.notices.texts import MESSAGES, notice_text  # noqa: F401 - where the callers have found them


def notify_application(
    *, action: str, application_id: int, reference: str, person_id: int | None, unit_id: int | None,
    region_id: int, params: dict | None = None,
) -> Notice:
    """The notice of an application's move, to its person and unit; on submission also to the
    region's officers. Called by the transitions once their transaction has committed. `params`
    are what the decision states (plain values): the reason, the documents asked for (their
    names in both languages), the deadline, the region; for a unit, the employee's name and
    masked ID number. Its deliveries by SMS and e-mail are queued (notices.delivery)."""
    notice = Notice.objects.create(
        person_id=person_id,
        unit_id=unit_id,
        region_id=region_id if action in ("submit", "resubmit") else None,
        application_id=application_id,
        code=f"application.{action}",
        params={**(params or {}), "reference": reference},
    )
    deliveries_queue(notice)
    return notice


def _create_once(**fields) -> Notice | None:
    """The notice, or None when one with its dedupe_key exists (made now by a concurrent run too)."""
    try:
        with transaction.atomic():
            return Notice.objects.create(**fields)
    except IntegrityError:
        if fields.get("dedupe_key") and Notice.objects.filter(dedupe_key=fields["dedupe_key"]).exists():
            return None
        raise


def notice_send(*, person_id: int, code: str, params: dict, dedupe_key: str | None = None) -> Notice | None:
    """A notice to a person. With `dedupe_key` (what a job's notice is about, e.g.
    "suspension.planned_end:<id>"), at most one is ever made: None when it exists already."""
    notice = _create_once(person_id=person_id, code=code, params=params, dedupe_key=dedupe_key)
    if notice is not None:
        deliveries_queue(notice)
    return notice


def notice_send_once(*, application_id: int, region_id: int, code: str, params: dict) -> bool:
    """A notice about an application to its region's officers, unless one with this code was
    already sent (the unique dedupe key decides, also between two runs at once); True when new."""
    return _create_once(
        application_id=application_id, region_id=region_id, code=code, params=params,
        dedupe_key=f"{code}:application:{application_id}",
    ) is not None
