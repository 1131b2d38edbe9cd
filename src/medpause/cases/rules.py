"""The rulebook of stopping and resuming: every rule once, as pure functions.

No ORM and no database here: the rules judge small frozen facts that the caller loaded
(`cases.selectors.stop_facts` / `resume_facts` for one person, `batches.validate.Facts` for a
chunk of a file), the policy (`Reason`, `Policy`) and the day "today". A rule that says no
raises (or returns) a `Refusal`: the API's code, the key of its sentence in MESSAGES and the
sentence's parameters. The effect of an approval is computed here too (`stop_effect`,
`resume_effect`); the services and the batch only write it.

Who reads it: the single-application services (create, update, submit, approve), the wizard
(which reasons a person may choose, the date hints), the public guide (who may file) and the
batch (every row). A new rule goes here and nowhere else (docs/architecture.md, "Where a new
rule goes")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

# the sentences by key and the Refusal: part of this rulebook, kept in cases.refusals so the
# rules fit in one readable module; re-exported (rules.MESSAGES, rules.Refusal, ...)
from medpause.cases.refusals import (  # noqa: F401
    CONFLICTS,
    FORBIDDEN,
    MESSAGES,
    Refusal,
    render,
    render_lazy,
)
from medpause.common.dates import add_months
from medpause.policy.schema import Policy, Reason

STOP, RESUME = "stop", "resume"  # the values of cases.models.Kind
DAY = dt.timedelta(days=1)


def _raise(refusal: Refusal | None) -> None:
    if refusal is not None:
        raise refusal


# --- the facts ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PersonFacts:
    pk: int
    unit_id: int | None
    region_id: int
    category: str
    retired: bool


@dataclass(frozen=True, slots=True)
class StopPeriod:
    """A recorded suspension: open (end_date None) until a resumption is approved."""

    pk: int
    start_date: dt.date
    end_date: dt.date | None
    terminating: bool


@dataclass(frozen=True, slots=True)
class PendingStop:
    """A stop application submitted and not yet decided."""

    pk: int
    start_date: dt.date
    end_date: dt.date | None
    reference: str


@dataclass(frozen=True, slots=True)
class StopToResume:
    """The suspension a resumption ends."""

    pk: int
    reason: str
    terminating: bool
    start_date: dt.date
    planned_end_date: dt.date | None
    end_date: dt.date | None


# --- dates ---------------------------------------------------------------------------------

def overlaps(a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None) -> bool:
    """Two periods share a day; an end of None is open."""
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)


def earliest_start(reason: Reason, today: dt.date) -> dt.date:
    """The earliest first day of a stop, or resume date, for this reason."""
    return today - dt.timedelta(days=reason.backdate_days)


def latest_start(ahead_months: int, today: dt.date) -> dt.date:
    """The last first day a stop filed today may have: the policy's `procedure.start_ahead_months`
    ahead (31 Jan + 1 month = 28/29 Feb)."""
    return add_months(today, ahead_months)


def latest_end(reason: Reason, start: dt.date) -> dt.date | None:
    """The last day a stop from `start` may have, if the reason limits its length."""
    if not reason.max_duration_months:
        return None
    return add_months(start, reason.max_duration_months) - DAY


def earliest_resume(reason: Reason, suspension: StopToResume, today: dt.date) -> dt.date:
    return max(earliest_start(reason, today), suspension.start_date + DAY)


# --- who may file which reason ----------------------------------------------------------------

def may_file(reason: Reason, applicant_type: str, kind: str = STOP) -> bool:
    """The policy names who may file; a person may always ask to resume their own cover."""
    return applicant_type in reason.filed_by or (kind == RESUME and applicant_type == "individual")


def _filer_refusal(reason: Reason, applicant_type: str, kind: str) -> Refusal | None:
    if may_file(reason, applicant_type, kind):
        return None
    return Refusal(
        "reason_not_allowed_for_applicant", params={"reason": reason.code},
        details={"reason": reason.code, "applicant_type": applicant_type, "filed_by": list(reason.filed_by)},
    )


def _category_refusal(person: PersonFacts, reason: Reason) -> Refusal | None:
    if person.category in reason.categories:
        return None
    return Refusal(
        "reason_not_allowed_for_category", params={"reason": reason.code},
        details={"reason": reason.code, "category": person.category},
    )


def _retired_refusal(person: PersonFacts, reason: Reason) -> Refusal | None:
    return Refusal("already_retired") if reason.effect == "retire" and person.retired else None


def _employee_refusal(person: PersonFacts, reason: Reason, applicant_type: str) -> Refusal | None:
    """An employee stops through their unit, not on their own (Beijing: "employees cannot file
    themselves"), unless the region's policy lets them for this reason and cites its source
    (`individual_filing_while_employed`). `person` holds the unit and category in force on the
    stop's first day: employment ending the day before lets the person file."""
    if applicant_type != "individual" or person.category != "employee" or person.unit_id is None:
        return None
    if reason.individual_filing_while_employed:
        return None
    return Refusal(
        "employee_must_file_through_unit", details={"reason": reason.code, "unit_id": person.unit_id},
    )


def reason_refusal(*, person: PersonFacts, reason: Reason, applicant_type: str) -> Refusal | None:
    """May this applicant choose this reason for this person? The rules of a stop that need no
    dates, in order; None if they may, else the refusal judge_stop gives whatever the dates.
    A new rule about the person and the reason alone goes here. `person`: the facts in force on
    the stop's first day (judge_stop), or today (the wizard's choice of reasons)."""
    return (
        _filer_refusal(reason, applicant_type, STOP) or _category_refusal(person, reason)
        or _employee_refusal(person, reason, applicant_type) or _retired_refusal(person, reason)
    )


# --- judging a stop ----------------------------------------------------------------------------

def supersedes(reason: Reason, period: StopPeriod, start: dt.date) -> bool:
    """A death, a transfer out, settling abroad or retirement can happen during an open,
    resumable stop (e.g. after a resignation): the new stop closes it the day before it
    starts instead of being refused as an overlap (docs/adr/0002)."""
    return (
        reason.effect in ("terminate", "retire") and not period.terminating and period.end_date is None
        and period.start_date < start
    )


def judge_stop(
    *, person: PersonFacts, reason: Reason, applicant_type: str, start: dt.date, end: dt.date | None,
    today: dt.date, recorded: Iterable[StopPeriod] = (), pending: Iterable[PendingStop] = (),
    ahead_months: int | None = None,
) -> None:
    """Every rule a stop must pass; raises the first Refusal. `recorded`: the person's
    suspensions; `pending`: their other stop applications being handled; `ahead_months`: the
    policy's `procedure.start_ahead_months` (every caller passes it; None only in tests). The rules that need
    no dates come first (reason_refusal: the wizard offers only the reasons that pass them),
    then the dates, then the overlaps."""
    _raise(reason_refusal(person=person, reason=reason, applicant_type=applicant_type))
    if end is not None and end < start:
        raise Refusal("invalid_dates", "invalid_dates.end_before_start")
    if end is not None and not reason.resumable:
        raise Refusal("invalid_dates", "invalid_dates.no_end_for_reason", details={"field": "end_date"})
    limit = latest_end(reason, start)
    if limit is not None and (end is None or end > limit):
        raise Refusal(
            "duration_exceeds_limit", params={"months": reason.max_duration_months, "limit": limit.isoformat()},
            details={"max_duration_months": reason.max_duration_months, "latest_end_date": limit.isoformat()},
        )
    _raise(_too_early(reason, start, today, "start_date_too_early"))
    _raise(_too_late(ahead_months, start, today))
    for period in recorded:
        if supersedes(reason, period, start):
            continue
        if overlaps(start, end, period.start_date, period.end_date):  # open until resumed
            raise Refusal(
                "overlapping_suspension", params={"start": period.start_date.isoformat()},
                details={"suspension_id": period.pk},
            )
    for other in pending:
        if overlaps(start, end, other.start_date, other.end_date):
            raise Refusal(
                "overlapping_suspension", "overlapping_suspension.pending", params={"reference": other.reference},
                details={"application_id": other.pk},
            )


def _too_early(reason: Reason, day: dt.date, today: dt.date, key: str) -> Refusal | None:
    earliest = earliest_start(reason, today)
    if day >= earliest:
        return None
    if not reason.backdate_days:  # never "at most 0 days in the past"
        key += ".today"
    return Refusal(
        "start_date_too_early", key, params={"days": reason.backdate_days, "earliest": earliest.isoformat()},
        details={"earliest_start_date": earliest.isoformat()},
    )


def _too_late(ahead_months: int | None, start: dt.date, today: dt.date) -> Refusal | None:
    """A stop may start at most the policy's months ahead: exactly that far passes, a day more not."""
    if ahead_months is None:
        return None
    latest = latest_start(ahead_months, today)
    if start <= latest:
        return None
    return Refusal(
        "start_date_too_late", params={"months": ahead_months, "latest": latest.isoformat()},
        details={"latest_start_date": latest.isoformat(), "start_ahead_months": ahead_months},
    )


# --- judging a resumption --------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ResumeVerdict:
    reason: Reason  # the reason of the stop being resumed
    early: bool  # before the planned end (or with none): proof that the reason has gone is needed


def _not_resumable(suspension: StopToResume, policy: Policy) -> Refusal | None:
    if suspension.terminating:
        return Refusal("not_resumable", "not_resumable.terminated")
    reason = policy.reasons.get(suspension.reason)
    if reason is None or not reason.resumable:
        return Refusal("not_resumable")
    return None


def is_resumable(suspension: StopToResume | None, policy: Policy) -> bool:
    """Whether this stop is one a resumption can end at all (dates aside)."""
    return suspension is not None and suspension.end_date is None and _not_resumable(suspension, policy) is None


def judge_resume(
    *, suspension: StopToResume | None, policy: Policy, applicant_type: str, resume_date: dt.date,
    today: dt.date, resume_pending: bool, end: dt.date | None = None,
) -> ResumeVerdict:
    """Every rule a resumption of `suspension` must pass; raises the first Refusal.
    `resume_pending`: another resumption of the same stop is being handled."""
    if suspension is None:
        raise Refusal("not_suspended", "not_suspended.none")
    if end is not None:
        raise Refusal("invalid_dates", "invalid_dates.resume_has_no_end", details={"field": "end_date"})
    _raise(_not_resumable(suspension, policy))
    reason = policy.reasons[suspension.reason]
    if suspension.end_date is not None:
        raise Refusal("not_suspended")
    if resume_date <= suspension.start_date:
        raise Refusal("invalid_dates", "invalid_dates.resume_before_stop")
    _raise(_too_early(reason, resume_date, today, "start_date_too_early.resume"))
    if resume_pending:
        raise Refusal("application_pending")
    _raise(_filer_refusal(reason, applicant_type, RESUME))
    planned = suspension.planned_end_date
    return ResumeVerdict(reason, early=planned is None or resume_date <= planned)


# --- employment (增员, becoming a flexible worker) --------------------------------------------

@dataclass(frozen=True, slots=True)
class EmploymentPeriod:
    """A period of the person's category: with a unit (an employee) or without (flexible)."""

    unit_id: int | None
    category: str
    start_date: dt.date


def judge_employment(
    *, person: PersonFacts, current: EmploymentPeriod, unit_id: int | None, start: dt.date, today: dt.date,
    stop: StopToResume | None, policy: Policy,
) -> StopToResume | None:
    """A new employment from `start` (a unit's, or none: a flexible worker) after the period
    `current` in force now. Returns the open stop it resumes, if any: a resumable stop ends the
    day before the new employment starts (the reason's "resume through a new employer or as a
    flexible worker"); a stop that has not begun by then, or insurance ended, refuses it."""
    if person.retired:
        raise Refusal("already_retired")
    if start > today:
        raise Refusal("invalid_dates", "invalid_dates.employment_in_future", details={"field": "start_date"})
    if start <= current.start_date:
        raise Refusal(
            "invalid_dates", "invalid_dates.employment_before_current", params={"start": current.start_date.isoformat()},
            details={"field": "start_date", "current_start_date": current.start_date.isoformat()},
        )
    if current.unit_id == unit_id:
        raise Refusal("already_employed", details={"unit_id": unit_id})
    if stop is None or stop.end_date is not None:
        return None
    if stop.terminating:
        raise Refusal("insurance_ended")
    if stop.start_date >= start:
        raise Refusal(
            "overlapping_suspension", params={"start": stop.start_date.isoformat()}, details={"suspension_id": stop.pk}
        )
    _raise(_not_resumable(stop, policy))
    return stop


# --- decided on the spot -------------------------------------------------------------------

def decided_on_the_spot(*, applicant_type: str, reason: Reason) -> bool:
    """The policy says the bureau handles this on the spot for units (e.g. Chengdu's 即办件)."""
    return applicant_type == "unit" and reason.on_the_spot_for_units


def judge_on_the_spot(*, applicant_type: str, reason: Reason) -> None:
    if not decided_on_the_spot(applicant_type=applicant_type, reason=reason):
        raise Refusal("not_on_the_spot")


def employment_resume_rule(*, policy_label: str, reason: Reason) -> str:
    """The policy clause a resumption through employment rests on (the stop's reason is
    resumable: "resume through a new employer or enrol as a flexible worker"), as recorded in
    its history."""
    return f"{policy_label} reasons.{reason.code}.effect = suspend [{', '.join(reason.sources_of('effect'))}]"[:200]


def on_the_spot_rule(*, policy_label: str, reason: Reason) -> str:
    """The policy clause an on-the-spot decision rests on, as recorded with the decision."""
    return f"{policy_label} reasons.{reason.code}.on_the_spot_for_units [{', '.join(reason.sources)}]"[:200]


# --- four eyes ------------------------------------------------------------------------------

def four_eyes_refusal(*, decider_id: int | None, hands: Iterable[int]) -> Refusal | None:
    """Whoever filed an application (created or submitted it, e.g. at the counter) or added a
    document to it may not decide it (approve, reject, ask for more): another officer does.
    `hands` are the ids of the users who did so (cases.selectors.application_hands)."""
    if decider_id is not None and decider_id in set(hands):
        return Refusal("four_eyes")
    return None


# --- two-stage review ------------------------------------------------------------------------

def stage_days(*, policy: Policy, reason: Reason, stage: int) -> int:
    """The working days of a review stage. With one stage, the reason's review_days; with two,
    the first has the policy's `check_days` and the final decision what is left of review_days
    (at least one day). Without `check_days` each stage has the whole review_days."""
    if policy.review_stages < 2 or not policy.check_days:
        return reason.review_days
    first = min(policy.check_days, reason.review_days)
    return first if stage == 1 else max(reason.review_days - first, 1)


def second_stage_refusal(*, decider_id: int | None, checker_id: int | None) -> Refusal | None:
    """Where two officers decide in turn, the one who approved the first stage does not take the final decision."""
    if decider_id is not None and decider_id == checker_id:
        return Refusal("four_eyes", "four_eyes.second_stage")
    return None


def revocation_four_eyes(*, confirmer_id: int | None, requested_by_id: int | None) -> Refusal | None:
    """Correcting a decision takes two officers: whoever asked for the revocation does not confirm it."""
    if confirmer_id is not None and confirmer_id == requested_by_id:
        return Refusal("four_eyes", "four_eyes.revocation")
    return None


def revocation_refusal(*, resumption: str | None, later_start: dt.date | None) -> Refusal | None:
    """An approval is undone only where nothing decided since rests on it: not a stop that a
    resumption (`resumption`: its reference) ends, not a resumption after which another stop
    began (`later_start`): that decision is corrected first."""
    if resumption:
        return Refusal("revocation_blocked", "revocation_blocked.resumed", {"reference": resumption},
                       details={"resumption": resumption})
    if later_start is not None:
        return Refusal("revocation_blocked", "revocation_blocked.later_stop", {"start": later_start.isoformat()},
                       details={"later_stop_start_date": later_start.isoformat()})
    return None


# --- the effect of an approval ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class NewSuspension:
    reason: str
    terminating: bool
    start_date: dt.date
    planned_end_date: dt.date | None


@dataclass(frozen=True, slots=True)
class StopEffect:
    effect: str  # the reason's effect: suspend, terminate or retire
    closes: tuple[int, ...]  # open stops this one supersedes...
    closed_on: dt.date  # ...end on this day
    retire: bool  # the person is recorded as retired (the card stays active)
    suspension: NewSuspension | None  # the period without benefits, unless retiring

    def record(self, suspension_id: int | None = None) -> dict:
        """What the approval's audit event says about its effect."""
        if self.retire:
            return {"effect": "retire", "closed_suspensions": list(self.closes)}
        return {"effect": self.effect, "suspension_id": suspension_id, "closed_suspensions": list(self.closes)}


def stop_effect(*, reason: Reason, start: dt.date, end: dt.date | None, recorded: Iterable[StopPeriod]) -> StopEffect:
    retire = reason.effect == "retire"
    return StopEffect(
        effect=reason.effect,
        closes=tuple(p.pk for p in recorded if supersedes(reason, p, start)),
        closed_on=start - DAY,
        retire=retire,
        suspension=None if retire else NewSuspension(reason.code, reason.terminating, start, end),
    )


@dataclass(frozen=True, slots=True)
class ResumeEffect:
    suspension_id: int
    end_date: dt.date  # the last suspended day: the day before the resume date
    benefits_from: dt.date | None  # after a long break, the end of the waiting period

    def record(self) -> dict:
        return {
            "effect": "resume", "suspension_id": self.suspension_id,
            "benefits_from": self.benefits_from.isoformat() if self.benefits_from else None,
        }


def resume_effect(
    *, policy: Policy, reason: Reason, category: str, suspension: StopToResume, resume_date: dt.date
) -> ResumeEffect:
    """The suspension ends the day before the resume date; after a break longer than the
    policy's threshold (for the person's category), benefits wait (docs/adr/0002)."""
    rule = policy.waiting[category]
    long_break = resume_date > add_months(suspension.start_date, rule.threshold_months)
    waits = reason.waiting_period and rule.wait_months and long_break
    return ResumeEffect(
        suspension.pk, resume_date - DAY, add_months(resume_date, rule.wait_months) if waits else None
    )


def transfer_benefits_from(
    *, policy: Policy, category: str, break_start: dt.date | None, date: dt.date
) -> dt.date | None:
    """A transfer keeps cover continuous (医保办发〔2021〕43号): where the person had a break
    before it (a stop still open when the old place transferred out, from `break_start`) that
    is longer than the new place's threshold for their category, benefits there wait; a break of
    exactly the threshold, or none, waits for nothing. The new place's policy decides."""
    if break_start is None:
        return None
    rule = policy.waiting[category]
    long_break = date > add_months(break_start, rule.threshold_months)
    return add_months(date, rule.wait_months) if long_break and rule.wait_months else None
