"""Each transition of the state machine is one service: it checks the actor's right and the
source state, runs in one transaction with the row locked, writes one history row and one
audit event, and queues notices on commit."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medpause.accounts.permissions import is_applicant, is_reviewer
from medpause.audit.services import audit_record
from medpause.cases import rules
from medpause.cases.models import Application, Kind, Suspension
from medpause.cases.selectors import application_policy, missing_documents, stop_to_resume
from medpause.cases.services.history import audit_entry, history_row, write_history
from medpause.cases.services.judging import check_four_eyes, check_on_the_spot, check_resume, check_stop
from medpause.cases.services.locking import person_lock
from medpause.cases.states import APPLICANT, TRANSITIONS, Action, Status, move, target_of
from medpause.common.dates import add_working_days, today
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


def _notice_params(application: Application, action: str, note: str, data: dict | None) -> dict:
    """What the notice states, as plain values: for a unit, the employee (masked ID number); for
    a rejection or a request for documents, the officer's reason, the region, the documents
    (both languages) and the deadline (MEDPAUSE_SUPPLEMENT_WORKING_DAYS working days)."""
    params = {}
    if application.unit_id:
        params.update(employee=application.person.name, id_masked=application.person.id_number_masked)
    if action in (Action.REJECT, Action.REQUEST_SUPPLEMENT):
        region = application.region
        params.update(reason=note, region_zh=region.name_zh, region_en=region.name_en)
    if action == Action.REQUEST_SUPPLEMENT:
        groups = application_policy(application).groups
        params["documents"] = [{"zh": groups[g].name_zh, "en": groups[g].name_en} for g in (data or {})["documents"]]
        params["deadline"] = add_working_days(today(), settings.MEDPAUSE_SUPPLEMENT_WORKING_DAYS).isoformat()
    return params


def _move(application: Application, action: str, *, actor, role: str, note: str = "", data: dict | None = None):
    """The one way a single application changes status: the move from the state machine, its
    history row and its audit event (cases.services.history, as for a batch's rows)."""
    step = move(application.status, action)
    application.status = step.target
    application.save()
    write_history([history_row(application.pk, step, actor=actor, role=role, note=note)], at=timezone.now())
    audit_record(**audit_entry(step, target=application, actor=actor, role=role, note=note, data=data))
    params = _notice_params(application, action, note, data)
    transaction.on_commit(lambda: notify_application(
        action=action, application_id=application.pk, reference=application.reference,
        person_id=application.person_id, unit_id=application.unit_id, region_id=application.region_id,
        params=params,
    ))
    return application


@transaction.atomic
def application_submit(*, actor, application: Application, consequences_acknowledged: bool = True) -> Application:
    """Submit a draft, or resubmit after a request for more documents. Checked for
    completeness first: documents missing -> `missing_documents` with the group codes."""
    person_lock(application.person_id)  # first: the rules are judged again against the person's stops
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
    _judge(app, policy)
    now = timezone.now()
    if action == Action.SUBMIT:
        app.first_submitted_at = now
        app.due_date = add_working_days(today(), rules.stage_days(policy=policy, reason=reason, stage=1))
        if app.kind == Kind.STOP:
            app.consequences_acknowledged_at = now
    elif policy.review_stages > 1:  # resubmitted: the review starts again at its first stage
        app.due_date = add_working_days(today(), rules.stage_days(policy=policy, reason=reason, stage=1))
        app.checked_by, app.checked_at = None, None
    app.submitted_at = now
    _move(app, action, actor=actor, role=role)
    if action == Action.SUBMIT and rules.decided_on_the_spot(applicant_type=app.applicant_type, reason=reason):
        return _decide_by_rule(app, rule=None)
    return app


def _judge(app: Application, policy, *, lock: bool = False, suspension: Suspension | None = None):
    """The rules again, on submit and on approval (the world may have moved since the draft),
    as of the day the application was made: the person's recorded suspensions (stop; locked
    with `lock`) or the verdict on the resumption of `suspension` (by default the app's)."""
    on = timezone.localdate(app.created_at)
    if app.kind == Kind.STOP:
        return check_stop(
            person=app.person, policy=policy, reason=policy.reasons[app.reason], applicant_type=app.applicant_type,
            start_date=app.start_date, end_date=app.end_date, on=on, exclude_application_id=app.pk, lock=lock,
        )
    # a second draft resumption of the same stop, or a stop resumed meanwhile
    return check_resume(
        suspension=suspension or Suspension.objects.get(pk=app.suspension_id), policy=policy,
        applicant_type=app.applicant_type,
        resume_date=app.start_date, on=on, exclude_application_id=app.pk,
    )


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
    check_four_eyes(actor=actor, application=app)  # whoever filed it does not decide it
    if not (reason or "").strip():
        raise Refused("reason_required", _("Give the reason for the rejection."), details={"field": "reason"})
    app.decided_at, app.decided_by, app.decision_note = timezone.now(), actor, reason.strip()
    return _move(app, Action.REJECT, actor=actor, role=role, note=reason.strip())


@transaction.atomic
def application_request_supplement(*, actor, application: Application, reason: str, documents: list[str]) -> Application:
    app = _lock(application)
    role = _check_actor(actor, app, Action.REQUEST_SUPPLEMENT)  # rights first: a caller who may never do this hears so
    target_of(app.status, Action.REQUEST_SUPPLEMENT)
    check_four_eyes(actor=actor, application=app)  # whoever filed it does not decide it
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
    """Write the effect of an approved application on the person's coverage, as the rulebook
    computes it (cases.rules.stop_effect / resume_effect); returns what the audit event says."""
    policy = application_policy(app)
    person = app.person
    if app.kind == Kind.STOP:
        recorded = _judge(app, policy, lock=True)
        effect = rules.stop_effect(
            reason=policy.reasons[app.reason], start=app.start_date, end=app.end_date, recorded=recorded
        )
        if effect.closes:
            Suspension.objects.filter(pk__in=effect.closes).update(end_date=effect.closed_on)
        if effect.retire:
            person.retired = True
            person.save(update_fields=["retired"])
            return effect.record()
        new = effect.suspension
        suspension = Suspension.objects.create(
            person=person, region=app.region, reason=new.reason, terminating=new.terminating,
            start_date=new.start_date, planned_end_date=new.planned_end_date, stop_application=app,
        )
        return effect.record(suspension.pk)
    suspension = Suspension.objects.select_for_update().get(pk=app.suspension_id)
    verdict = _judge(app, policy, suspension=suspension)
    effect = rules.resume_effect(
        policy=policy, reason=verdict.reason, category=person.category, suspension=stop_to_resume(suspension),
        resume_date=app.start_date,
    )
    suspension.end_date, suspension.benefits_from = effect.end_date, effect.benefits_from
    suspension.resume_application = app
    suspension.save()
    return effect.record()


@transaction.atomic
def application_approve(*, actor, application: Application, note: str = "") -> Application:
    """Approve; where the policy has two review stages, the first approval is the check
    (-> `checked`, the final stage's time limit starts) and the final one must come from
    another officer (`four_eyes`)."""
    person_lock(application.person_id)  # first: the approval writes the person's coverage
    app = _lock(application)
    role = _check_actor(actor, app, Action.APPROVE)  # rights first: a caller who may never do this hears so
    policy = application_policy(app)
    if policy.review_stages > 1 and app.status != Status.CHECKED:
        return _check(app, policy, actor=actor, role=role, note=note)
    target_of(app.status, Action.APPROVE)
    check_four_eyes(actor=actor, application=app)  # whoever filed it does not decide it
    if app.status == Status.CHECKED:
        refusal = rules.second_stage_refusal(decider_id=getattr(actor, "pk", None), checker_id=app.checked_by_id)
        if refusal is not None:
            raise refusal.error()
    effect = _apply_approval(app)
    app.decided_at, app.decided_by, app.decision_note = timezone.now(), actor, (note or "").strip()
    return _move(app, Action.APPROVE, actor=actor, role=role, note=(note or "").strip(), data=effect)


def _check(app: Application, policy, *, actor, role: str, note: str) -> Application:
    """The first of two review stages: the application waits for the final decision, whose
    time limit starts now (cases.rules.stage_days)."""
    target_of(app.status, Action.CHECK)
    check_four_eyes(actor=actor, application=app)
    app.checked_by, app.checked_at = actor, timezone.now()
    app.due_date = add_working_days(today(), rules.stage_days(policy=policy, reason=policy.reasons[app.reason], stage=2))
    return _move(app, Action.CHECK, actor=actor, role=role, note=(note or "").strip())


@transaction.atomic
def application_decide_by_rule(*, application: Application, rule: str | None = None) -> Application:
    """Approve at once, by rule, where the policy says the bureau handles it on the spot
    (e.g. a unit's resignation stop in Chengdu). Recorded as such, with the clause.
    application_submit does this itself for such applications."""
    person_lock(application.person_id)
    return _decide_by_rule(_lock(application), rule=rule)


def _decide_by_rule(app: Application, *, rule: str | None) -> Application:
    target_of(app.status, Action.APPROVE)
    reason = application_policy(app).reasons[app.reason]
    check_on_the_spot(applicant_type=app.applicant_type, reason=reason)
    rule = rule or rules.on_the_spot_rule(policy_label=app.policy_version.label, reason=reason)
    effect = _apply_approval(app)
    app.decided_at, app.decision_rule = timezone.now(), rule
    return _move(
        app, Action.APPROVE, actor=None, role="system", note=rule, data={**effect, "rule": rule}
    )
