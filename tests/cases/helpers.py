"""Shortcuts through the real services for the case, coverage and audit tests."""

from __future__ import annotations

import datetime as dt

from medpause.cases.selectors import application_policy, required_groups_of
from medpause.cases.services import (
    application_approve,
    application_create,
    application_submit,
    document_add,
)
from medpause.common.dates import add_months, today
from tests.factories import PNG_1PX, make_person, make_user


def upload_required(actor, app, *, skip: tuple[str, ...] = ()) -> None:
    """One PNG for each document group the application still needs (except `skip`)."""
    policy = application_policy(app)
    for code in required_groups_of(app):
        if code not in skip:
            document_add(actor=actor, application=app, kind=policy.groups[code].any_of[0], data=PNG_1PX, filename="x.png")


def stop(actor, person, reason, start, end=None, *, submit=True, approve_by=None):
    app = application_create(actor=actor, kind="stop", person=person, reason=reason, start_date=start, end_date=end)
    upload_required(actor, app)
    if submit or approve_by:
        app = application_submit(actor=actor, application=app)
    if approve_by:
        app = application_approve(actor=approve_by, application=app)
    return app


def resume(actor, person, start, *, suspension=None, submit=True, approve_by=None):
    suspension = suspension or person.suspensions.get(end_date__isnull=True)
    app = application_create(actor=actor, kind="resume", person=person, suspension_id=suspension.pk, start_date=start)
    upload_required(actor, app)
    if submit or approve_by:
        app = application_submit(actor=actor, application=app)
    if approve_by:
        app = application_approve(actor=approve_by, application=app)
    return app


def flexible_with_login(region_code: str = "310000"):
    person = make_person(region_code, category="flexible")
    return person, make_user("individual", person=person), make_user("officer", region=region_code)


def paused_flexible(region_code: str = "310000", start: dt.date | None = None, months: int = 6):
    """A flexible worker whose pause (flexible_pause) from `start` was approved; returns
    (person, individual user, officer, suspension)."""
    person, me, officer = flexible_with_login(region_code)
    start = start or today()
    stop(me, person, "flexible_pause", start, add_months(start, months) - dt.timedelta(days=1), approve_by=officer)
    return person, me, officer, person.suspensions.get()
