"""Users, units and persons: registration, masking, contributions, suspensions, lookup."""

import datetime as dt

import pytest

from medpause.coverage.services import contribution_record
from tests.api.conftest import error_of
from tests.factories import id_number, uscc_code

pytestmark = pytest.mark.django_db


# --- users -----------------------------------------------------------------------------------


def test_admin_creates_an_officer_who_can_sign_in(world, anon):
    r = world.api["admin"].post(
        "/users", {"username": "officer.new", "password": "long-enough-1", "role": "officer", "region": "310000"}
    )
    assert r.status_code == 201
    assert isinstance(r.json()["id"], int)
    login = anon.post("/auth/token", {"username": "officer.new", "password": "long-enough-1"})
    assert login.json()["role"] == "officer"


def test_user_binding_required_is_422(world):
    r = world.api["admin"].post("/users", {"username": "someone", "password": "long-enough-1", "role": "individual"})
    assert r.status_code == 422
    assert error_of(r)["code"] == "binding_required"


def test_username_taken_is_409(world):
    r = world.api["admin"].post(
        "/users", {"username": "hospital", "password": "long-enough-1", "role": "institution", "institution_name": "X"}
    )
    assert r.status_code == 409
    assert error_of(r)["code"] == "username_taken"


def test_user_for_unknown_region_is_404_unknown_region(world):
    r = world.api["admin"].post(
        "/users", {"username": "o2", "password": "long-enough-1", "role": "officer", "region": "999999"}
    )
    assert r.status_code == 404
    assert error_of(r)["code"] == "unknown_region"


# --- units -----------------------------------------------------------------------------------


def _unit_body(**kw):
    body = {
        "name": "新单位", "uscc": uscc_code(), "region": "110000", "legal_representative_name": "王法人",
        "legal_representative_id_number": id_number(),
    }
    body.update(kw)
    return body


def test_officer_registers_a_unit_in_their_region(world):
    r = world.api["officer"].post("/units", _unit_body())
    assert r.status_code == 201
    unit = r.json()
    assert unit["region"] == "110000"
    assert world.api["officer"].get(f"/units/{unit['id']}").json()["name"] == "新单位"


def test_invalid_uscc_is_422(world):
    r = world.api["officer"].post("/units", _unit_body(uscc="911100000000000000"))
    assert r.status_code == 422
    assert error_of(r)["code"] == "invalid_uscc"


def test_invalid_legal_representative_id_is_422(world):
    r = world.api["officer"].post("/units", _unit_body(legal_representative_id_number="110105198503140000"))
    assert r.status_code == 422
    assert error_of(r)["code"] == "invalid_id_number"


def test_unit_registered_twice_is_409(world):
    r = world.api["officer"].post("/units", _unit_body(uscc=world.bj_unit.uscc))
    assert r.status_code == 409
    assert error_of(r)["code"] == "already_registered"


def test_officer_may_not_register_in_another_region(world):
    r = world.api["officer"].post("/units", _unit_body(region="310000"))
    assert r.status_code == 403
    assert error_of(r)["code"] == "forbidden"


def test_unit_agent_sees_its_unit_with_the_representative_id_masked(world):
    r = world.api["unit_agent"].get(f"/units/{world.bj_unit.pk}")
    assert r.status_code == 200
    assert r.json()["employees"] == 2
    assert "****" in r.json()["legal_representative_id_number"]


# --- persons ---------------------------------------------------------------------------------


def test_officer_registers_an_employee_with_an_active_card(world):
    number = id_number()
    r = world.api["officer"].post(
        "/persons",
        {"name": "新员工", "id_number": number, "region": "110000", "category": "employee",
         "unit_id": world.bj_unit.pk, "contribution_base": "9000.00"},
    )
    assert r.status_code == 201
    person = r.json()
    assert person["card_status"] == "active"
    assert person["card_number"].startswith("110000")
    assert person["id_number"] == number  # the officer sees the whole number
    assert person["contribution_base"] == "9000.00"


