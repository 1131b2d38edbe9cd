from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from medpause.accounts.permissions import applicant_type_for
from medpause.audit.services import audit_record
from medpause.cases.models import Application, Kind, Suspension
from medpause.cases.states import PENDING_STATUSES
from medpause.common.dates import add_months, today
from medpause.common.errors import Conflict, NotFound, Refused
from medpause.policy.schema import Policy, Reason
from medpause.policy.selectors import policy_in_force, reason_get

_REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _reference(kind: str) -> str:
    prefix = "TB" if kind == Kind.STOP else "HF"  # 停保 / 恢复
    return prefix + today().strftime("%Y%m%d") + "".join(secrets.choice(_REF_ALPHABET) for _ in range(6))


def _overlaps(a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None) -> bool:
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)


def supersedes(*, reason: Reason, suspension: Suspension, start_date: dt.date) -> bool:
    """A death, a transfer out, settling abroad or retirement can happen during an open,
    resumable stop (e.g. after a resignation): the new stop closes it the day before it
    starts instead of being refused as an overlap (docs/adr/0002)."""
    return (
        reason.effect in ("terminate", "retire")
        and not suspension.terminating
        and suspension.end_date is None
        and suspension.start_date < start_date
    )


def check_stop_rules(
    *, person, reason: Reason, applicant_type: str, start_date: dt.date, end_date: dt.date | None,
    on: dt.date | None = None, exclude_application_id: int | None = None,
) -> None:
    """Every rule a stop must pass before it may exist; raises the first refusal. Batches
    call this too, so a row is judged exactly like a single application."""
    if applicant_type not in reason.filed_by:
        raise Refused(
            "reason_not_allowed_for_applicant",
            _("In this region this reason cannot be filed by this applicant."),
            details={"reason": reason.code, "applicant_type": applicant_type, "filed_by": list(reason.filed_by)},
        )
    if person.category not in reason.categories:
        raise Refused(
            "reason_not_allowed_for_category",
            _("This reason does not apply to this person's kind of insurance."),
            details={"reason": reason.code, "category": person.category},
        )
    if end_date is not None and end_date < start_date:
        raise Refused("invalid_dates", _("The end date must not be before the start date."))
    if end_date is not None and not reason.resumable:
        raise Refused(
            "invalid_dates",
            _("A stop for this reason has no end date: leave it empty."),
            details={"field": "end_date"},
        )
    if reason.max_duration_months:
        limit = add_months(start_date, reason.max_duration_months) - dt.timedelta(days=1)
        if end_date is None or end_date > limit:
            raise Refused(
                "duration_exceeds_limit",
                _("For this reason a stop may last at most %(months)d months: give an end date no later than %(limit)s.")
                % {"months": reason.max_duration_months, "limit": limit.isoformat()},
                details={"max_duration_months": reason.max_duration_months, "latest_end_date": limit.isoformat()},
            )
    earliest = (on or today()) - dt.timedelta(days=reason.backdate_days)
    if start_date < earliest:
        raise Refused(
            "start_date_too_early",
            _("The start date may be at most %(days)d days in the past: the earliest is %(earliest)s.")
            % {"days": reason.backdate_days, "earliest": earliest.isoformat()},
            details={"earliest_start_date": earliest.isoformat()},
        )
    if reason.effect == "retire" and person.retired:
        raise Conflict("already_retired", _("This person is already recorded as retired."))
    for s in Suspension.objects.filter(person=person):
        if supersedes(reason=reason, suspension=s, start_date=start_date):
            continue
        if _overlaps(start_date, end_date, s.start_date, s.end_date):  # open until resumed
            raise Conflict(
                "overlapping_suspension",
                _("This period overlaps a stop already recorded for this person (from %(start)s).")
                % {"start": s.start_date.isoformat()},
                details={"suspension_id": s.pk},
            )
    pending = Application.objects.filter(person=person, kind=Kind.STOP, status__in=PENDING_STATUSES)
    if exclude_application_id:
        pending = pending.exclude(pk=exclude_application_id)
    for other in pending:
        if _overlaps(start_date, end_date, other.start_date, other.end_date):
            raise Conflict(
                "overlapping_suspension",
                _("Another stop application for this period is already being handled (%(reference)s).")
                % {"reference": other.reference},
                details={"application_id": other.pk},
            )


