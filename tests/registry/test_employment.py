"""Employment periods (增员 and becoming a flexible worker): the periods, the resumption through
employment, and everything that asks "on day D" reading the period in force on D."""

import datetime as dt
from decimal import Decimal

import pytest

from medpause.accounts.permissions import applications_visible_to, persons_visible_to
from medpause.audit.models import AuditEvent
from medpause.cases.models import Application, ApplicationEvent
from medpause.cases.selectors import person_facts
from medpause.cases.services.employment import employment_start
from medpause.common.dates import add_months, month_start, today
from medpause.common.errors import Conflict, Forbidden, NotFound, Refused
from medpause.coverage.selectors import card_status_on
from medpause.coverage.services import contribution_record
from medpause.registry.models import Employment
from medpause.registry.selectors import employment_on, employments_of
from tests.cases.helpers import stop
from tests.factories import make_person, make_unit, make_user

pytestmark = pytest.mark.django_db

TODAY = today()


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


def employee(region="110000", since=-400, **kw):
    """An employee registered `since` days ago (their first period starts then)."""
    return make_person(region, issued_on=day(since), **kw)


def test_registration_opens_the_first_period():
    person = employee()
    [period] = employments_of(person=person)
    assert (period.unit_id, period.category, period.start_date, period.end_date) == (
        person.unit_id, "employee", day(-400), None)
    flexible = make_person("310000", category="flexible")
    assert [(p.unit_id, p.category, p.end_date) for p in employments_of(person=flexible)] == [(None, "flexible", None)]


def test_a_new_unit_takes_the_person_on_the_old_period_ends_the_day_before():
    person = employee()
    old_unit = person.unit
    new_unit = make_unit("110000", name="新单位")
    agent = make_user("unit_agent", unit=new_unit)
    period = employment_start(person=person, unit=new_unit, start_date=day(-10), actor=agent,
                              id_number=person.id_number)
    periods = employments_of(person=person)
    assert [(p.unit_id, p.category, p.start_date, p.end_date) for p in periods] == [
        (old_unit.pk, "employee", day(-400), day(-11)), (new_unit.pk, "employee", day(-10), None)]
    assert period == periods[-1]
    person.refresh_from_db()
    assert person.unit_id == new_unit.pk  # the period in force today
    # the day before and the first day
    assert employment_on(person=person, day=day(-11)).unit_id == old_unit.pk
    assert employment_on(person=person, day=day(-10)).unit_id == new_unit.pk
    assert person_facts(person, on=day(-11)).unit_id == old_unit.pk
    assert person_facts(person, on=day(-10)).unit_id == new_unit.pk
    # the new unit sees its employee; the old unit no longer does
    assert persons_visible_to(agent).filter(pk=person.pk).exists()
    assert not persons_visible_to(make_user("unit_agent", unit=old_unit)).filter(pk=person.pk).exists()
    assert AuditEvent.objects.filter(action="person.employment").count() == 1


def test_becoming_a_flexible_worker():
    person = employee("310000")
    officer = make_user("officer", region="310000")
    employment_start(person=person, unit=None, start_date=day(0), actor=officer)
    person.refresh_from_db()
    assert (person.unit_id, person.category) == (None, "flexible")
    assert [(p.category, p.end_date) for p in employments_of(person=person)] == [
        ("employee", day(-1)), ("flexible", None)]


def test_contributions_follow_the_period_in_force_on_the_months_first_day():
    person = employee("110000", since=-800)
    first_unit = person.unit
    this_month = month_start(TODAY)
    last_month = add_months(this_month, -1)
    officer = make_user("officer", region="110000")
    employment_start(person=person, unit=None, start_date=this_month if this_month < TODAY else day(-1),
                     actor=officer)
    person.refresh_from_db()
    before = contribution_record(person=person, month=add_months(last_month, -1))
    assert before.unit_id == first_unit.pk and before.employer_amount > Decimal("0")
    after = contribution_record(person=person, month=add_months(this_month, 1))
    assert after.unit_id is None and after.employer_amount == Decimal("0.00")


def test_an_open_resumable_stop_ends_the_day_before_as_a_resumption_through_employment():
    person = employee()
    agent, officer = make_user("unit_agent", unit=person.unit), make_user("officer", region="110000")
    stop_app = stop(agent, person, "resignation", day(-20), approve_by=officer)
    suspension = person.suspensions.get()
    new_unit = make_unit("110000", name="新单位")
    new_agent = make_user("unit_agent", unit=new_unit)
    employment_start(person=person, unit=new_unit, start_date=day(-5), actor=new_agent, id_number=person.id_number)
    suspension.refresh_from_db()
    assert suspension.end_date == day(-6)
    assert card_status_on(person=person, day=day(-6)).status == "suspended"
    assert card_status_on(person=person, day=day(-5)).status == "active"
    resumption = suspension.resume_application
    assert (resumption.kind, resumption.status, resumption.start_date, resumption.applicant_type,
            resumption.unit_id) == ("resume", "approved", day(-5), "unit", new_unit.pk)
    assert resumption.decision_rule.startswith("110000@2025.1 reasons.resignation.effect")
    events = list(ApplicationEvent.objects.filter(application=resumption).order_by("pk"))
    assert [(e.action, e.from_status, e.to_status, e.actor_role) for e in events] == [
        ("submit", "draft", "submitted", "unit_agent"), ("approve", "submitted", "approved", "system")]
    assert events[1].note == resumption.decision_rule
    # the new unit follows the resumption it filed; the old unit keeps its own stop, not the later one
    assert applications_visible_to(new_agent).filter(pk=resumption.pk).exists()
    assert not applications_visible_to(agent).filter(pk=resumption.pk).exists()
    assert applications_visible_to(agent).filter(pk=stop_app.pk).exists()


