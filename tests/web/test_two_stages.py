"""Two-stage review on the officer pages (Guilin): the queue says which stage waits, the first
approval is a check, and the officer who checked does not take the final decision."""

from html import unescape

import pytest

from medpause.cases.models import Application
from medpause.common.dates import today
from tests.cases.helpers import stop
from tests.factories import make_person, make_user
from tests.web.conftest import assert_clean

pytestmark = pytest.mark.django_db


def html_of(client, url, lang) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    html = response.content.decode()
    assert_clean(html)
    return unescape(html)


@pytest.mark.parametrize(("lang", "words"), [
    ("en", {"one": "Stage 1 of 2: check", "two": "Stage 2 of 2: final decision", "check": "Approve the first stage",
            "mine": "You approved the first stage"}),
    ("zh-hans", {"one": "第 1 步（共 2 步）：初审", "two": "第 2 步（共 2 步）：复审决定", "check": "初审通过",
                 "mine": "初审由您通过"}),
])
def test_the_two_stages_on_the_pages(client, lang, words):
    person = make_person("450300")
    app = stop(make_user("unit_agent", unit=person.unit), person, "resignation", today())
    first, second = make_user("officer", region="450300"), make_user("officer", region="450300")
    client.force_login(first)
    client.cookies["django_language"] = lang
    assert words["one"] in html_of(client, "/officer/", lang)
    url = f"/officer/applications/{app.pk}/"
    html = html_of(client, url, lang)
    assert words["check"] in html and 'id="stage-note"' in html
    assert client.post(f"{url}approve/", {"approve-note": ""}).status_code == 302
    assert Application.objects.get(pk=app.pk).status == "checked"
    assert words["two"] in html_of(client, "/officer/", lang)
    html = html_of(client, url, lang)
    assert words["mine"] in html and 'id="approve-button"' not in html and 'id="reject-button"' in html
    assert client.post(f"{url}approve/", {"approve-note": ""}).status_code == 403
    client.force_login(second)
    html = html_of(client, url, lang)
    assert 'id="approve-button"' in html and 'id="stage-waits"' in html and 'id="stage-note"' not in html
    assert client.post(f"{url}approve/", {"approve-note": "ok"}).status_code == 302
    assert Application.objects.get(pk=app.pk).status == "approved"
