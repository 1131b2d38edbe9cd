"""The rules of a single application (cases.services.create: check_stop_rules, application_create,
check_resume_rules), applied to preloaded data so that a file of 100,000 rows is judged with a
few queries per chunk instead of several per row.

The order of the checks and the codes are those of the core functions; tests/batches/
test_rules_parity.py runs both on the same cases and fails if they ever disagree. The core
functions query suspensions and pending applications themselves, which is why they cannot be
called per row here (see the report: a `suspensions=`/`pending=` parameter on the core
functions would let batches call them directly)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from medpause.cases.services.create import supersedes
from medpause.common.dates import add_months
from medpause.policy.schema import Policy, Reason


class RowError(Exception):
    def __init__(self, code: str, key: str | None = None, params: dict | None = None):
        super().__init__(code)
        self.code, self.key, self.params = code, key or code, params or {}


@dataclass(frozen=True)
class PersonFacts:
    pk: int
    unit_id: int | None
    region_id: int
    category: str
    retired: bool


@dataclass(frozen=True)
class Period:
    pk: int
    start: dt.date
    end: dt.date | None
    reference: str = ""


@dataclass(frozen=True)
class StopPeriod:
    """A recorded suspension, with the names cases.services.create.supersedes reads."""

    pk: int
    start_date: dt.date
    end_date: dt.date | None
    terminating: bool


@dataclass(frozen=True)
class SuspensionFacts:
    pk: int
    reason: str
    terminating: bool
    start: dt.date
    planned_end: dt.date | None
    end: dt.date | None


def overlaps(a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None) -> bool:
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)


def resolve_reason(policy: Policy, text: str) -> Reason:
    """A reason by its code, its table code (e.g. 6301) or its name in either language."""
    reason = policy.reasons.get(text)
    if reason is not None:
        return reason
    folded = text.strip().lower()
    for reason in policy.reasons.values():
        if folded in (reason.code.lower(), reason.table_code, reason.name_zh, reason.name_en.lower()):
            return reason
    raise RowError("unknown_reason", params={"reason": text[:32]})


def judge_stop(
    *, person: PersonFacts, reason: Reason, start: dt.date, end: dt.date | None, on: dt.date,
    suspensions: list[StopPeriod], pending: list[Period], applicant_type: str = "unit",
) -> None:
    """check_stop_rules, over preloaded suspensions and pending stop applications."""
    if applicant_type not in reason.filed_by:
        raise RowError("reason_not_allowed_for_applicant", params={"reason": reason.code})
    if person.category not in reason.categories:
        raise RowError("reason_not_allowed_for_category", params={"reason": reason.code})
    if end is not None and end < start:
        raise RowError("invalid_dates", "invalid_dates.end_before_start")
    if end is not None and not reason.resumable:
        raise RowError("invalid_dates", "invalid_dates.no_end_for_reason")
    if reason.max_duration_months:
        limit = add_months(start, reason.max_duration_months) - dt.timedelta(days=1)
        if end is None or end > limit:
            raise RowError(
                "duration_exceeds_limit", params={"months": reason.max_duration_months, "limit": limit.isoformat()}
            )
    earliest = on - dt.timedelta(days=reason.backdate_days)
    if start < earliest:
        raise RowError("start_date_too_early", params={"days": reason.backdate_days, "earliest": earliest.isoformat()})
    if reason.effect == "retire" and person.retired:
        raise RowError("already_retired")
    for s in suspensions:
        if supersedes(reason=reason, suspension=s, start_date=start):
            continue  # a death or retirement during an open stop closes it (the core's rule)
        if overlaps(start, end, s.start_date, s.end_date):
            raise RowError("overlapping_suspension", params={"start": s.start_date.isoformat()})
    for other in pending:
        if overlaps(start, end, other.start, other.end):
            raise RowError(
                "overlapping_suspension", "overlapping_suspension.pending", params={"reference": other.reference}
            )


def judge_resume(
    *, suspension: SuspensionFacts | None, policy: Policy, resume_date: dt.date, end: dt.date | None,
    on: dt.date, resume_pending: bool, applicant_type: str = "unit",
) -> tuple[Reason, bool]:
    """application_create(kind=resume) + check_resume_rules for the person's current stop."""
    if suspension is None:
        raise RowError("not_suspended", "not_suspended.none")
    if end is not None:
        raise RowError("invalid_dates", "invalid_dates.resume_has_no_end")
    if suspension.terminating:
        raise RowError("not_resumable", "not_resumable.terminated")
    reason = policy.reasons.get(suspension.reason)
    if reason is None or not reason.resumable:
        raise RowError("not_resumable")
    if suspension.end is not None:  # pragma: no cover - the current stop is open by definition
        raise RowError("not_suspended", "not_suspended.none")
    if resume_date <= suspension.start:
        raise RowError("invalid_dates", "invalid_dates.resume_before_stop")
    earliest = on - dt.timedelta(days=reason.backdate_days)
    if resume_date < earliest:
        raise RowError(
            "start_date_too_early", "start_date_too_early.resume",
            params={"days": reason.backdate_days, "earliest": earliest.isoformat()},
        )
    if resume_pending:
        raise RowError("application_pending")
    if applicant_type not in reason.filed_by and applicant_type != "individual":
        raise RowError("reason_not_allowed_for_applicant", params={"reason": reason.code})
    early = suspension.planned_end is None or resume_date <= suspension.planned_end
    return reason, early