def test_a_stop_starting_on_or_after_the_new_employment_refuses_it():
    person = employee()
    agent, officer = make_user("unit_agent", unit=person.unit), make_user("officer", region="110000")
    stop(agent, person, "resignation", day(-5), approve_by=officer)
    with pytest.raises(Conflict) as exc:
        employment_start(person=person, unit=None, start_date=day(-5), actor=officer)
    assert exc.value.code == "overlapping_suspension"
    assert Employment.objects.filter(person=person).count() == 1
    assert not Application.objects.filter(person=person, kind="resume").exists()


def test_insurance_ended_or_retired_refuses_employment():
    person = employee()
    agent, officer = make_user("unit_agent", unit=person.unit), make_user("officer", region="110000")
    stop(agent, person, "death", day(-3), approve_by=officer)
    with pytest.raises(Conflict) as exc:
        employment_start(person=person, unit=None, start_date=day(0), actor=officer)
    assert exc.value.code == "insurance_ended"


@pytest.mark.parametrize(("offset", "code"), [(1, "invalid_dates"), (-400, "invalid_dates"), (-401, "invalid_dates")])
def test_dates_at_their_boundaries(offset, code):
    person = employee()
    officer = make_user("officer", region="110000")
    with pytest.raises(Refused) as exc:
        employment_start(person=person, unit=None, start_date=day(offset), actor=officer)
    assert exc.value.code == code
    # today and the day after the current period began are allowed
    assert employment_start(person=person, unit=None, start_date=day(-399), actor=officer).start_date == day(-399)


def test_the_same_employment_again_is_a_conflict():
    person = employee()
    with pytest.raises(Conflict) as exc:
        employment_start(person=person, unit=person.unit, start_date=day(0), actor=make_user("officer", region="110000"))
    assert exc.value.code == "already_employed"


def test_who_may_record_it():
    person = employee()
    new_unit = make_unit("110000", name="新单位")
    other_region_unit = make_unit("310000", name="上海单位")
    new_agent = make_user("unit_agent", unit=new_unit)
    with pytest.raises(NotFound):  # a stranger to the unit without the ID number
        employment_start(person=person, unit=new_unit, start_date=day(0), actor=new_agent)
    with pytest.raises(NotFound):  # a wrong ID number
        employment_start(person=person, unit=new_unit, start_date=day(0), actor=new_agent,
                         id_number=make_person("110000").id_number)
    with pytest.raises(Forbidden):  # a unit takes on only for itself
        employment_start(person=person, unit=None, start_date=day(0), actor=new_agent, id_number=person.id_number)
    with pytest.raises(Forbidden):
        employment_start(person=person, unit=new_unit, start_date=day(0),
                         actor=make_user("individual", person=person))
    with pytest.raises(NotFound):  # an officer elsewhere
        employment_start(person=person, unit=None, start_date=day(0), actor=make_user("officer", region="310000"))
    with pytest.raises(Refused) as exc:
        employment_start(person=person, unit=other_region_unit, start_date=day(0), actor=make_user("admin"))
    assert exc.value.code == "unit_in_other_region"
    assert Employment.objects.filter(person=person).count() == 1


def test_the_rule_employee_must_file_through_unit_and_the_policy_flag():
    from medpause.cases import rules
    from medpause.policy.models import Region
    from medpause.policy.selectors import policy_in_force

    _pv, policy = policy_in_force(region=Region.objects.get(code="310000"))
    resignation = policy.reasons["resignation"]
    employed = rules.PersonFacts(1, 7, 1, "employee", False)
    refusal = rules.reason_refusal(person=employed, reason=resignation, applicant_type="individual")
    assert refusal.code == "employee_must_file_through_unit" and refusal.details["unit_id"] == 7
    assert refusal.error().status == 422
    assert rules.reason_refusal(person=employed, reason=resignation, applicant_type="unit") is None
    assert rules.reason_refusal(person=employed, reason=resignation, applicant_type="officer") is None
    # a region whose policy cites a source for it lets employees file themselves
    allowed = resignation.model_copy(update={"individual_filing_while_employed": True})
    assert rules.reason_refusal(person=employed, reason=allowed, applicant_type="individual") is None
    # no current policy file lets them
    from medpause.policy.models import PolicyVersion
    from medpause.policy.selectors import policy_of

    for pv in PolicyVersion.objects.all():
        assert not any(r.individual_filing_while_employed for r in policy_of(pv).reasons.values()), pv.label
