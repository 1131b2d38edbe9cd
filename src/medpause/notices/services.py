"""Notices: written from plain values by the services that decide them (the transitions on
commit, the daily reminder job in cases), rendered in the reader's language when read."""

from __future__ import annotations

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


def notice_send(*, person_id: int, code: str, params: dict) -> Notice:
    """A notice to a person."""
    return Notice.objects.create(person_id=person_id, code=code, params=params)


def notice_send_once(*, application_id: int, region_id: int, code: str, params: dict) -> bool:
    """A notice about an application to its region's officers, unless one with this code was
    already sent; True when it is new."""
    _notice, created = Notice.objects.get_or_create(
        application_id=application_id, code=code, defaults={"region_id": region_id, "params": params},
    )
    return created
