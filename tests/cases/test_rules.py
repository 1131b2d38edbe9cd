"""The rulebook (cases.rules) on its own: pure functions over small facts, judged at their
boundaries without a database. The services, the wizard and batches call these functions;
their own tests show they do (tests/cases/test_one_rulebook.py)."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import tomllib
from pathlib import Path

import pytest
from django.utils import translation

from medpause.cases import rules
from medpause.cases.rules import PendingStop, PersonFacts, Refusal, StopPeriod, StopToResume
from medpause.common.errors import Conflict, Refused
from medpause.policy.schema import build_policy

ROOT = Path(__file__).resolve().parents[2] / "src" / "medpause"
TODAY = dt.date(2026, 3, 31)
D = dt.timedelta


@pytest.fixture(scope="module")
def policy():
    doc = tomllib.loads((ROOT / "policies" / "national.toml").read_text("utf-8"))
    return build_policy(doc, "national.toml", "national@test")


EMPLOYEE = PersonFacts(pk=1, unit_id=7, region_id=3, category="employee", retired=False)
FLEXIBLE = PersonFacts(pk=2, unit_id=None, region_id=3, category="flexible", retired=False)


def stop_refusal(policy, reason, start, end=None, *, person=EMPLOYEE, applicant="unit", recorded=(), pending=()):
    """The refusal's (code, key, params), or None when the stop passes."""
    try:
        rules.judge_stop(
            person=person, reason=policy.reasons[reason], applicant_type=applicant, start=start, end=end,
            today=TODAY, recorded=recorded, pending=pending,
        )
    except Refusal as refusal:
        return refusal.code, refusal.key, refusal.params
    return None


