"""Dates on the pages: the wizard says how far ahead a stop may start and refuses a day more."""

from html import unescape

import pytest

from medpause.cases.models import Application, Suspension
from medpause.common.dates import add_months, today
from tests.cases.helpers import stop
from tests.factories import make_person, make_unit, make_user
from tests.printing.conftest import Pdf
from tests.web.conftest import assert_clean, day

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("lang", "sentence"), [
    ("en", "A stop may start at most 3 months ahead: the latest first day is {latest}."),
    ("zh-hans", "停保最多可提前 3 个月开始：最晚的开始日期是 {latest}。"),
])
def test_the_wizard_shows_the_latest_start_and_refuses_a_day_more(client, lang, sentence):
    unit = make_unit("110000")
    person = make_person("110000", unit=unit)
    client.force_login(make_user("unit_agent", unit=unit))
    client.cookies["django_language"] = lang
    base = f"/unit/employees/{person.pk}/stop"
    assert client.post(f"{base}/reason/", {"reason": "resignation"})["Location"] == f"{base}/dates/"
    latest = add_months(today(), 3)
    hint = unescape(client.get(f"{base}/dates/", HTTP_ACCEPT_LANGUAGE=lang).content.decode())
    assert latest.isoformat() in hint
    response = client.post(f"{base}/dates/", {"start_date": (latest + (day(1) - today())).isoformat(), "end_date": ""},
                           HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert_clean(html)
    assert sentence.format(latest=latest.isoformat()) in html
    assert 'href="#id_start_date"' in html  # the summary links to the field
    assert not Application.objects.filter(person=person).exists()
    response = client.post(f"{base}/dates/", {"start_date": latest.isoformat(), "end_date": ""})
    assert response.status_code == 302
    assert Application.objects.get(person=person).start_date == latest


# --- a stop approved but not begun is "scheduled", never current ---------------------------------


@pytest.fixture
def scheduled():
    """A Beijing employee whose unit's resignation stop from ten days on is approved."""
    unit = make_unit("110000", name="北京排期单位")
    person = make_person("110000", unit=unit, name="孙排期")
    agent, officer = make_user("unit_agent", unit=unit), make_user("officer", region="110000")
    stop(agent, person, "resignation", day(10), approve_by=officer)
    return person, agent, officer


def signed(client, user, lang="en"):
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


def html_of(client, url, lang="en") -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    html = response.content.decode()
    assert_clean(html)
    return unescape(html)


@pytest.mark.parametrize(("lang", "tag", "sentence"), [
    ("en", "Scheduled: not begun", "A stop is approved from {d}: the card works until the day before."),
    ("zh-hans", "已安排，尚未开始", "已批准自 {d} 起停保：在此之前医保卡仍可使用。"),
])
def test_the_persons_pages_show_the_stop_as_scheduled_and_the_card_active(client, scheduled, lang, tag, sentence):
    person, _agent, _officer = scheduled
    signed(client, make_user("individual", person=person), lang)
    start = day(10).isoformat()
    for url in ("/me/", "/me/coverage/"):
        html = html_of(client, url, lang)
        assert sentence.format(d=start) in html
        assert 'class="tag tag-active"' in html and 'class="tag tag-suspended"' not in html
    html = html_of(client, "/me/coverage/", lang)
    row = html.split('id="stop-periods"')[1]
    assert tag in row and start in row
    assert ("still stopped" if lang == "en" else "仍在停保") not in row


def test_the_unit_sees_the_scheduled_stop_in_its_list_and_on_the_employee(client, scheduled):
    person, agent, _officer = scheduled
    signed(client, agent)
    html = html_of(client, "/unit/")
    row = next(r for r in html.split("<tr>") if person.name in r)
    assert 'tag-active' in row and f"Stop scheduled from {day(10).isoformat()}" in row
    html = html_of(client, f"/unit/employees/{person.pk}/")
    assert "Scheduled: not begun" in html and 'id="scheduled-stop"' in html


def test_the_officer_person_page_shows_the_stop_as_scheduled(client, scheduled):
    person, _agent, officer = scheduled
    signed(client, officer)
    html = html_of(client, f"/officer/persons/{person.pk}/")
    status = html.split('id="card-status"')[1].split("</dd>")[0]
    assert "tag-active" in status
    assert f"from {day(10).isoformat()}" in html.split('id="scheduled-stop"')[1].split("</dd>")[0]
    assert "Scheduled: not begun" in html and "not yet resumed" not in html


def test_once_begun_the_stop_is_current_again(client, scheduled):
    person, _agent, _officer = scheduled
    Suspension.objects.filter(person=person).update(start_date=today())  # the start date has come
    signed(client, make_user("individual", person=person))
    html = html_of(client, "/me/coverage/")
    assert 'tag-suspended' in html and "still stopped" in html and "Scheduled" not in html
    assert 'id="scheduled-stop"' not in html


@pytest.mark.parametrize(("lang", "phrases"), [
    ("en", ["scheduled: not begun", "A stop of the insurance is approved from {d}: the card can be used until the day before."]),
    ("zh-hans", ["已安排，尚未开始", "已批准自{d}起停保：在此之前医保卡仍可使用。"]),
])
def test_the_participation_certificate_shows_the_stop_as_scheduled(client, scheduled, lang, phrases):
    person, _agent, _officer = scheduled
    signed(client, make_user("individual", person=person), lang)
    response = client.get("/me/certificates/participation.pdf", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    pdf = Pdf(b"".join(response.streaming_content) if response.streaming else response.content)
    for phrase in phrases:
        assert phrase.format(d=day(10).isoformat()) in pdf, phrase
    assert ("ongoing" if lang == "en" else "停保中") not in pdf