def test_invalid_person_id_number_is_422(world):
    r = world.api["officer"].post(
        "/persons",
        {"name": "某人", "id_number": "12345", "region": "110000", "category": "flexible", "contribution_base": "5000"},
    )
    assert r.status_code == 422
    assert error_of(r)["code"] == "invalid_id_number"


def test_person_registered_twice_is_409(world):
    r = world.api["officer"].post(
        "/persons",
        {"name": "张伟", "id_number": world.bj_employee.id_number, "region": "110000", "category": "employee",
         "unit_id": world.bj_unit.pk, "contribution_base": "8000.00"},
    )
    assert r.status_code == 409
    assert error_of(r)["code"] == "already_registered"


def test_employee_without_unit_is_422_unit_required(world):
    r = world.api["officer"].post(
        "/persons",
        {"name": "某人", "id_number": id_number(), "region": "110000", "category": "employee",
         "contribution_base": "5000.00"},
    )
    assert r.status_code == 422
    assert error_of(r)["code"] == "unit_required"


@pytest.mark.parametrize("role, masked", [("admin", False), ("officer", False), ("unit_agent", True), ("individual", True)])
def test_id_number_masked_for_every_role_but_officer_and_admin(world, role, masked):
    r = world.api[role].get(f"/persons/{world.bj_employee.pk}")
    assert r.status_code == 200
    shown = r.json()["id_number"]
    full = world.bj_employee.id_number
    if masked:
        assert shown == full[:6] + "********" + full[-4:]
    else:
        assert shown == full


def test_contributions_show_both_shares_and_flexible_workers_pay_alone(world):
    month = dt.date(2026, 1, 1)
    contribution_record(person=world.bj_employee, month=month)
    contribution_record(person=world.sh_flex, month=month)
    employee = world.api["individual"].get(f"/persons/{world.bj_employee.pk}/contributions").json()
    assert employee[0]["month"] == "2026-01-01"
    assert float(employee[0]["employer_amount"]) > 0 and float(employee[0]["employee_amount"]) > 0
    flexible = world.api["officer_sh"].get(f"/persons/{world.sh_flex.pk}/contributions").json()
    assert flexible[0]["employer_amount"] == "0.00"
    assert float(flexible[0]["employee_amount"]) > 0


def test_suspensions_list_the_approved_stop(world):
    from medpause.cases.services import application_approve
    from tests.api.conftest import submitted_application

    app = submitted_application(
        world.users["individual_sh"], world.sh_flex, "flexible_pause", end=dt.date.today() + dt.timedelta(days=30)
    )
    application_approve(actor=world.users["officer_sh"], application=app)
    r = world.api["individual_sh"].get(f"/persons/{world.sh_flex.pk}/suspensions")
    assert r.status_code == 200
    [suspension] = r.json()
    assert suspension["end_date"] is None
    assert suspension["reason"] == "flexible_pause"
    assert suspension["application_id"] == app.pk
    assert world.api["individual_sh"].get(f"/persons/{world.sh_flex.pk}").json()["card_status"] == "suspended"


def test_lookup_by_id_number_travels_in_the_body(world):
    r = world.api["officer"].post("/persons/lookup", {"id_number": world.bj_employee.id_number.lower()})
    assert r.status_code == 200
    assert r.json()["id"] == world.bj_employee.pk
    foreign = world.api["officer"].post("/persons/lookup", {"id_number": world.sh_flex.id_number})
    assert foreign.status_code == 404
    assert error_of(foreign)["code"] == "not_found"


def test_certificate_pdfs(world):
    for kind in ("participation", "payment"):
        r = world.api["individual"].get(f"/persons/{world.bj_employee.pk}/certificates/{kind}.pdf")
        assert r.status_code == 200, r.content[:300]
        assert r["Content-Type"] == "application/pdf"
        assert r.content.startswith(b"%PDF-")
        assert world.bj_employee.id_number not in r["Content-Disposition"]
    r = world.api["individual"].get(f"/persons/{world.bj_employee.pk}/certificates/other.pdf")
    assert r.status_code == 400