def test_the_rulebook_touches_no_database():
    tree = ast.parse((ROOT / "cases" / "rules.py").read_text("utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert not [m for m in imported if m and (m.startswith("django.db") or m.endswith(".models"))]
    assert "medpause.cases.models" not in imported and "medpause.registry.models" not in imported


# --- who may file -------------------------------------------------------------------------------

def test_who_may_file(policy):
    unpaid = policy.reasons["unpaid_leave"]  # unit and officer only
    assert stop_refusal(policy, "unpaid_leave", TODAY, TODAY, applicant="individual") == (
        "reason_not_allowed_for_applicant", "reason_not_allowed_for_applicant", {"reason": "unpaid_leave"}
    )
    assert stop_refusal(policy, "unpaid_leave", TODAY, TODAY, applicant="unit") is None
    # a person may always ask to resume their own cover, whoever may file the stop
    assert rules.may_file(unpaid, "individual", rules.RESUME) and not rules.may_file(unpaid, "individual")


def test_the_refusal_tells_a_program_who_may_file(policy):
    with pytest.raises(Refusal) as caught:
        rules.judge_stop(person=EMPLOYEE, reason=policy.reasons["death"], applicant_type="individual", start=TODAY,
                         end=None, today=TODAY)
    assert caught.value.details == {"reason": "death", "applicant_type": "individual", "filed_by": ["unit", "officer"]}


def test_category(policy):
    assert stop_refusal(policy, "flexible_pause", TODAY, TODAY, applicant="individual")[0] == (
        "reason_not_allowed_for_category"
    )
    assert stop_refusal(policy, "resignation", TODAY, person=FLEXIBLE, applicant="individual")[0] == (
        "reason_not_allowed_for_category"
    )


def test_reason_refusal_is_the_checks_that_need_no_dates(policy):
    retired = dataclasses.replace(EMPLOYEE, retired=True)
    retirement, death = policy.reasons["retirement"], policy.reasons["death"]
    assert rules.reason_refusal(person=EMPLOYEE, reason=retirement, applicant_type="unit") is None
    assert rules.reason_refusal(person=retired, reason=retirement, applicant_type="unit").code == "already_retired"
    assert rules.reason_refusal(person=EMPLOYEE, reason=death, applicant_type="individual").code == (
        "reason_not_allowed_for_applicant"
    )
    assert rules.reason_refusal(
        person=FLEXIBLE, reason=policy.reasons["unpaid_leave"], applicant_type="officer"
    ).code == "reason_not_allowed_for_category"
    # whatever the dates, judge_stop gives the same refusal
    assert stop_refusal(policy, "retirement", TODAY, person=retired)[0] == "already_retired"


# --- dates of a stop ------------------------------------------------------------------------------

def test_end_date_on_the_start_date_is_a_one_day_stop_the_day_before_is_refused(policy):
    assert stop_refusal(policy, "enlistment", TODAY, TODAY) is None
    assert stop_refusal(policy, "enlistment", TODAY, TODAY - D(days=1)) == (
        "invalid_dates", "invalid_dates.end_before_start", {}
    )


def test_a_stop_for_good_has_no_end_date(policy):
    assert stop_refusal(policy, "death", TODAY, TODAY + D(days=9))[:2] == (
        "invalid_dates", "invalid_dates.no_end_for_reason"
    )


def test_duration_limit_at_its_last_day(policy):
    limit = dt.date(2028, 3, 30)  # 24 months from 31 March 2026, less one day
    assert rules.latest_end(policy.reasons["unpaid_leave"], TODAY) == limit
    assert stop_refusal(policy, "unpaid_leave", TODAY, limit) is None
    assert stop_refusal(policy, "unpaid_leave", TODAY, limit + D(days=1)) == (
        "duration_exceeds_limit", "duration_exceeds_limit", {"months": 24, "limit": limit.isoformat()}
    )
    assert stop_refusal(policy, "unpaid_leave", TODAY)[0] == "duration_exceeds_limit"  # a limit needs an end
    assert rules.latest_end(policy.reasons["resignation"], TODAY) is None


def test_backdating_at_its_first_day(policy):
    earliest = TODAY - D(days=30)
    assert rules.earliest_start(policy.reasons["resignation"], TODAY) == earliest
    assert stop_refusal(policy, "resignation", earliest) is None
    assert stop_refusal(policy, "resignation", earliest - D(days=1)) == (
        "start_date_too_early", "start_date_too_early", {"days": 30, "earliest": earliest.isoformat()}
    )


def test_the_first_refusal_wins_in_the_rulebooks_order(policy):
    # filed by the wrong applicant AND too early: the applicant is named first
    assert stop_refusal(policy, "death", TODAY - D(days=400), applicant="individual")[0] == (
        "reason_not_allowed_for_applicant"
    )
    # the rules that need no dates come before the dates: a retired person is told so first
    retired = dataclasses.replace(EMPLOYEE, retired=True)
    assert stop_refusal(policy, "retirement", TODAY - D(days=91), person=retired)[0] == "already_retired"
    assert stop_refusal(policy, "retirement", TODAY - D(days=91))[0] == "start_date_too_early"
    # the dates before the overlaps
    open_stop = StopPeriod(pk=5, start_date=TODAY - D(days=60), end_date=None, terminating=False)
    assert stop_refusal(policy, "enlistment", TODAY, TODAY - D(days=1), recorded=[open_stop])[0] == "invalid_dates"


# --- overlaps ----------------------------------------------------------------------------------

def test_overlap_with_a_recorded_stop_is_open_until_resumed(policy):
    open_stop = StopPeriod(pk=5, start_date=TODAY - D(days=60), end_date=None, terminating=False)
    later = TODAY + D(days=400)
    assert stop_refusal(policy, "enlistment", later, later, recorded=[open_stop]) == (
        "overlapping_suspension", "overlapping_suspension", {"start": open_stop.start_date.isoformat()}
    )
    ended = dataclasses.replace(open_stop, end_date=TODAY - D(days=1))
    assert stop_refusal(policy, "enlistment", TODAY, TODAY, recorded=[ended]) is None  # the day after it ended
    assert stop_refusal(policy, "enlistment", ended.end_date, TODAY, recorded=[ended])[0] == "overlapping_suspension"


def test_overlap_with_a_pending_application_names_it(policy):
    pending = PendingStop(pk=9, start_date=TODAY, end_date=TODAY + D(days=60), reference="TB20260331ABCDEF")
    assert stop_refusal(policy, "schooling", TODAY + D(days=60), TODAY + D(days=90), pending=[pending]) == (
        "overlapping_suspension", "overlapping_suspension.pending", {"reference": "TB20260331ABCDEF"}
    )
    assert stop_refusal(policy, "schooling", TODAY + D(days=61), TODAY + D(days=90), pending=[pending]) is None


def test_a_death_during_an_open_resumable_stop_supersedes_it(policy):
    resignation = StopPeriod(pk=5, start_date=TODAY - D(days=20), end_date=None, terminating=False)
    assert stop_refusal(policy, "death", TODAY - D(days=5), recorded=[resignation]) is None
    # not from its first day, not over a stop for good, not over an ended one
    assert stop_refusal(policy, "death", resignation.start_date, recorded=[resignation])[0] == "overlapping_suspension"
    for other in (dataclasses.replace(resignation, terminating=True),
                  dataclasses.replace(resignation, end_date=TODAY + D(days=30))):
        assert stop_refusal(policy, "death", TODAY - D(days=5), recorded=[other])[0] == "overlapping_suspension"
    # a resumable stop does not supersede anything
    assert stop_refusal(policy, "enlistment", TODAY, TODAY, recorded=[resignation])[0] == "overlapping_suspension"


# --- resumption -----------------------------------------------------------------------------------

STOPPED = StopToResume(pk=4, reason="enlistment", terminating=False, start_date=TODAY - D(days=100),
                       planned_end_date=TODAY + D(days=10), end_date=None)


def resume_refusal(policy, resume_date, suspension=STOPPED, *, applicant="individual", pending=False, end=None):
    try:
        verdict = rules.judge_resume(
            suspension=suspension, policy=policy, applicant_type=applicant, resume_date=resume_date, today=TODAY,
            resume_pending=pending, end=end,
        )
    except Refusal as refusal:
        return refusal.code, refusal.key, refusal.params
    return verdict


def test_resume_date_boundaries(policy):
    stopped_yesterday = dataclasses.replace(STOPPED, start_date=TODAY - D(days=1))
    assert resume_refusal(policy, TODAY - D(days=1), stopped_yesterday)[:2] == (
        "invalid_dates", "invalid_dates.resume_before_stop"
    )
    assert isinstance(resume_refusal(policy, TODAY, stopped_yesterday), rules.ResumeVerdict)
    earliest = TODAY - D(days=60)  # enlistment: 60 days back
    assert rules.earliest_resume(policy.reasons["enlistment"], STOPPED, TODAY) == earliest
    assert isinstance(resume_refusal(policy, earliest), rules.ResumeVerdict)
    assert resume_refusal(policy, earliest - D(days=1)) == (
        "start_date_too_early", "start_date_too_early.resume", {"days": 60, "earliest": earliest.isoformat()}
    )


def test_early_means_on_or_before_the_planned_end_or_without_one(policy):
    assert resume_refusal(policy, STOPPED.planned_end_date).early is True
    assert resume_refusal(policy, STOPPED.planned_end_date + D(days=1)).early is False
    assert resume_refusal(policy, TODAY, dataclasses.replace(STOPPED, planned_end_date=None)).early is True


def test_what_cannot_be_resumed(policy):
    assert resume_refusal(policy, TODAY, None)[:2] == ("not_suspended", "not_suspended.none")
    assert resume_refusal(policy, TODAY, end=TODAY)[:2] == ("invalid_dates", "invalid_dates.resume_has_no_end")
    terminated = dataclasses.replace(STOPPED, reason="death", terminating=True)
    assert resume_refusal(policy, TODAY, terminated)[:2] == ("not_resumable", "not_resumable.terminated")
    assert resume_refusal(policy, TODAY, dataclasses.replace(STOPPED, reason="retirement"))[:2] == (
        "not_resumable", "not_resumable"
    )
    assert resume_refusal(policy, TODAY, dataclasses.replace(STOPPED, end_date=TODAY))[0] == "not_suspended"
    assert resume_refusal(policy, TODAY, pending=True)[0] == "application_pending"
    assert not rules.is_resumable(terminated, policy) and rules.is_resumable(STOPPED, policy)


def test_who_may_resume(policy):
    imprisoned = dataclasses.replace(STOPPED, reason="imprisonment")  # unit and officer only
    assert isinstance(resume_refusal(policy, TODAY, imprisoned, applicant="individual"), rules.ResumeVerdict)
    assert isinstance(resume_refusal(policy, TODAY, imprisoned, applicant="unit"), rules.ResumeVerdict)
    flexible_pause = dataclasses.replace(STOPPED, reason="flexible_pause")  # individual and officer
    assert resume_refusal(policy, TODAY, flexible_pause, applicant="unit")[0] == "reason_not_allowed_for_applicant"


# --- on the spot ---------------------------------------------------------------------------------

def test_on_the_spot_only_for_units_where_the_policy_says_so(policy):
    plain = policy.reasons["resignation"]
    spot = plain.model_copy(update={"on_the_spot_for_units": True, "sources": ("a", "b")})
    assert rules.decided_on_the_spot(applicant_type="unit", reason=spot)
    assert not rules.decided_on_the_spot(applicant_type="individual", reason=spot)
    assert not rules.decided_on_the_spot(applicant_type="unit", reason=plain)
    with pytest.raises(Refusal) as caught:
        rules.judge_on_the_spot(applicant_type="unit", reason=plain)
    assert caught.value.code == "not_on_the_spot"
    assert rules.on_the_spot_rule(policy_label="510100@1", reason=spot) == (
        "510100@1 reasons.resignation.on_the_spot_for_units [a, b]"
    )


# --- the effect of an approval --------------------------------------------------------------------

def test_a_stop_creates_a_suspension_and_closes_what_it_supersedes(policy):
    resignation = StopPeriod(pk=5, start_date=TODAY - D(days=20), end_date=None, terminating=False)
    ended = StopPeriod(pk=3, start_date=TODAY - D(days=200), end_date=TODAY - D(days=100), terminating=False)
    death_day = TODAY - D(days=5)
    effect = rules.stop_effect(reason=policy.reasons["death"], start=death_day, end=None, recorded=[ended, resignation])
    assert (effect.closes, effect.closed_on, effect.retire) == ((5,), death_day - D(days=1), False)
    assert effect.suspension == rules.NewSuspension("death", True, death_day, None)
    assert effect.record(11) == {"effect": "terminate", "suspension_id": 11, "closed_suspensions": [5]}
    plain = rules.stop_effect(reason=policy.reasons["enlistment"], start=TODAY, end=TODAY, recorded=[])
    assert plain.suspension == rules.NewSuspension("enlistment", False, TODAY, TODAY) and plain.closes == ()


def test_retirement_marks_the_person_and_creates_no_suspension(policy):
    resignation = StopPeriod(pk=5, start_date=TODAY - D(days=20), end_date=None, terminating=False)
    effect = rules.stop_effect(reason=policy.reasons["retirement"], start=TODAY, end=None, recorded=[resignation])
    assert effect.retire and effect.suspension is None
    assert effect.record() == {"effect": "retire", "closed_suspensions": [5]}


def test_resumption_ends_the_day_before_and_waits_after_a_long_break(policy):
    enlistment = policy.reasons["enlistment"]  # waiting period applies; national: > 3 months -> 6 months
    start = dt.date(2026, 1, 15)
    stopped = dataclasses.replace(STOPPED, start_date=start)
    at_threshold = dt.date(2026, 4, 15)  # exactly three months: not a long break
    effect = rules.resume_effect(policy=policy, reason=enlistment, category="employee", suspension=stopped,
                                 resume_date=at_threshold)
    assert (effect.end_date, effect.benefits_from) == (dt.date(2026, 4, 14), None)
    after = at_threshold + D(days=1)
    effect = rules.resume_effect(policy=policy, reason=enlistment, category="employee", suspension=stopped,
                                 resume_date=after)
    assert effect.benefits_from == dt.date(2026, 10, 16)
    assert effect.record() == {"effect": "resume", "suspension_id": 4, "benefits_from": "2026-10-16"}
    no_wait = enlistment.model_copy(update={"waiting_period": False})
    assert rules.resume_effect(policy=policy, reason=no_wait, category="employee", suspension=stopped,
                               resume_date=after).benefits_from is None


# --- refusals and their sentences ----------------------------------------------------------------

def test_a_refusal_is_a_conflict_or_a_refusal_with_its_sentence_in_the_readers_language():
    overlap = Refusal("overlapping_suspension", params={"start": "2026-01-01"}, details={"suspension_id": 5})
    error = overlap.error()
    assert isinstance(error, Conflict) and error.status == 409 and error.details == {"suspension_id": 5}
    with translation.override("en"):
        assert str(error.message) == "This period overlaps a stop already recorded for this person (from 2026-01-01)."
    with translation.override("zh-hans"):
        assert "2026-01-01" in str(error.message) and "停保" in str(error.message)
    assert isinstance(Refusal("invalid_dates", "invalid_dates.end_before_start").error(), Refused)


def test_every_rule_message_renders_and_unknown_keys_do_not_break():
    with translation.override("en"):
        for key in rules.MESSAGES:
            assert rules.render(key, {"months": 1, "limit": "x", "days": 1, "earliest": "x", "start": "x",
                                      "reference": "x"})
        assert rules.render("no_such_key") == "no_such_key"
        assert rules.render("duration_exceeds_limit", {}) == str(rules.MESSAGES["duration_exceeds_limit"])
