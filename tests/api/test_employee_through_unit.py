"""An employee stops through their unit: an individual filing by a person employed by a unit on
the stop's first day -> 422 employee_must_file_through_unit, at the boundaries of employment."""

import datetime as dt

import pytest

from medpause.accounts.services import token_issue
from medpause.cases.services.employment import employment_start
from medpause.common.dates import add_months, today
from tests.api.conftest import Api, error_of
from tests.factories import make_person, make_unit, make_user

pytestmark = pytest.mark.django_db


def day(offset: int) -> dt.date:
    return today() + dt.timedelta(days=offset)


def file_stop(api, person, reason, start, end=None):
    body = {"kind": "stop", "person_id": person.pk, "reason": reason, "start_date": start.isoformat()}
    if end:
        body["end_date"] = end.isoformat()
    return api.post("/applications", body)


def test_an_employee_filing_alone_is_refused_in_both_languages_and_the_unit_may(world):
    person = world.sh_employee  # Shanghai follows the national baseline: filed_by names individuals
    me = make_user("individual", person=person)
    for lang, words in (("en", "the unit files the stop"), ("zh-hans", "由单位为其办理")):
        r = file_stop(Api(token_issue(user=me), language=lang), person, "resignation", day(0))
        assert r.status_code == 422, r.content
        error = error_of(r)
        assert error["code"] == "employee_must_file_through_unit"
        assert words in error["message"]
        assert error["details"]["unit_id"] == world.sh_unit.pk
    assert file_stop(world.api["unit_agent_sh"], person, "resignation", day(0)).status_code == 201
    assert file_stop(world.api["officer_sh"], person, "resignation", day(1)).status_code == 201


def test_employment_ending_the_day_before_the_start_allows_it(world):
    person = make_person("310000", unit=world.sh_unit, issued_on=day(-400))
    employment_start(person=person, unit=None, start_date=day(0), actor=world.users["officer_sh"])
    me = Api(token_issue(user=make_user("individual", person=person)))
    # on the first day of the stop they are a flexible worker: they file themselves
    r = file_stop(me, person, "flexible_pause", day(0), add_months(day(0), 3) - dt.timedelta(days=1))
    assert r.status_code == 201, r.content
    # a stop from the last day of the employment is still the unit's to file
    r = file_stop(me, person, "resignation", day(-1))
    assert r.status_code == 422 and error_of(r)["code"] == "employee_must_file_through_unit"


def test_employment_starting_on_the_start_date_refuses_it(world):
    person = make_person("310000", category="flexible", issued_on=day(-400))
    new_unit = make_unit("310000", name="Shanghai New Works")
    employment_start(person=person, unit=new_unit, start_date=day(0), actor=world.users["officer_sh"])
    me = Api(token_issue(user=make_user("individual", person=person)))
    r = file_stop(me, person, "resignation", day(0))
    assert r.status_code == 422 and error_of(r)["code"] == "employee_must_file_through_unit"
    # the day before, they were a flexible worker: resignation is not theirs, by category
    r = file_stop(me, person, "resignation", day(-1))
    assert r.status_code == 422 and error_of(r)["code"] == "reason_not_allowed_for_category"


def test_submit_judges_again_by_the_period_in_force_on_the_first_day(world):
    """A flexible worker's pause drafted, then a unit takes them on from its first day: the
    pause is no longer theirs (by category, the first rule that fails)."""
    person = make_person("310000", category="flexible", issued_on=day(-400))
    me_user = make_user("individual", person=person)
    me = Api(token_issue(user=me_user))
    r = file_stop(me, person, "flexible_pause", day(0), add_months(day(0), 3) - dt.timedelta(days=1))
    assert r.status_code == 201, r.content
    app_id = r.json()["id"]
    from medpause.cases.models import Application
    from tests.cases.helpers import upload_required

    upload_required(me_user, Application.objects.get(pk=app_id))
    employment_start(person=person, unit=make_unit("310000", name="Later Works"), start_date=day(0),
                     actor=world.users["officer_sh"])
    r = me.post(f"/applications/{app_id}/submit", {"consequences_acknowledged": True})
    assert r.status_code == 422
    assert error_of(r)["code"] == "reason_not_allowed_for_category"