def check_resume_rules(
    *, person, suspension: Suspension, policy: Policy, resume_date: dt.date, on: dt.date | None = None,
    exclude_application_id: int | None = None,
) -> tuple[Reason, bool]:
    """Rules of a resumption; returns the suspended reason and whether it is early (before the
    planned end, or with no planned end), which calls for proof that the reason has gone."""
    if suspension.terminating:
        raise Refused("not_resumable", _("Insurance ended for this reason cannot be resumed."))
    reason = policy.reasons.get(suspension.reason)
    if reason is None or not reason.resumable:
        raise Refused("not_resumable", _("Insurance stopped for this reason cannot be resumed."))
    if suspension.end_date is not None:
        raise Conflict("not_suspended", _("This stop has already ended."))
    if resume_date <= suspension.start_date:
        raise Refused("invalid_dates", _("The resume date must be after the first day of the stop."))
    earliest = (on or today()) - dt.timedelta(days=reason.backdate_days)
    if resume_date < earliest:
        raise Refused(
            "start_date_too_early",
            _("The resume date may be at most %(days)d days in the past: the earliest is %(earliest)s.")
            % {"days": reason.backdate_days, "earliest": earliest.isoformat()},
            details={"earliest_start_date": earliest.isoformat()},
        )
    pending = Application.objects.filter(suspension=suspension, kind=Kind.RESUME, status__in=PENDING_STATUSES)
    if exclude_application_id:
        pending = pending.exclude(pk=exclude_application_id)
    if pending.exists():
        raise Conflict("application_pending", _("A resumption of this stop is already being handled."))
    early = suspension.planned_end_date is None or resume_date <= suspension.planned_end_date
    return reason, early


@transaction.atomic
def application_create(
    *, actor, kind: str, person, start_date: dt.date, reason: str | None = None, end_date: dt.date | None = None,
    suspension_id: int | None = None, note: str = "",
) -> Application:
    """A draft stop or resume application, judged by the policy in force today in the
    person's region; that version is recorded on the application."""
    if kind not in Kind.values:
        raise Refused("invalid_kind", _("The kind must be stop or resume."))
    applicant_type = applicant_type_for(actor=actor, person=person)
    pv, policy = policy_in_force(region=person.region)
    suspension = None
    early = False
    if kind == Kind.STOP:
        if not reason:
            raise Refused("missing_field", _("Choose the reason for stopping."), details={"field": "reason"})
        reason_obj = reason_get(policy=policy, code=reason)
        check_stop_rules(
            person=person, reason=reason_obj, applicant_type=applicant_type, start_date=start_date, end_date=end_date
        )
    else:
        if suspension_id is None:
            raise Refused("missing_field", _("Choose the stop to resume."), details={"field": "suspension_id"})
        suspension = Suspension.objects.filter(pk=suspension_id, person=person).first()
        if suspension is None:
            raise NotFound("not_found", _("This person has no such stop."))
        if end_date is not None:
            raise Refused("invalid_dates", _("A resumption has no end date."), details={"field": "end_date"})
        reason_obj, early = check_resume_rules(
            person=person, suspension=suspension, policy=policy, resume_date=start_date
        )
        if applicant_type not in reason_obj.filed_by and applicant_type != "individual":
            # The person themself may always ask to resume their own cover.
            raise Refused(
                "reason_not_allowed_for_applicant",
                _("In this region this reason cannot be filed by this applicant."),
            )
    reference = _reference(kind)
    while Application.objects.filter(reference=reference).exists():  # 32^6 a day: rare, but never a 500
        reference = _reference(kind)
    application = Application.objects.create(
        reference=reference,
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
