"""A batch row is judged exactly like a single application: for each case, the core's
check_stop_rules / check_resume_rules and the batch's bulk judgment give the same code."""

import datetime as dt

import pytest

from medpause.batches.rules import RowError
from medpause.batches.validate import Facts, Policies, judge
from medpause.cases.services import application_approve, application_create, application_submit, document_add
from medpause.cases.services.create import check_resume_rules, check_stop_rules
from medpause.common.dates import today
from medpause.common.errors import DomainError
from medpause.policy.selectors import policy_in_force
from medpause.registry.models import Person
from tests.factories import PNG_1PX, make_user

pytestmark = pytest.mark.django_db

D = dt.timedelta


def _core_stop(person, reason_code, start, end):
    _pv, policy = policy_in_force(region=person.region)
    try:
        check_stop_rules(person=person, reason=policy.reasons[reason_code], applicant_type="unit", start_date=start,
                         end_date=end)
    except DomainError as exc:
        return exc.code
    return None


def _batch(person, kind, reason_text, start, end):
    facts = Facts(unit_id=person.unit_id, kind=kind, person_ids=[person.pk])
    try:
        judge(kind=kind, person=facts.by_pk[person.pk], reason_text=reason_text, start=start, end=end, facts=facts,
              policies=Policies(today()))
    except RowError as exc:
        return exc.code
    return None


STOP_CASES = [
    ("resignation", 0, None),
    ("resignation", 0, -1),
    ("resignation", -31, None),
    ("resignation", -30, None),
    ("death", 0, 5),
    ("unpaid_leave", 0, None),
    ("unpaid_leave", 0, 800),
    ("unpaid_leave", 0, 300),
    ("schooling", 0, 2200),
    ("settle_abroad", 0, None),
    ("flexible_pause", 0, 30),
    ("retirement", 0, None),
]


@pytest.mark.parametrize(("reason", "start", "end"), STOP_CASES)
def test_stop_rules_agree(beijing, day, reason, start, end):
    person = beijing.people[0]
    s, e = day + D(days=start), (day + D(days=end)) if end is not None else None
    assert _batch(person, "stop", reason, s, e) == _core_stop(person, reason, s, e)


def _approved_stop(place, person, day, reason="resignation", end=None):
    app = application_create(actor=place.agent, kind="stop", person=person, reason=reason, start_date=day,
                             end_date=end)
    for kind in ("removal_form", "contract_termination_certificate", "id_card", "legal_rep_id_card",
                 "unpaid_leave_agreement", "death_certificate"):
        document_add(actor=place.agent, application=app, kind=kind, data=PNG_1PX, filename="x.png")
    application_submit(actor=place.agent, application=app)
    return app


@pytest.mark.parametrize("offset", [-1, 0, 3, 40])
def test_overlap_rules_agree_with_pending_and_recorded_stops(beijing, day, offset):
    a, b, c = beijing.people
    _approved_stop(beijing, a, day, "unpaid_leave", day + D(days=20))  # pending
    approved = _approved_stop(beijing, b, day, "unpaid_leave", day + D(days=20))
    application_approve(actor=make_user("officer", region="110000"), application=approved)
    Person.objects.filter(pk=c.pk).update(retired=True)
    c.refresh_from_db()
    for person in (a, b):
        s = day + D(days=offset)
        assert _batch(person, "stop", "unpaid_leave", s, s + D(days=5)) == _core_stop(
            person, "unpaid_leave", s, s + D(days=5)
        )
    assert _batch(c, "stop", "retirement", day, None) == _core_stop(c, "retirement", day, None) == "already_retired"
    # a death during an open stop closes it instead of overlapping it (cases.services.create.supersedes)
    later = day + D(days=5)
    assert _batch(b, "stop", "death", later, None) == _core_stop(b, "death", later, None) is None


@pytest.mark.parametrize("offset", [0, 1, 10, -40])
def test_resume_rules_agree(beijing, day, offset):
    a = beijing.people[0]
    officer = make_user("officer", region="110000")
    application_approve(actor=officer, application=_approved_stop(beijing, a, day - D(days=20)))
    suspension = a.suspensions.get()
    _pv, policy = policy_in_force(region=a.region)
    start = day - D(days=20) + D(days=offset)
    try:
        check_resume_rules(person=a, suspension=suspension, policy=policy, resume_date=start)
        core = None
    except DomainError as exc:
        core = exc.code
    assert _batch(a, "resume", "", start, None) == core
