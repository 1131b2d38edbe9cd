"""Correcting a decision (four eyes): one officer asks to revoke an approval with a reason,
another confirms; confirming undoes the approval's effect on cover from its start. The moves
are the state machine's (revoke, confirm_revocation, cancel_revocation), written as every move
with its history row, audit event and notices (cases.services.transitions._move)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medpause.audit.models import AuditEvent
from medpause.cases import rules
from medpause.cases.models import Application, Kind, Suspension
from medpause.cases.services.locking import person_lock
from medpause.cases.services.transitions import _check_actor, _lock, _move
from medpause.cases.states import Action, Status, target_of
from medpause.common.errors import Refused

DAY = dt.timedelta(days=1)
# Resumptions of a stop that no longer matter to it: their link to the stop is dropped with it.
DEAD = (Status.WITHDRAWN, Status.REJECTED, Status.REVOKED)


def _raise(refusal: rules.Refusal | None) -> None:
    if refusal is not None:
        raise refusal.error()


def _check_revocable(app: Application) -> None:
    """Nothing decided since rests on this approval (cases.rules.revocation_refusal)."""
    resumption, later = None, None
    if app.kind == Kind.STOP:
        resumption = (
            Application.objects.filter(suspension__stop_application=app).exclude(status__in=DEAD)
            .values_list("reference", flat=True).first()
        )
    else:
        ended = Suspension.objects.filter(resume_application=app).first()
        if ended is not None:
            later = (
                Suspension.objects.filter(person_id=app.person_id, start_date__gt=ended.start_date)
                .exclude(pk=ended.pk).order_by("start_date").values_list("start_date", flat=True).first()
            )
    _raise(rules.revocation_refusal(resumption=resumption, later_start=later))


@transaction.atomic
def application_revoke(*, actor, application: Application, reason: str) -> Application:
    """Ask for an approved application's decision to be revoked; cover is unchanged until
    another officer confirms."""
    app = _lock(application)
    role = _check_actor(actor, app, Action.REVOKE)  # rights first: a caller who may never do this hears so
    target_of(app.status, Action.REVOKE)
    reason = (reason or "").strip()
    if not reason:
        raise Refused("reason_required", _("Say why the decision is wrong."), details={"field": "reason"})
    _check_revocable(app)
    app.revocation_reason, app.revocation_requested_by = reason[:2000], actor
    return _move(app, Action.REVOKE, actor=actor, role=role, note=app.revocation_reason)


@transaction.atomic
def application_cancel_revocation(*, actor, application: Application, note: str = "") -> Application:
    """The decision stands after all: the application is approved again, nothing was undone."""
    app = _lock(application)
    role = _check_actor(actor, app, Action.CANCEL_REVOCATION)
    target_of(app.status, Action.CANCEL_REVOCATION)
    app.revocation_reason, app.revocation_requested_by = "", None
    return _move(app, Action.CANCEL_REVOCATION, actor=actor, role=role, note=(note or "").strip()[:2000])


@transaction.atomic
def application_confirm_revocation(*, actor, application: Application) -> Application:
    """A second officer confirms: the approval's effect on cover is undone from its start and
    recorded in `revocation_effect` (the periods given back, for the settlements to reprocess)."""
    person_lock(application.person_id)  # first: the undoing writes the person's coverage (ADR 0014)
    app = _lock(application)
    role = _check_actor(actor, app, Action.CONFIRM_REVOCATION)
    target_of(app.status, Action.CONFIRM_REVOCATION)
    _raise(rules.revocation_four_eyes(
        confirmer_id=getattr(actor, "pk", None), requested_by_id=app.revocation_requested_by_id
    ))
    _check_revocable(app)
    effect = _undo_stop(app) if app.kind == Kind.STOP else _undo_resume(app)
    app.revoked_by, app.revoked_at, app.revocation_effect = actor, timezone.now(), effect
    return _move(app, Action.CONFIRM_REVOCATION, actor=actor, role=role, note=app.revocation_reason, data=effect)


def _approval_record(app: Application) -> dict:
    """What the approval's audit event says it did (cases.rules.StopEffect.record)."""
    event = (
        AuditEvent.objects.filter(action="application.approve", target_type="cases.application", target_id=str(app.pk))
        .order_by("-seq").values_list("data", flat=True).first()
    )
    return event or {}


def _period(start: dt.date, end: dt.date | None, status: str) -> dict:
    return {"start": start.isoformat(), "end": end.isoformat() if end else None, "statuses": [status]}


def _undo_stop(app: Application) -> dict:
    """The suspension the stop created is removed, the stops it closed are open again, a
    retirement it recorded is undone."""
    record = _approval_record(app)
    periods, removed, reopened = [], None, []
    created = Suspension.objects.select_for_update().filter(stop_application=app).first()
    if created is not None:
        end = created.end_date
        periods.append(_period(created.start_date, end, "terminated" if created.terminating else "suspended"))
        if created.benefits_from and end:
            periods.append(_period(end + DAY, created.benefits_from - DAY, "waiting"))
        Application.objects.filter(suspension=created, status__in=DEAD).update(suspension=None)
        removed = created.pk
        created.delete()
    closed = [pk for pk in record.get("closed_suspensions", []) if isinstance(pk, int)]
    if closed:
        reopened = list(
            Suspension.objects.filter(pk__in=closed, person_id=app.person_id, end_date=app.start_date - DAY)
            .values_list("pk", flat=True)
        )
        Suspension.objects.filter(pk__in=reopened).update(end_date=None)
    unretired = record.get("effect") == "retire" and app.person.retired
    if unretired:
        app.person.retired = False
        app.person.save(update_fields=["retired"])
    return {"undone": "stop", "removed_suspension": removed, "reopened_suspensions": reopened,
            "unretired": unretired, "periods": periods}


def _undo_resume(app: Application) -> dict:
    """The suspension the resumption ended is open again, with no waiting period."""
    periods = []
    ended = Suspension.objects.select_for_update().filter(resume_application=app).first()
    if ended is not None:
        if ended.benefits_from:
            periods.append(_period(app.start_date, ended.benefits_from - DAY, "waiting"))
        ended.end_date, ended.benefits_from, ended.resume_application = None, None, None
        ended.save(update_fields=["end_date", "benefits_from", "resume_application"])
    return {"undone": "resume", "reopened_suspensions": [ended.pk] if ended else [], "periods": periods}
