"""Creating an application: a draft, judged by the rulebook (cases.rules) under the policy
in force today in the person's region; that version is recorded on the application."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from medpause.accounts.permissions import applicant_type_for
from medpause.audit.services import audit_record
from medpause.cases.models import Application, Kind, Suspension
from medpause.cases.references import new_reference
from medpause.cases.services.judging import check_resume, check_stop
from medpause.cases.services.locking import person_lock
from medpause.common.errors import NotFound, Refused
from medpause.policy.selectors import policy_in_force, reason_get


@transaction.atomic
def application_create(
    *, actor, kind: str, person, start_date: dt.date, reason: str | None = None, end_date: dt.date | None = None,
    suspension_id: int | None = None, note: str = "",
) -> Application:
    """A draft stop or resume application, judged by the policy in force today in the
    person's region; that version is recorded on the application."""
    if kind not in Kind.values:
        raise Refused("invalid_kind", _("The kind must be stop or resume."))
    person_lock(person.pk)  # first: judged against the person's other stops, one writer at a time
    applicant_type = applicant_type_for(actor=actor, person=person)
    pv, policy = policy_in_force(region=person.region)
    suspension = None
    early = False
    if kind == Kind.STOP:
        if not reason:
            raise Refused("missing_field", _("Choose the reason for stopping."), details={"field": "reason"})
        reason_obj = reason_get(policy=policy, code=reason)
        check_stop(person=person, policy=policy, reason=reason_obj, applicant_type=applicant_type, start_date=start_date,
                   end_date=end_date)
    else:
        if suspension_id is None:
            raise Refused("missing_field", _("Choose the stop to resume."), details={"field": "suspension_id"})
        suspension = Suspension.objects.filter(pk=suspension_id, person=person).first()
        if suspension is None:
            raise NotFound("not_found", _("This person has no such stop."))
        verdict = check_resume(
            suspension=suspension, policy=policy, applicant_type=applicant_type, resume_date=start_date,
            end_date=end_date,
        )
        reason_obj, early = verdict.reason, verdict.early
    application = Application.objects.create(
        reference=new_reference(kind),
        kind=kind,
        person=person,
        region=person.region,
        applicant_type=applicant_type,
        unit=person.unit if applicant_type == "unit" else None,
        created_by=actor if getattr(actor, "pk", None) else None,
        reason=reason_obj.code,
        start_date=start_date,
        end_date=end_date,
        suspension=suspension,
        early_resume=early,
        note=(note or "").strip()[:2000],
        policy_version=pv,
    )
    audit_record(
        actor=actor, action="application.create", target=application,
        data={"kind": kind, "reason": reason_obj.code, "reference": application.reference, "policy": pv.label},
    )
    return application
