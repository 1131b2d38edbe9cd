"""Each transition of the state machine is one service: it checks the actor's right and the
source state, runs in one transaction with the row locked, writes one history row and one
audit event, and queues notices on commit."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medpause.audit.services import audit_record
from medpause.cases.models import Application, ApplicationEvent, Kind, Suspension
from medpause.cases.rights import is_applicant, is_reviewer
from medpause.cases.selectors import application_policy, missing_documents
from medpause.cases.services.create import check_resume_rules, check_stop_rules, supersedes
from medpause.cases.states import APPLICANT, TRANSITIONS, Action, Status, target_of
from medpause.common.dates import add_months, add_working_days, today
from medpause.common.errors import Forbidden, Refused
from medpause.notices.services import notify_application


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update(of=("self",)).select_related("person", "region", "policy_version").get(
        pk=application.pk
    )


def _check_actor(actor, application: Application, action: str) -> str:
    by = TRANSITIONS[action].by
    if by == APPLICANT:
        if not is_applicant(actor=actor, application=application):
            raise Forbidden("forbidden", _("Only the applicant can do this."))
    elif not is_reviewer(actor=actor, application=application):
        raise Forbidden("forbidden", _("Only an officer of the application's region can do this."))
    return getattr(actor, "role", "system")


def _move(application: Application, action: str, *, actor, role: str, note: str = "", data: dict | None = None):
    source = application.status
    target = target_of(source, action)
    application.status = target
    application.save()
    now = timezone.now()
    ApplicationEvent.objects.create(
        application=application, action=action, from_status=source, to_status=target,
        actor=actor if getattr(actor, "pk", None) else None, actor_role=role, note=note, at=now,
    )
    audit_record(
        actor=actor, role=role, action=f"application.{action}", target=application,
        data={"from": source, "to": target, "note": note, **(data or {})},
    )
    transaction.on_commit(lambda: notify_application(
        action=action, application_id=application.pk, reference=application.reference,
        person_id=application.person_id, unit_id=application.unit_id, region_id=application.region_id,
    ))
    return application


@transaction.atomic
def application_submit(*, actor, application: Application, consequences_acknowledged: bool = True) -> Application:
    """Submit a draft, or resubmit after a request for more documents. Checked for
    completeness first: documents missing -> `missing_documents` with the group codes."""
    app = _lock(application)
    action = Action.RESUBMIT if app.status == Status.SUPPLEMENT_REQUESTED else Action.SUBMIT
    role = _check_actor(actor, app, action)
    target_of(app.status, action)
    if app.kind == Kind.STOP and not consequences_acknowledged:
        raise Refused(
            "consequences_not_acknowledged", _("Confirm that you have read what stopping means for you.")
        )
    missing = missing_documents(app)
    if missing:
        raise Refused(
            "missing_documents", _("Some required documents are missing."), details={"missing": missing}
        )
    policy = application_policy(app)
    reason = policy.reasons[app.reason]
    # Rules are checked again: the world may have moved since the draft was made.
    if app.kind == Kind.STOP:
        check_stop_rules(
            person=app.person, reason=reason, applicant_type=app.applicant_type, start_date=app.start_date,
            end_date=app.end_date, on=timezone.localdate(app.created_at), exclude_application_id=app.pk,
        )
    else:  # a second draft resumption of the same stop, or a stop resumed meanwhile
        check_resume_rules(
            person=app.person, suspension=Suspension.objects.get(pk=app.suspension_id), policy=policy,
            resume_date=app.start_date, on=timezone.localdate(app.created_at), exclude_application_id=app.pk,
        )
    now = timezone.now()
    if action == Action.SUBMIT:
        app.first_submitted_at = now
        app.due_date = add_working_days(today(), reason.review_days)
        if app.kind == Kind.STOP:
            app.consequences_acknowledged_at = now
    app.submitted_at = now
    _move(app, action, actor=actor, role=role)
    if action == Action.SUBMIT and app.applicant_type == "unit" and reason.on_the_spot_for_units:
        # The policy says the bureau handles this on the spot for units (e.g. Chengdu's 即办件).
        return _decide_by_rule(app, rule=on_the_spot_rule(app, reason))
    return app


def on_the_spot_rule(app: Application, reason) -> str:
    """The policy clause an on-the-spot decision rests on, as recorded in the audit trail."""
    return f"{app.policy_version.label} reasons.{reason.code}.on_the_spot_for_units [{', '.join(reason.sources)}]"[:200]


@transaction.atomic
def application_take(*, actor, application: Application) -> Application:
    app = _lock(application)
    role = _check_actor(actor, app, Action.TAKE)  # rights first: a caller who may never do this hears so
    target_of(app.status, Action.TAKE)
    return _move(app, Action.TAKE, actor=actor, role=role)


@transaction.atomic
def application_withdraw(*, actor, application: Application, note: str = "") -> Application:
    app = _lock(application)
    role = _check_actor(actor, app, Action.WITHDRAW)  # rights first: a caller who may never do this hears so
    target_of(app.status, Action.WITHDRAW)
    return _move(app, Action.WITHDRAW, actor=actor, role=role, note=note)


@transaction.atomic
def application_reject(*, actor, application: Application, reason: str) -> Application:
    app = _lock(application)
    role = _check_actor(actor, app, Action.REJECT)  # rights first: a caller who may never do this hears so
    target_of(app.status, Action.REJECT)
    if not (reason or "").strip():
        raise Refused("reason_required", _("Give the reason for the rejection."), details={"field": "reason"})
    app.decided_at, app.decided_by, app.decision_note = timezone.now(), actor, reason.strip()
    return _move(app, Action.REJECT, actor=actor, role=role, note=reason.strip())


@transaction.atomic
def application_request_supplement(*, actor, application: Application, reason: str, documents: list[str]) -> Application:
    app = _lock(application)
    role = _check_actor(actor, app, Action.REQUEST_SUPPLEMENT)  # rights first: a caller who may never do this hears so
    target_of(app.status, Action.REQUEST_SUPPLEMENT)
    if not (reason or "").strip():
        raise Refused("reason_required", _("Say what is needed and why."), details={"field": "reason"})
    policy = application_policy(app)
    unknown = [g for g in documents or [] if g not in policy.groups or policy.groups[g].provided_by_bureau]
    if unknown or not documents:
        raise Refused(
            "unknown_document_group", _("Name at least one document group the applicant can provide."),
            details={"unknown": unknown},
        )
    app.supplement_groups = list(dict.fromkeys(documents))
    app.supplement_requested_at = timezone.now()
    return _move(
        app, Action.REQUEST_SUPPLEMENT, actor=actor, role=role, note=reason.strip(), data={"documents": documents}
    )


def _apply_approval(app: Application) -> dict:
    """The effect of an approved application on the person's coverage."""
    policy = application_policy(app)
    person = app.person
    if app.kind == Kind.STOP:
        reason = policy.reasons[app.reason]
        check_stop_rules(
            person=person, reason=reason, applicant_type=app.applicant_type, start_date=app.start_date,
            end_date=app.end_date, on=timezone.localdate(app.created_at), exclude_application_id=app.pk,
        )
        closed = []
        for open_stop in Suspension.objects.select_for_update().filter(person=person, end_date__isnull=True):
            if supersedes(reason=reason, suspension=open_stop, start_date=app.start_date):
                open_stop.end_date = app.start_date - dt.timedelta(days=1)
                open_stop.save(update_fields=["end_date"])
                closed.append(open_stop.pk)
        if reason.effect == "retire":
            person.retired = True
            person.save(update_fields=["retired"])
            return {"effect": "retire", "closed_suspensions": closed}
        suspension = Suspension.objects.create(
            person=person, region=app.region, reason=reason.code, terminating=reason.terminating,
            start_date=app.start_date, planned_end_date=app.end_date, stop_application=app,
        )
        return {"effect": reason.effect, "suspension_id": suspension.pk, "closed_suspensions": closed}
    suspension = Suspension.objects.select_for_update().get(pk=app.suspension_id)
    reason, _early = check_resume_rules(
        person=person, suspension=suspension, policy=policy, resume_date=app.start_date, on=timezone.localdate(app.created_at),
        exclude_application_id=app.pk,
    )
    suspension.end_date = app.start_date - dt.timedelta(days=1)
    suspension.resume_application = app
    rule = policy.waiting[person.category]
    long_break = app.start_date > add_months(suspension.start_date, rule.threshold_months)
    if reason.waiting_period and rule.wait_months and long_break:
        suspension.benefits_from = add_months(app.start_date, rule.wait_months)
    suspension.save()
    return {
        "effect": "resume", "suspension_id": suspension.pk,
        "benefits_from": suspension.benefits_from.isoformat() if suspension.benefits_from else None,
    }


