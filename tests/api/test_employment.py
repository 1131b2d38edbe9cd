"""POST/GET /api/v1/persons/{id}/employment and the look-up a new unit finds a person by."""

import datetime as dt

import pytest

from medpause.accounts.services import token_issue
from medpause.common.dates import today
from tests.api.conftest import Api, error_of
from tests.cases.helpers import stop
from tests.factories import make_person, make_unit, make_user

pytestmark = pytest.mark.django_db


def day(offset: int) -> str:
    return (today() + dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def hired(world):
    """A Beijing employee registered 400 days ago, a second Beijing unit and its agent."""
    person = make_person("110000", unit=world.bj_unit, name="陈新", issued_on=today() - dt.timedelta(days=400))
    new_unit = make_unit("110000", name="Beijing New Works")
    agent = make_user("unit_agent", unit=new_unit)
    return person, new_unit, Api(token_issue(user=agent))


def test_the_new_unit_finds_the_person_by_id_number_and_takes_them_on(world, hired):
    person, new_unit, new_api = hired
    found = new_api.post("/persons/lookup-to-employ", {"id_number": person.id_number.lower()})
    assert found.status_code == 200, found.content
    body = found.json()
    assert body == {"id": person.pk, "name": "陈*", "id_number": person.id_number_masked, "region": "110000"}
    assert person.id_number not in found.content.decode()
    # before: the person is not the new unit's to see
    assert new_api.get(f"/persons/{person.pk}").status_code == 404
    r = new_api.post(f"/persons/{person.pk}/employment",
                     {"unit_id": new_unit.pk, "start_date": day(0), "id_number": person.id_number})
    assert r.status_code == 201, r.content
    assert r.json() == [
        {"unit_id": world.bj_unit.pk, "category": "employee", "start_date": day(-400), "end_date": day(-1)},
        {"unit_id": new_unit.pk, "category": "employee", "start_date": day(0), "end_date": None},
    ]
    assert new_api.get(f"/persons/{person.pk}/employment").json() == r.json()
    assert new_api.get(f"/persons/{person.pk}").json()["unit_id"] == new_unit.pk
    # the old unit no longer sees the person
    assert world.api["unit_agent"].get(f"/persons/{person.pk}").status_code == 404
    assert world.api["unit_agent"].get(f"/persons/{person.pk}/employment").status_code == 404


def test_an_officer_makes_a_person_a_flexible_worker_and_the_stop_resumes(world, hired):
    person, _unit, _api = hired
    stop(world.users["unit_agent"], person, "resignation", today() - dt.timedelta(days=20),
         approve_by=world.users["officer"])
    r = world.api["officer"].post(f"/persons/{person.pk}/employment", {"unit_id": None, "start_date": day(-3)})
    assert r.status_code == 201, r.content
    assert r.json()[-1] == {"unit_id": None, "category": "flexible", "start_date": day(-3), "end_date": None}
    [suspension] = world.api["officer"].get(f"/persons/{person.pk}/suspensions").json()
    assert suspension["end_date"] == day(-4)
    resumption = world.api["officer"].get(f"/applications/{suspension['resume_application_id']}").json()
    assert (resumption["kind"], resumption["status"], resumption["start_date"]) == ("resume", "approved", day(-3))
    assert [h["status"] for h in resumption["history"]][-2:] == ["submitted", "approved"]
    assert "reasons.resignation.effect" in resumption["history"][-1]["note"]


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"unit_id": None, "start_date": "2099-01-01"}, 422, "invalid_dates"),
    ({"unit_id": None, "start_date": "1900-01-01"}, 422, "invalid_dates"),
    ({"unit_id": None, "start_date": "2026-13-01"}, 400, None),
    ({"unit_id": None, "start_date": "2026-01-01\u0000"}, 400, None),
    ({"unit_id": "1", "start_date": "2026-01-01"}, 400, None),
    ({"start_date": "2026-01-01"}, 400, None),
    ({"unit_id": 999999999, "start_date": "2026-01-01"}, 404, "not_found"),
    ([], 400, None),
])
def test_bad_input_is_a_clean_4xx(world, hired, body, status, code):
    person, _unit, _api = hired
    r = world.api["officer"].post(f"/persons/{person.pk}/employment", body)
    assert r.status_code == status, r.content
    error = error_of(r)
    if code:
        assert error["code"] == code


def test_who_may_not(world, hired):
    person, new_unit, new_api = hired
    body = {"unit_id": new_unit.pk, "start_date": day(0)}
    # without the ID number, or with another person's, the new unit does not reach the person
    assert new_api.post(f"/persons/{person.pk}/employment", body).status_code == 404
    other = world.bj_other.id_number
    assert new_api.post(f"/persons/{person.pk}/employment", {**body, "id_number": other}).status_code == 404
    # another unit's agent cannot take on for the new unit
    r = world.api["unit_agent"].post(f"/persons/{person.pk}/employment", {**body, "id_number": person.id_number})
    assert r.status_code == 404
    assert world.api["individual"].post(f"/persons/{person.pk}/employment", body).status_code == 403
    assert world.api["officer_sh"].post(f"/persons/{person.pk}/employment",
                                        {"unit_id": None, "start_date": day(0)}).status_code == 404
    # a unit finds only persons of its own region
    sh_api = world.api["unit_agent_sh"]
    assert sh_api.post("/persons/lookup-to-employ", {"id_number": person.id_number}).status_code == 404
    assert world.api["officer"].post("/persons/lookup-to-employ", {"id_number": person.id_number}).status_code == 403
    assert new_api.get(f"/persons/{person.pk}/employment").status_code == 404


def test_conflicts(world, hired):
    person, _unit, _api = hired
    r = world.api["officer"].post(f"/persons/{person.pk}/employment",
                                  {"unit_id": world.bj_unit.pk, "start_date": day(0)})
    assert r.status_code == 409 and error_of(r)["code"] == "already_employed"
    zh = Api(world.api["officer"].token, language="zh-hans")
    r = zh.post(f"/persons/{person.pk}/employment", {"unit_id": None, "start_date": day(5)})
    assert r.status_code == 422 and "今天" in error_of(r)["message"]


def test_a_unit_sees_the_stops_of_the_days_it_employed_the_person(world, hired):
    person, new_unit, new_api = hired
    stop(world.users["unit_agent"], person, "resignation", today() - dt.timedelta(days=20),
         approve_by=world.users["officer"])
    r = new_api.post(f"/persons/{person.pk}/employment",
                     {"unit_id": new_unit.pk, "start_date": day(-3), "id_number": person.id_number})
    assert r.status_code == 201, r.content
    # the stop of the days between the two jobs is not the new unit's; the bureau sees it
    assert new_api.get(f"/persons/{person.pk}/suspensions").json() == []
    assert len(world.api["officer"].get(f"/persons/{person.pk}/suspensions").json()) == 1
    # the resumption the new unit filed is its own to follow
    assert len(new_api.get("/applications").json()["items"]) == 1
