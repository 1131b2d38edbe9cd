"""The stop / resume wizard, one question per page, written once for the insured person (/me/)
and the unit agent acting for an employee (/unit/employees/<id>/); the scope says whose it is
(medpause.web.views.scope). State lives in the session; the draft application is created when
the dates are confirmed, so documents can attach to it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from medpause.accounts.permissions import APPLICANTS, role_required
from medpause.cases import rules
from medpause.cases.models import Application, Kind
from medpause.cases.selectors import (
    application_policy,
    current_suspension,
    missing_documents,
    person_facts,
    stop_to_resume,
)
from medpause.cases.services import (
    application_create,
    application_submit,
    application_update,
    application_withdraw,
)
from medpause.common.dates import today
from medpause.common.errors import DomainError
from medpause.policy.selectors import consequences_for, policy_in_force
from medpause.web.forms import AcknowledgeForm, NoteForm, ReasonForm, ResumeDateForm, StopDatesForm
from medpause.web.templatetags.web_tags import sentence_join
from medpause.web.views.common import add_domain_error, error_field
from medpause.web.views.scope import UNIT, scope_of
from medpause.web.views.uploads import document_groups, handle_uploads
from medpause.web.views.wizard_state import (
    clear_state,
    draft_of,
    get_state,
    pick_up_draft,
    save_state,
)

STEPS = {
    "stop": ["reason", "dates", "note", "documents", "consequences", "check"],
    "resume": ["dates", "note", "documents", "check"],
}
ACCEPT = ".pdf,.jpg,.jpeg,.png"
FILER_REASON_TEXT = {
    "unit": _("Only the unit (employer) can file this. Ask your employer."),
    "individual": _("Only the insured person can file this."),
    "officer": _("Only an officer at the bureau counter can file this."),
}


# --- policy helpers ---------------------------------------------------------------------

def person_policy(person):
    _pv, policy = policy_in_force(region=person.region)
    return policy


def reason_refusal(reason, scope) -> str:
    """Why this person may not choose this reason here, or "" if they may. The rulebook
    decides (cases.rules.reason_refusal); the page says it in words for this reader: who may
    file instead, or which kind of insurance the reason is for."""
    refusal = rules.reason_refusal(
        person=person_facts(scope.person), reason=reason, applicant_type=scope.applicant_type
    )
    if refusal is None:
        return ""
    if refusal.code == "reason_not_allowed_for_applicant":
        others = [f for f in reason.filed_by if f != "officer"]
        if others == ["unit"] and scope.person.category == "flexible":  # no employer to ask
            return gettext("Only a unit (employer) can file this, for its employees.")
        return str(FILER_REASON_TEXT[others[0] if others else "officer"])
    if refusal.code == "reason_not_allowed_for_category":
        if scope.person.category == "flexible":
            return gettext("This reason applies only to employees insured through a unit.")
        return gettext("This reason applies only to flexible workers who pay alone.")
    return str(refusal.message)


def reason_hint(reason) -> str:
    parts = []
    if reason.effect == "terminate":
        parts.append(gettext("The insurance ends for good."))
    elif reason.effect == "retire":
        parts.append(gettext("Contributions stop and retiree benefits go on."))
    elif reason.max_duration_months:
        parts.append(gettext("At most %(months)d months.") % {"months": reason.max_duration_months})
    if reason.review_days == 0:
        parts.append(gettext("Decided on the spot."))
    else:
        parts.append(gettext("Reviewed within %(days)d working days.") % {"days": reason.review_days})
    return sentence_join(parts)


def suspension_to_resume(scope):
    """The current, resumable stop of the person, or None."""
    suspension = current_suspension(person=scope.person)
    if suspension is None or not rules.is_resumable(stop_to_resume(suspension), person_policy(scope.person)):
        return None
    return suspension


# --- step order -------------------------------------------------------------------------

def step_done(scope, kind: str, step: str, state: dict, app: Application | None) -> bool:
    if step == "reason":
        return bool(state.get("reason"))
    if step == "dates":
        return bool(app and state.get("dates_confirmed"))
    if step == "note":
        return bool(state.get("note_done"))
    if step == "documents":
        return bool(app and state.get("docs_done") and not missing_documents(app))
    if step == "consequences":
        return bool(state.get("acknowledged") and state.get("acknowledged_reason") == state.get("reason"))
    return False


def first_open_step(scope, kind: str, state: dict, app: Application | None) -> str:
    for step in STEPS[kind]:
        if not step_done(scope, kind, step, state, app):
            return step
    return "check"


def _back_url(scope, kind: str, step: str) -> str:
    steps = STEPS[kind]
    i = steps.index(step)
    return scope.wizard_url(kind, steps[i - 1]) if i > 0 else scope.home_url()


def _context(scope, kind: str, step: str, **extra) -> dict:
    steps = STEPS[kind]
    return {
        "scope": scope, "kind": kind, "step": step, "person": scope.person,
        "step_number": steps.index(step) + 1, "step_count": len(steps),
        "back_url": _back_url(scope, kind, step),
        "urls": {s: scope.wizard_url(kind, s) for s in steps},
        "cancel_url": scope.wizard_url(kind, "cancel"),
        **extra,
    }


# --- the steps --------------------------------------------------------------------------

@role_required(*APPLICANTS)
def wizard_start(request, kind: str, person_id: int | None = None):
    """Entry: resume the wizard where it was left, or start it."""
    scope = scope_of(request, person_id, person_required=True)
    state = get_state(request, kind, scope.person)
    app = draft_of(scope, state)
    if state.get("application_id") and app is None:
        clear_state(request, kind, scope.person)
        state = {}
    if kind == "resume":
        suspension = suspension_to_resume(scope)
        if suspension is None:
            return render(request, "web/wizard/no_stop.html", {"scope": scope, "person": scope.person})
        if state.get("suspension_id") not in (None, suspension.pk):
            state = {}
        state["suspension_id"] = suspension.pk
        save_state(request, kind, scope.person, state)
    return redirect(scope.wizard_url(kind, first_open_step(scope, kind, state, app)))


@role_required(*APPLICANTS)
def wizard_step(request, kind: str, step: str, person_id: int | None = None):
    if kind not in STEPS or (step not in STEPS[kind] and step != "cancel"):
        raise Http404
    scope = scope_of(request, person_id, person_required=True)
    state = get_state(request, kind, scope.person)
    if not state and step not in (STEPS[kind][0], "cancel"):
        state = pick_up_draft(request, scope, kind)
    app = draft_of(scope, state)
    if state.get("application_id") and app is None and step != "cancel":
        clear_state(request, kind, scope.person)
        messages.info(request, _("That application is no longer a draft. Start again if you need to."))
        return redirect(scope.home_url())
    if kind == "resume" and not state.get("suspension_id") and step != "cancel":
        return redirect(scope.wizard_url(kind, "start"))
    if step == "cancel":
        return _cancel(request, scope, kind, state, app)
    # A step may be shown only once the steps before it are done.
    open_step = first_open_step(scope, kind, state, app)
    steps = STEPS[kind]
    if steps.index(step) > steps.index(open_step):
        return redirect(scope.wizard_url(kind, open_step))
    handler = {
        "reason": _reason, "dates": _dates, "note": _note, "documents": _documents,
        "consequences": _consequences, "check": _check,
    }[step]
    return handler(request, scope, kind, state, app)


def _next(request, scope, kind, state):
    save_state(request, kind, scope.person, state)
    app = draft_of(scope, state)
    return redirect(scope.wizard_url(kind, first_open_step(scope, kind, state, app)))


def _reason(request, scope, kind, state, app):
    policy = person_policy(scope.person)
    allowed, refused = [], []
    for reason in policy.reasons.values():
        why_not = reason_refusal(reason, scope)
        if why_not:
            refused.append((reason, why_not))
        else:
            allowed.append(reason)
    hints = {r.code: reason_hint(r) for r in allowed}
    if request.method == "POST":
        form = ReasonForm(request.POST, reasons=allowed, hints=hints)
        if form.is_valid():
            code = form.cleaned_data["reason"]
            if code != state.get("reason"):
                state["dates_confirmed"] = False
                state["acknowledged"] = False
                state["docs_done"] = False
            state["reason"] = code
            return _next(request, scope, kind, state)
    else:
        form = ReasonForm(initial={"reason": state.get("reason")}, reasons=allowed, hints=hints)
    if scope.audience == UNIT:
        form.fields["reason"].label = _("Why should this employee's insurance stop?")
    # an employee stops through the unit (cases.rules: employee_must_file_through_unit): say so
    employed = scope.applicant_type == "individual" and scope.person.category == "employee" and refused
    return render(request, "web/wizard/reason.html", _context(
        scope, kind, "reason", form=form, refused=refused, no_reasons=not allowed,
        through_unit=scope.person.unit if employed else None,
    ))


def _stop_date_hints(reason, ahead_months: int) -> tuple[str, str]:
    day = today()
    if reason.backdate_days:
        earliest = rules.earliest_start(reason, day)
        start_hint = gettext("The earliest first day is %(date)s (up to %(days)d days in the past). For example, %(example)s.") % {
            "date": earliest.isoformat(), "days": reason.backdate_days, "example": day.isoformat()}
    else:
        start_hint = gettext("The stop can start today at the earliest (%(date)s).") % {"date": day.isoformat()}
    start_hint += " " + gettext("The latest first day is %(date)s (%(months)d months ahead).") % {
        "date": rules.latest_start(ahead_months, day).isoformat(), "months": ahead_months}
    if not reason.resumable:
        end_hint = ""
    elif reason.max_duration_months:
        end_hint = gettext(
            "A stop for this reason may last at most %(months)d months. For a stop from today, the latest last "
            "day is %(limit)s."
        ) % {"months": reason.max_duration_months, "limit": rules.latest_end(reason, day).isoformat()}
    else:
        end_hint = gettext("Leave this empty if you do not know yet. You can apply to resume at any time.")
    return start_hint, end_hint


def _dates(request, scope, kind, state, app):
    if kind == "resume":
        return _resume_date(request, scope, kind, state, app)
    policy = person_policy(scope.person)
    reason = policy.reasons.get(state.get("reason"))
    if reason is None:
        state["reason"] = ""
        return _next(request, scope, kind, state)
    start_hint, end_hint = _stop_date_hints(reason, policy.start_ahead_months)
    form_kwargs = {"reason": reason, "start_hint": start_hint, "end_hint": end_hint}
    errors = []
    if request.method == "POST":
        form = StopDatesForm(request.POST, **form_kwargs)
        if form.is_valid():
            start, end = form.cleaned_data["start_date"], form.cleaned_data.get("end_date")
            try:
                if app is None:
                    app = application_create(
                        actor=scope.user, kind=Kind.STOP, person=scope.person, reason=reason.code,
                        start_date=start, end_date=end, note=state.get("note", ""),
                    )
                else:
                    app = application_update(
                        actor=scope.user, application=app, reason=reason.code, start_date=start, end_date=end,
                        dates=True,
                    )
            except DomainError as exc:
                field = error_field(exc, None)
                if field in form.fields:
                    add_domain_error(form, exc)
                else:
                    errors.append(("", str(exc.message)))
            else:
                state.update(application_id=app.pk, start_date=start.isoformat(),
                             end_date=end.isoformat() if end else "", dates_confirmed=True)
                return _next(request, scope, kind, state)
    else:
        form = StopDatesForm(initial={"start_date": state.get("start_date"), "end_date": state.get("end_date")},
                             **form_kwargs)
    return render(request, "web/wizard/dates.html", _context(
        scope, kind, "dates", form=form, errors=errors, reason=reason,
    ))


def _resume_date(request, scope, kind, state, app):
    suspension = suspension_to_resume(scope)
    if suspension is None or suspension.pk != state.get("suspension_id"):
        clear_state(request, kind, scope.person)
        return redirect(scope.wizard_url(kind, "start"))
    policy = person_policy(scope.person)
    reason = policy.reasons[suspension.reason]
    earliest = rules.earliest_resume(reason, stop_to_resume(suspension), today())
    values = {"start": suspension.start_date.isoformat(), "earliest": earliest.isoformat(),
              "end": suspension.planned_end_date.isoformat() if suspension.planned_end_date else ""}
    if suspension.planned_end_date:
        hint = gettext("The stop began on %(start)s and is planned to end on %(end)s. The earliest resume date is "
                  "%(earliest)s.") % values
        if reason.early_resume_documents:
            hint += " " + gettext("If you resume on or before %(end)s, you need proof that the reason has gone.") % values
    else:
        hint = gettext("The stop began on %(start)s and has no planned end. The earliest resume date is "
                  "%(earliest)s.") % values
        if reason.early_resume_documents:
            hint += " " + gettext("You need proof that the reason has gone.")
    errors = []
    if request.method == "POST":
        form = ResumeDateForm(request.POST, hint=hint)
        if form.is_valid():
            start = form.cleaned_data["start_date"]
            try:
                if app is None:
                    app = application_create(
                        actor=scope.user, kind=Kind.RESUME, person=scope.person, start_date=start,
                        suspension_id=suspension.pk, note=state.get("note", ""),
                    )
                else:
                    app = application_update(actor=scope.user, application=app, start_date=start, dates=True)
            except DomainError as exc:
                field = error_field(exc, None)
                if field in form.fields:
                    add_domain_error(form, exc)
                else:
                    errors.append(("", str(exc.message)))
            else:
                state.update(application_id=app.pk, start_date=start.isoformat(), reason=app.reason,
                             dates_confirmed=True)
                return _next(request, scope, kind, state)
    else:
        form = ResumeDateForm(initial={"start_date": state.get("start_date")}, hint=hint)
    return render(request, "web/wizard/resume_date.html", _context(
        scope, kind, "dates", form=form, errors=errors, suspension=suspension, reason=reason,
    ))


def _note(request, scope, kind, state, app):
    if request.method == "POST":
        form = NoteForm(request.POST)
        if form.is_valid():
            note = form.cleaned_data["note"]
            try:
                application_update(actor=scope.user, application=app, note=note)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                state.update(note=note, note_done=True)
                return _next(request, scope, kind, state)
    else:
        form = NoteForm(initial={"note": state.get("note", "")})
    return render(request, "web/wizard/note.html", _context(scope, kind, "note", form=form))


def _documents(request, scope, kind, state, app):
    errors: dict[str, str] = {}
    if request.method == "POST":
        info = document_groups(app)
        stored, errors = handle_uploads(request, scope, app, info["groups"])
        if stored and not errors:
            messages.success(request, _("Your files were uploaded."))
        if request.POST.get("action") == "continue" and not errors:
            missing = missing_documents(app)
            if not missing:
                state["docs_done"] = True
                return _next(request, scope, kind, state)
            info = document_groups(app)
            for group in info["groups"]:
                if group["missing"]:
                    errors[group["code"]] = gettext("Add a document for: %(group)s.") % {"group": group["name"]}
        elif not errors:
            return redirect(scope.wizard_url(kind, "documents"))
    info = document_groups(app)
    summary = [(f"file_{code}", message) for code, message in errors.items()]
    unit = scope.person.unit if scope.audience == UNIT else None
    return render(request, "web/wizard/documents.html", _context(
        scope, kind, "documents", app=app, errors=summary, group_errors=errors, accept=ACCEPT, unit=unit, **info,
    ))


def _consequences(request, scope, kind, state, app):
    policy = application_policy(app)
    reason = policy.reasons[app.reason]
    items = consequences_for(policy=policy, reason=reason, category=scope.person.category)
    employee = scope.person.name if scope.audience == UNIT else ""
    if request.method == "POST":
        form = AcknowledgeForm(request.POST, employee=employee)
        if form.is_valid():
            state.update(acknowledged=True, acknowledged_reason=state.get("reason"))
            return _next(request, scope, kind, state)
    else:
        form = AcknowledgeForm(initial={"acknowledge": bool(state.get("acknowledged"))}, employee=employee)
    return render(request, "web/wizard/consequences.html", _context(
        scope, kind, "consequences", form=form, items=items, reason=reason,
    ))


def _check(request, scope, kind, state, app):
    open_step = first_open_step(scope, kind, state, app)
    if open_step != "check":
        return redirect(scope.wizard_url(kind, open_step))
    policy = application_policy(app)
    reason = policy.reasons[app.reason]
    errors = []
    if request.method == "POST":
        try:
            app = application_submit(
                actor=scope.user, application=app, consequences_acknowledged=bool(state.get("acknowledged")),
            )
        except DomainError as exc:
            if exc.code == "missing_documents":
                state["docs_done"] = False
                save_state(request, kind, scope.person, state)
                errors.append((scope.wizard_url(kind, "documents"), str(exc.message)))
            elif exc.code == "consequences_not_acknowledged":
                errors.append((scope.wizard_url(kind, "consequences"), str(exc.message)))
            elif error_field(exc) in ("start_date", "end_date", "reason"):
                errors.append((scope.wizard_url(kind, "reason" if error_field(exc) == "reason" else "dates"),
                               str(exc.message)))
            else:
                errors.append(("", str(exc.message)))
        else:
            clear_state(request, kind, scope.person)
            return redirect(scope.submitted_url(app))
    info = document_groups(app)
    return render(request, "web/wizard/check.html", _context(
        scope, kind, "check", app=app, reason=reason, errors=errors, state=state,
        link_errors=True, **info,
    ))


def _cancel(request, scope, kind, state, app):
    if request.method == "POST":
        if app is not None:
            try:
                application_withdraw(actor=scope.user, application=app, note=gettext("Cancelled before it was sent."))
            except DomainError as exc:
                messages.error(request, str(exc.message))
                return redirect(scope.home_url())
        clear_state(request, kind, scope.person)
        messages.info(request, _("The application was cancelled."))
        return redirect(scope.home_url())
    return render(request, "web/wizard/cancel.html", {
        "scope": scope, "kind": kind, "person": scope.person, "app": app,
        "back_url": scope.wizard_url(kind, "start"),
    })
