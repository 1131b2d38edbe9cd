"""The public progress look-up page (/progress/): no sign-in, POSTed, in both languages."""

from html import unescape

import pytest

from medpause.cases.selectors.progress import PROGRESS_RATE
from tests.web.conftest import assert_clean, day, page, stop_submitted

pytestmark = pytest.mark.django_db


def text(response) -> str:
    html = response.content.decode()
    assert_clean(html)
    return unescape(html)


@pytest.fixture
def submitted(shanghai_flexible):
    person, me = shanghai_flexible
    return stop_submitted(me, person, "flexible_pause", day(0), day(60))


def look_up(client, reference, last6, lang="en", **extra):
    return client.post("/progress/", {"reference": reference, "id_number_last6": last6},
                       HTTP_ACCEPT_LANGUAGE=lang, **extra)


@pytest.mark.parametrize(("lang", "phrases"), [
    ("en", ["Check the progress of an application", "Application reference", "Last six characters of the ID number"]),
    ("zh-hans", ["办件进度查询", "申请编号", "身份证号码后六位"]),
])
def test_the_form_asks_for_the_reference_and_the_id_ending(client, lang, phrases):
    response = page(client, "/progress/", lang)
    assert response.status_code == 200
    html = text(response)
    for phrase in phrases:
        assert phrase in html, phrase
    assert 'method="post"' in html and 'action="/progress/"' in html  # never in a URL


@pytest.mark.parametrize(("lang", "phrases"), [
    ("en", ["Progress of the application", "Submitted", "Review due by", "will review it by the date above"]),
    ("zh-hans", ["办理进度", "已提交", "审核截止日期"]),
])
def test_a_right_pair_shows_where_the_application_stands(client, submitted, lang, phrases):
    person = submitted.person
    response = look_up(client, submitted.reference.lower(), person.id_number[-6:], lang)
    assert response.status_code == 200
    html = text(response)
    for phrase in phrases:
        assert phrase in html, phrase
    assert submitted.reference in html and submitted.due_date.isoformat() in html
    assert person.id_number not in html and person.name not in html  # nothing personal


def test_a_wrong_pair_answers_404_with_the_form_again(client, submitted):
    response = look_up(client, submitted.reference, "000000")
    assert response.status_code == 404
    html = text(response)
    assert "No application found" in html and 'id="id_reference"' in html
    assert "Error:" in html.split("</title>")[0]


def test_what_was_typed_wrong_is_said_in_the_error_summary(client):
    html = text(look_up(client, "ABC", "12"))
    assert "There is a problem" in html
    assert "A reference is TB or HF" in html and "five digits and a digit or X" in html
    html = text(look_up(client, "", "", "zh-hans"))
    assert "请输入申请编号" in html


def test_look_ups_are_throttled_per_client(client, submitted):
    limit, _period = PROGRESS_RATE
    for _ in range(limit):
        assert look_up(client, submitted.reference, "000000", REMOTE_ADDR="203.0.113.5").status_code == 404
    response = look_up(client, submitted.reference, submitted.person.id_number[-6:], REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert "Too many applications were looked up from this address" in text(response)
    other = look_up(client, submitted.reference, submitted.person.id_number[-6:], REMOTE_ADDR="198.51.100.5")
    assert other.status_code == 200


def test_the_home_page_and_every_footer_lead_to_it(client):
    assert 'href="/progress/"' in text(page(client, "/"))
    assert '<a href="/progress/" id="footer-progress">' in text(page(client, "/guide/"))
