"""Employment periods: a unit takes a person on (增员), or the person becomes a flexible worker.

The period in force the day before closes and the new one opens (registry.Employment); the
person's unit and category (Person.unit / category) follow the period in force today. An open
resumable stop of the person ends the day before the new employment starts: it is recorded as a
resumption through employment, an application of kind resume that whoever recorded the
employment submits and the service approves at once by rule, with the policy clause in its
history (cases.rules.judge_employment / employment_resume_rule; the state machine's own moves).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medpause.accounts.models import Role
from medpause.accounts.permissions import CAPACITY, persons_visible_to, role_of
from medpause.audit.services import audit_record
from medpause.cases import rules
from medpause.cases.models import Application, Kind, Suspension
from medpause.cases.references import new_reference
from medpause.cases.selectors import current_suspension, person_facts, stop_to_resume
from medpause.cases.services.locking import person_lock
from medpause.cases.services.transitions import _move
from medpause.cases.states import Action
from medpause.common.dates import today
from medpause.common.errors import Forbidden, NotFound, Refused
from medpause.policy.selectors import policy_in_force
from medpause.registry.models import Category, Employment, Person, Unit
from medpause.registry.selectors import employments_of


def _check_rights(actor, person: Person, unit: Unit | None, id_number: str | None) -> None:
    """The new unit's agent (who reaches the person as its employee, or by giving their whole ID
    number, found by look-up), an officer of the person's region, or an administrator."""
    role = role_of(actor)
    if role == Role.UNIT_AGENT:
        if unit is None or unit.pk != actor.unit_id:
            raise Forbidden("forbidden", _("A unit can take on employees only for itself."))
        known = persons_visible_to(actor).filter(pk=person.pk).exists()
        if not known and not (id_number and Person.objects.by_id_number(id_number).filter(pk=person.pk).exists()):
            raise NotFound("not_found", _("No such insured person."))
        return
    if role not in (Role.OFFICER, Role.ADMIN):
        raise Forbidden("forbidden", _("Your role may not record employment."))
    if not persons_visible_to(actor).filter(pk=person.pk).exists():
        raise NotFound("not_found", _("No such insured person."))


@transaction.atomic
def employment_start(
    *, person: Person, unit: Unit | None, start_date: dt.date, actor, id_number: str | None = None
) -> Employment:
    """From `start_date` the person is `unit`'s employee, or with `unit` None a flexible worker:
    the period in force the day before closes and this one opens; an open resumable stop ends
    the day before (a resumption through employment)."""
    _check_rights(actor, person, unit, id_number)
    if unit is not None and unit.region_id != person.region_id:
        raise Refused(
            "unit_in_other_region",
            _("The unit is in another region: moving there is a transfer between regions."),
            details={"unit_id": unit.pk},
        )
    person_lock(person.pk)  # first: one writer of the person's periods and stops at a time
    person = Person.objects.select_related("region").get(pk=person.pk)
    periods = employments_of(person=person)
    current = periods[-1]
    stop = current_suspension(person=person)
    pv, policy = policy_in_force(region=person.region)
    try:
        resumed = rules.judge_employment(
            person=person_facts(person), unit_id=unit.pk if unit else None, start=start_date, today=today(),
            current=rules.EmploymentPeriod(current.unit_id, current.category, current.start_date),
            stop=stop_to_resume(stop) if stop else None, policy=policy,
        )
    except rules.Refusal as refusal:
        raise refusal.error() from None
    category = Category.EMPLOYEE if unit is not None else Category.FLEXIBLE
    current.end_date = start_date - rules.DAY
    current.save(update_fields=["end_date"])
    period = Employment.objects.create(person=person, unit=unit, category=category, start_date=start_date)
    person.unit, person.category = unit, category  # the period in force today (the start is not ahead)
    person.save(update_fields=["unit", "category"])
    application = _resume_through_employment(actor, person, stop, resumed, policy, pv, category, start_date)
    audit_record(
        actor=actor, action="person.employment", target=person,
        data={"unit_id": unit.pk if unit else None, "category": category, "start_date": start_date.isoformat(),
              "closed_period": current.pk, "resume_application_id": application.pk if application else None},
    )
    return period


def employment_note(start_date: dt.date, unit: Unit | None) -> str:
    """The note on a resumption through employment, stored once in both languages (like a batch
    row's) since it is read by the person, the unit and the officers alike."""
    if unit is None:
        return f"以灵活就业人员身份参保，自 {start_date} 起恢复参保 / resumed as a flexible worker from {start_date}"
    return f"由新单位增员，自 {start_date} 起恢复参保 / resumed through employment by a new unit from {start_date}"


def _resume_through_employment(actor, person, stop, resumed, policy, pv, category, start_date):
    """The resumption of `stop` through the new employment: filed by `actor` in their capacity,
    submitted, and approved by rule citing the clause; its effect as cases.rules computes it."""
    if resumed is None:
        return None
    reason = policy.reasons[resumed.reason]
    applicant_type = CAPACITY[role_of(actor)]
    rule = rules.employment_resume_rule(policy_label=pv.label, reason=reason)
    now = timezone.now()
    application = Application.objects.create(
        reference=new_reference(Kind.RESUME), kind=Kind.RESUME, person=person, region=person.region,
        applicant_type=applicant_type, unit=person.unit if applicant_type == "unit" else None,
        created_by=actor, reason=reason.code, start_date=start_date, suspension=stop,
        early_resume=resumed.planned_end_date is None or start_date <= resumed.planned_end_date,
        note=employment_note(start_date, person.unit),
        policy_version=pv, submitted_at=now, first_submitted_at=now, due_date=today(),
    )
    audit_record(
        actor=actor, action="application.create", target=application,
        data={"kind": Kind.RESUME, "reason": reason.code, "reference": application.reference, "policy": pv.label,
              "through": "employment"},
    )
    _move(application, Action.SUBMIT, actor=actor, role=actor.role, note=application.note)
    effect = rules.resume_effect(
        policy=policy, reason=reason, category=category, suspension=resumed, resume_date=start_date
    )
    Suspension.objects.filter(pk=stop.pk).update(
        end_date=effect.end_date, benefits_from=effect.benefits_from, resume_application=application,
    )
    application.decided_at, application.decision_rule = timezone.now(), rule
    return _move(application, Action.APPROVE, actor=None, role="system", note=rule, data={**effect.record(), "rule": rule})
