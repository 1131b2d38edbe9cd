"""Notices: written from plain values by the services that decide them (the transitions on
commit, the daily reminder job in cases), rendered in the reader's language when read."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from medpause.notices.models import Notice

MESSAGES = {
    "application.submit": _("Application %(reference)s was submitted to the bureau."),
    "application.resubmit": _("Application %(reference)s was resubmitted with more documents."),
    "application.take": _("Application %(reference)s is being reviewed."),
    "application.approve": _("Application %(reference)s was approved."),
    "application.check": _("Application %(reference)s passed the first check and waits for the final decision."),
    "application.reject": _("Application %(reference)s was rejected."),
    "application.request_supplement": _("The bureau asks for more documents for application %(reference)s."),
    "application.withdraw": _("Application %(reference)s was withdrawn."),
    "application.revoke": _("The bureau is checking its decision on application %(reference)s again."),
    "application.cancel_revocation": _("The bureau's decision on application %(reference)s stands."),
    "application.confirm_revocation": _(
        "The bureau revoked its decision on application %(reference)s: its effect on the insurance is undone."
    ),
    "suspension.planned_end": _("Your stop is planned to end on %(date)s. Apply to resume: the card stays suspended until a resumption is approved."),
    "review.overdue": _("Application %(reference)s has passed its review time limit (%(date)s)."),
}


def notice_text(notice: Notice) -> str:
    template = MESSAGES.get(notice.code)
    return str(template) % notice.params if template else notice.code


def notify_application(
    *, action: str, application_id: int, reference: str, person_id: int | None, unit_id: int | None,
    region_id: int,
) -> Notice:
    """The notice of an application's move, to its person and unit; on submission also to the
    region's officers. Called by the transitions once their transaction has committed."""
    return Notice.objects.create(
        person_id=person_id,
        unit_id=unit_id,
        region_id=region_id if action in ("submit", "resubmit") else None,
        application_id=application_id,
        code=f"application.{action}",
        params={"reference": reference},
    )


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
    return _create_once(person_id=person_id, code=code, params=params, dedupe_key=dedupe_key)


def notice_send_once(*, application_id: int, region_id: int, code: str, params: dict) -> bool:
    """A notice about an application to its region's officers, unless one with this code was
    already sent (the unique dedupe key decides, also between two runs at once); True when new."""
    return _create_once(
        application_id=application_id, region_id=region_id, code=code, params=params,
        dedupe_key=f"{code}:application:{application_id}",
    ) is not None
