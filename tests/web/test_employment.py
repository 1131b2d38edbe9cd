"""The unit's page to take a person on (增员), in Chinese and English."""

import datetime as dt
from html import unescape

import pytest

from medpause.common.dates import today
from medpause.registry.selectors import employments_of
from tests.cases.helpers import stop
from tests.factories import make_person, make_unit, make_user
from tests.web.conftest import assert_clean, day

pytestmark = pytest.mark.django_db


@pytest.fixture
def moving(db):
    """A Beijing employee of an old unit, who resigned 20 days ago (an approved, open stop), and
    the agent of the new unit."""
    old_unit = make_unit("110000", name="旧单位")
    person = make_person("110000", unit=old_unit, name="钱多", issued_on=today() - dt.timedelta(days=400))
    stop(make_user("unit_agent", unit=old_unit), person, "resignation", day(-20),
         approve_by=make_user("officer", region="110000"))
    new_unit = make_unit("110000", name="新单位")
    return person, new_unit, make_user("unit_agent", unit=new_unit)


def _post(client, agent, lang, **data):
    client.force_login(agent)
    return client.post("/unit/employees/add/", data, HTTP_ACCEPT_LANGUAGE=lang)


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ("Add an employee", "ID number", "First day of the employment")),
    ("zh-hans", ("增员", "身份证号", "入职")),
])
def test_the_page_in_both_languages(client, moving, lang, words):
    _person, _unit, agent = moving
    client.force_login(agent)
    home = client.get("/unit/", HTTP_ACCEPT_LANGUAGE=lang)
    assert 'href="/unit/employees/add/"' in home.content.decode()
    response = client.get("/unit/employees/add/", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert_clean(html)
    for word in words:
        assert word in html


def test_adding_an_employee_resumes_their_stop_and_shows_them(client, moving):
    person, new_unit, agent = moving
    response = _post(client, agent, "en", id_number=person.id_number.lower(), start_date=day(-2).isoformat())
    assert response.status_code == 302
    assert response["Location"] == f"/unit/employees/{person.pk}/"
    assert person.id_number not in response["Location"]
    assert [(p.unit_id, p.start_date) for p in employments_of(person=person)][-1] == (new_unit.pk, day(-2))
    suspension = person.suspensions.get()
    assert suspension.end_date == day(-3)
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "钱多" in page.content.decode()


def test_errors_are_shown_on_the_form(client, moving):
    person, _unit, agent = moving
    unknown = _post(client, agent, "en", id_number="11010519491231002X", start_date=day(0).isoformat())
    assert unknown.status_code == 422
    assert "No insured person with this ID number is registered in your unit" in unescape(unknown.content.decode())
    invalid = _post(client, agent, "zh-hans", id_number="123", start_date=day(0).isoformat())
    assert invalid.status_code == 422
    future = _post(client, agent, "zh-hans", id_number=person.id_number, start_date=day(3).isoformat())
    assert future.status_code == 422
    assert "开始日期最晚为今天" in unescape(future.content.decode())
    assert len(employments_of(person=person)) == 1
    # a person of another region is not found
    elsewhere = make_person("310000", category="flexible")
    other = _post(client, agent, "en", id_number=elsewhere.id_number, start_date=day(0).isoformat())
    assert other.status_code == 422 and len(employments_of(person=elsewhere)) == 1


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ("Your unit files the stop for you", 'Ask <span lang="zh-Hans">旧单位</span> to file the stop', "What you can do")),
    ("zh-hans", ("您的停保由单位为您办理", "请旧单位为您申请停保", "查看办理进度")),
])
def test_an_employee_s_own_wizard_explains_the_unit_files_for_them(client, lang, words):
    unit = make_unit("310000", name="旧单位")
    person = make_person("310000", unit=unit, name="孙在职")
    client.force_login(make_user("individual", person=person))
    response = client.get("/me/stop/reason/", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert_clean(html)
    for word in words:
        assert word in html
    assert 'name="reason"' not in html  # nothing to choose: the unit files it
