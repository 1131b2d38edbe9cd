"""Dates on the pages: the wizard says how far ahead a stop may start and refuses a day more."""

from html import unescape

import pytest

from medpause.cases.models import Application
from medpause.common.dates import add_months, today
from tests.factories import make_person, make_unit, make_user
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
