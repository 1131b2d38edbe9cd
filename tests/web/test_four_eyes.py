"""Four eyes on the officer's application page: the officer who filed an application at the
counter sees why they may not decide it, in both languages, and a forced POST is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import resolve, reverse

from medpause.cases.models import Application
from medpause.common.dates import today
from tests.factories import make_person, make_user
from tests.web.conftest import assert_clean, stop_submitted

pytestmark = pytest.mark.django_db

DECISIONS = ('id="approve-button"', 'id="reject-button"', 'id="supplement-button"')


def url(name: str, *args) -> str:
    return reverse(f"{resolve('/officer/').namespace}:{name}", args=args)


@pytest.fixture
def counter_app():
    person = make_person("310000", category="flexible")
    filer, other = make_user("officer", region="310000"), make_user("officer", region="310000")
    app = stop_submitted(filer, person, "flexible_pause", today(), today() + dt.timedelta(days=60))
    return app, filer, other


@pytest.mark.parametrize(("lang", "sentence"), [
    ("en", "another officer of the region must decide it"),
    ("zh-hans", "须由本地区的另一位经办人员作出决定"),
])
def test_the_filer_sees_no_decision_buttons_but_why(client, counter_app, lang, sentence):
    app, filer, _ = counter_app
    client.force_login(filer)
    response = client.get(url("application", app.pk), HTTP_ACCEPT_LANGUAGE=lang)
    html = response.content.decode()
    assert response.status_code == 200
    assert_clean(html)
    assert 'id="four-eyes"' in html and sentence in html
    assert not any(button in html for button in DECISIONS)
    assert 'id="take-button"' in html  # taking into review decides nothing


def test_another_officer_sees_the_decisions(client, counter_app):
    app, _, other = counter_app
    client.force_login(other)
    html = client.get(url("application", app.pk), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="four-eyes"' not in html
    assert all(button in html for button in DECISIONS)


@pytest.mark.parametrize(("action", "data"), [
    ("approve", {"approve-note": ""}),
    ("reject", {"reject-reason": "Not in order."}),
    ("request_supplement", {"supplement-reason": "Clearer copy.", "supplement-documents": ["identity"]}),
])
def test_a_forced_post_by_the_filer_is_refused_with_a_clear_message(client, counter_app, action, data):
    app, filer, _ = counter_app
    client.force_login(filer)
    response = client.post(url(action, app.pk), data, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 403
    assert "four_eyes" in html and "another officer must decide it" in html
    assert Application.objects.get(pk=app.pk).status == "submitted"
