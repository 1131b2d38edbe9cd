"""Registry: identifiers with real check characters, registration rules, contributions by region."""

import datetime as dt
from decimal import Decimal

import pytest

from medpause.accounts.permissions import persons_visible_to, units_visible_to
from medpause.audit.models import AuditEvent
from medpause.common.dates import add_months, month_start, today
from medpause.common.errors import Conflict, NotFound, Refused
from medpause.coverage.services import contribution_record
from medpause.registry.models import Contribution
from medpause.registry.selectors import (
    contributions_of,
    person_by_id_number,
    person_get,
    unit_get,
)
from medpause.registry.services import (
    contribution_shares,
    id_number_clean,
    person_register,
    uscc_clean,
)
from tests.cases.helpers import paused_flexible, stop
from tests.factories import id_number, make_person, make_unit, make_user, region

pytestmark = pytest.mark.django_db


# --- identifiers ------------------------------------------------------------------------------


def test_a_real_id_number_is_valid_and_upper_cased():
    assert id_number_clean("11010519491231002X") == "11010519491231002X"
    assert id_number_clean(" 11010519491231002x ") == "11010519491231002X"


@pytest.mark.parametrize(
    "bad",
    [
        "110105194912310021",  # the check character changed
        "11010519491231003X",  # a body digit changed: the check no longer matches
        "11010519491331002X",  # no 13th month (check recomputed below)
        "99999919491231002X",  # no such county
        "1101051949123100",  # too short
        "",
        None,
    ],
)
def test_invalid_id_numbers(bad):
    with pytest.raises(Refused) as exc:
        id_number_clean(bad)
    assert exc.value.code == "invalid_id_number"


def test_a_bad_birth_date_or_place_fails_even_with_a_correct_check_character():
    from stdnum.cn import ric

    for body in ("11010519491331002", "99999919491231002"):
        with pytest.raises(Refused):
            id_number_clean(body + ric.calc_check_digit(body + "0"))


def test_uscc():
    assert uscc_clean("91110000600037341L") == "91110000600037341L"
    assert uscc_clean(" 91110000600037341l") == "91110000600037341L"
    for bad in ("91110000600037341M", "91110000600037341", "9111000060003734IL", ""):
        with pytest.raises(Refused) as exc:
            uscc_clean(bad)
        assert exc.value.code == "invalid_uscc"


# --- registration -----------------------------------------------------------------------------


def test_unit_registration_checks_code_and_legal_representative():
    with pytest.raises(Refused) as exc:
        make_unit(uscc="91110000600037341M")
    assert exc.value.code == "invalid_uscc"
    with pytest.raises(Refused) as exc:
        make_unit(legal_representative_id_number="110105194912310021")
    assert exc.value.code == "invalid_id_number"
    unit = make_unit(uscc="91110000600037341L", legal_representative_id_number="11010519491231002x")
    assert unit.legal_representative_id_number == "11010519491231002X"
    assert unit.legal_representative_id_masked == "110105********002X"
    with pytest.raises(Conflict) as exc:
        make_unit(uscc="91110000600037341L")
    assert exc.value.code == "already_registered"


def test_an_employee_must_belong_to_a_unit_a_flexible_worker_to_none():
    with pytest.raises(Refused) as exc:
        person_register(
            name="王五", id_number=id_number(), region=region("110000"), category="employee", contribution_base="8000"
        )
    assert exc.value.code == "unit_required"
    unit = make_unit()
    flexible = make_person("110000", category="flexible", unit=unit)
    assert flexible.unit is None
    with pytest.raises(Refused) as exc:
        make_person("110000", category="retired")
    assert exc.value.code == "invalid_category"


def test_a_person_is_registered_once_and_gets_a_card():
    number = id_number("310104")
    person = make_person("310000", id_number=number.lower())
    assert person.id_number == number.upper()
    assert person.card.number.startswith("310000") and len(person.card.number) == 16
    assert person.card.issued_on == today()
    with pytest.raises(Conflict) as exc:
        make_person("310000", id_number=number)
    assert exc.value.code == "already_registered"


@pytest.mark.parametrize("base", ["0", "-1", "abc", "NaN", "Infinity"])
def test_contribution_base_must_be_an_amount(base):
    with pytest.raises(Refused) as exc:
        make_person("310000", category="flexible", contribution_base=base)
    assert exc.value.code == "invalid_amount"


def test_registrations_are_audited():
    before = AuditEvent.objects.count()
    unit = make_unit()
    person = make_person("110000", unit=unit)
    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert [e.action for e in events] == ["unit.register", "person.register"]
    assert events[1].target_id == str(person.pk) and events[1].data["card"] == person.card.number
    assert person.id_number not in str(events[1].data)  # no full ID number in the log


# --- contributions ----------------------------------------------------------------------------


def _month(offset: int = 0) -> dt.date:
    return add_months(month_start(today()), offset)