@transaction.atomic
def application_approve(*, actor, application: Application, note: str = "") -> Application:
    app = _lock(application)
    role = _check_actor(actor, app, Action.APPROVE)  # rights first: a caller who may never do this hears so
    target_of(app.status, Action.APPROVE)
    effect = _apply_approval(app)
    app.decided_at, app.decided_by, app.decision_note = timezone.now(), actor, (note or "").strip()
    return _move(app, Action.APPROVE, actor=actor, role=role, note=(note or "").strip(), data=effect)


@transaction.atomic
def application_decide_by_rule(*, application: Application, rule: str | None = None) -> Application:
    """Approve at once, by rule, where the policy says the bureau handles it on the spot
    (e.g. a unit's resignation stop in Chengdu). Recorded as such, with the clause.
    application_submit does this itself for such applications."""
    return _decide_by_rule(_lock(application), rule=rule)


def _decide_by_rule(app: Application, *, rule: str | None) -> Application:
    target_of(app.status, Action.APPROVE)
    policy = application_policy(app)
    reason = policy.reasons[app.reason]
    if not (app.applicant_type == "unit" and reason.on_the_spot_for_units):
        raise Refused("not_on_the_spot", _("This application must be reviewed by an officer."))
    rule = rule or on_the_spot_rule(app, reason)
    effect = _apply_approval(app)
    app.decided_at, app.decision_rule = timezone.now(), rule
    return _move(
        app, Action.APPROVE, actor=None, role="system", note=rule, data={**effect, "rule": rule}
    )
