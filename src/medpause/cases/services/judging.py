"""The rulebook (cases.rules) applied to one application: load the person's facts, judge,
and raise a refusal as the services' DomainError (409 for a conflict, else 422)."""

from __future__ import annotations

import datetime as dt

from medpause.cases import rules
from medpause.cases.models import Suspension
from medpause.cases.selectors import (
    application_hands,
    person_facts,
    resume_pending,
    stop_facts,
    stop_to_resume,
)
from medpause.common.dates import today
from medpause.policy.schema import Policy, Reason


def check_stop(
    *, person, policy: Policy, reason: Reason, applicant_type: str, start_date: dt.date,
    end_date: dt.date | None, on: dt.date | None = None, exclude_application_id: int | None = None, lock: bool = False,
) -> list[rules.StopPeriod]:
    """Judge a stop; returns the person's recorded suspensions (an approval's effect reads them)."""
    recorded, pending = stop_facts(person=person, exclude_application_id=exclude_application_id, lock=lock)
    try:
        rules.judge_stop(
            person=person_facts(person, on=start_date), reason=reason, applicant_type=applicant_type, start=start_date,
            end=end_date, today=on or today(), recorded=recorded, pending=pending,
            ahead_months=policy.start_ahead_months,
        )
    except rules.Refusal as refusal:
        raise refusal.error() from None
    return recorded


def check_resume(
    *, suspension: Suspension, policy: Policy, applicant_type: str, resume_date: dt.date,
    end_date: dt.date | None = None, on: dt.date | None = None, exclude_application_id: int | None = None,
) -> rules.ResumeVerdict:
    """Judge a resumption of `suspension`: the reason of the stop and whether it is early."""
    try:
        return rules.judge_resume(
            suspension=stop_to_resume(suspension), policy=policy, applicant_type=applicant_type,
            resume_date=resume_date, end=end_date, today=on or today(),
            resume_pending=resume_pending(suspension_id=suspension.pk, exclude_application_id=exclude_application_id),
        )
    except rules.Refusal as refusal:
        raise refusal.error() from None


def check_on_the_spot(*, applicant_type: str, reason: Reason) -> None:
    try:
        rules.judge_on_the_spot(applicant_type=applicant_type, reason=reason)
    except rules.Refusal as refusal:
        raise refusal.error() from None


def check_four_eyes(*, actor, application) -> None:
    """Four eyes: the one who filed an application or added documents to it does not decide it."""
    refusal = rules.four_eyes_refusal(decider_id=getattr(actor, "pk", None), hands=application_hands(application))
    if refusal is not None:
        raise refusal.error()


def may_decide(*, actor, application) -> bool:
    """Whether four eyes lets `actor` decide `application` (the pages hide what it does not)."""
    return rules.four_eyes_refusal(
        decider_id=getattr(actor, "pk", None), hands=application_hands(application)
    ) is None