def test_beijing_employer_pays_nine_percent_and_employee_two():
    person = make_person("110000", contribution_base="10000.00")
    c = contribution_record(person=person, month=_month(-1))
    assert (c.base, c.employer_amount, c.employee_amount) == (Decimal("10000.00"), Decimal("900.00"), Decimal("200.00"))
    assert c.total == Decimal("1100.00") and c.unit == person.unit
    assert c.policy_version == "110000@2025.1"


def test_national_rates_elsewhere():
    person = make_person("420100", contribution_base="10000.00")  # Wuhan keeps the national 6% + 2%
    c = contribution_record(person=person, month=_month(-1))
    assert (c.employer_amount, c.employee_amount) == (Decimal("600.00"), Decimal("200.00"))


@pytest.mark.parametrize(
    ("declared", "base"),
    [("3000.00", "6000.00"), ("6000.00", "6000.00"), ("30000.00", "30000.00"), ("45000.00", "30000.00")],
)
def test_base_is_held_within_floor_and_ceiling(declared, base):
    person = make_person("110000", contribution_base=declared)  # 60%..300% of 10000
    b, employer, employee, _label = contribution_shares(person=person, month=_month(-1))
    assert b == Decimal(base)
    assert employer == (Decimal(base) * Decimal("0.09")).quantize(Decimal("0.01"))
    assert employee == (Decimal(base) * Decimal("0.02")).quantize(Decimal("0.01"))


def test_flexible_worker_pays_alone_at_the_regions_rate():
    person = make_person("310000", category="flexible", contribution_base="5000.00")  # Shanghai floor: 7200
    c = contribution_record(person=person, month=_month(-2))
    assert c.employer_amount == Decimal("0.00")
    assert c.base == Decimal("7200.00") and c.employee_amount == Decimal("720.00")
    assert c.unit is None


def test_recording_a_month_twice_changes_nothing():
    person = make_person("110000")
    before = AuditEvent.objects.count()
    first = contribution_record(person=person, month=_month(-1) + dt.timedelta(days=14))
    again = contribution_record(person=person, month=_month(-1))
    assert first.pk == again.pk and first.month == _month(-1)
    assert Contribution.objects.filter(person=person).count() == 1
    assert AuditEvent.objects.count() == before + 1
    assert contributions_of(person=person) == [first]


def test_no_contribution_for_a_suspended_month():
    start = _month(1)  # a pause from the first of next month
    person, *_ = paused_flexible("110000", start=max(start, today()))
    assert contribution_record(person=person, month=_month(0))
    with pytest.raises(Conflict) as exc:
        contribution_record(person=person, month=start)
    assert exc.value.code == "not_covered"
    assert not Contribution.objects.filter(person=person, month=start).exists()


def test_no_contribution_after_death_or_retirement():
    person = make_person("110000")
    agent, officer = make_user("unit_agent", unit=person.unit), make_user("officer", region="110000")
    stop(agent, person, "death", month_start(today()), approve_by=officer)
    with pytest.raises(Conflict) as exc:
        contribution_record(person=person, month=_month(1))
    assert exc.value.code == "not_covered"
    retiree = make_person("110000", unit=person.unit)
    stop(agent, retiree, "retirement", today(), approve_by=officer)
    retiree.refresh_from_db()
    with pytest.raises(Conflict) as exc:
        contribution_record(person=retiree, month=_month(1))
    assert exc.value.code == "retired"


# --- visibility -------------------------------------------------------------------------------


def test_who_sees_whom():
    unit = make_unit("110000")
    employee = make_person("110000", unit=unit)
    colleague = make_person("110000", unit=unit)
    flexible = make_person("110000", category="flexible")
    shanghai = make_person("310000", category="flexible")
    agent = make_user("unit_agent", unit=unit)
    assert set(persons_visible_to(agent)) == {employee, colleague}
    assert set(persons_visible_to(make_user("officer", region="110000"))) == {employee, colleague, flexible}
    assert set(persons_visible_to(make_user("individual", person=flexible))) == {flexible}
    assert not persons_visible_to(make_user("institution", institution_name="医院")).exists()
    assert persons_visible_to(make_user("admin")).count() == 4
    sh_officer = make_user("officer", region="310000")
    with pytest.raises(NotFound):
        person_get(user=sh_officer, person_id=employee.pk)
    with pytest.raises(NotFound):
        person_get(user=sh_officer, person_id="not-a-number")
    assert person_get(user=sh_officer, person_id=shanghai.pk) == shanghai
    assert person_by_id_number(user=sh_officer, id_number=employee.id_number) is None
    assert person_by_id_number(user=agent, id_number=employee.id_number.lower()) == employee
    assert list(units_visible_to(agent)) == [unit]
    with pytest.raises(NotFound):
        unit_get(user=sh_officer, unit_id=unit.pk)

