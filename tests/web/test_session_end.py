"""A session that ends half-way through the wizard loses nothing that was saved: the sign-in page
says why the person has to sign in again, and after signing in the step they asked for carries on
with the draft the wizard had saved."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.test import Client

from medpause.accounts.signals import LAST_SEEN, SIGNED_IN_AT
from medpause.cases.models import Application
from medpause.cases.states import Status
from medpause.common.dates import today
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-9"


def _sign_in(client, user, lang="en"):
    response = client.post("/login/", {"username": user.username, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 302, response.content.decode()[:500]


def _age(client, **ago):
    session = client.session
    for key, seconds in ago.items():
        session[{"signed_in": SIGNED_IN_AT, "last_seen": LAST_SEEN}[key]] = time.time() - seconds
    session.save()


@pytest.fixture
def flexible():
    person = make_person("310000", category="flexible", name="李灵活")
    return person, make_user("individual", person=person, password=PASSWORD)


def test_a_first_sign_in_says_nothing_about_an_ended_session(client, db):
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="session-ended"' not in html


def test_the_wizard_survives_a_session_that_ends_half_way(flexible):
    person, user = flexible
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    _sign_in(client, user)
    assert client.post("/me/stop/reason/", {"reason": "flexible_pause"})["Location"] == "/me/stop/dates/"
    start = today()
    response = client.post("/me/stop/dates/", {"start_date": start.isoformat(),
                                              "end_date": (start + dt.timedelta(days=60)).isoformat()})
    assert response["Location"] == "/me/stop/note/"
    assert client.post("/me/stop/note/", {"note": "回老家两个月"})["Location"] == "/me/stop/documents/"

    _age(client, signed_in=12 * 3600 + 5)  # the session's absolute limit passes
    response = client.get("/me/stop/documents/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/me/stop/documents/")
    html = client.get(response["Location"]).content.decode()
    assert 'id="session-ended"' in html and "a session lasts at most 12 hours" in html
    assert "kept as a draft" in html

    response = client.post("/login/?next=/me/stop/documents/",
                           {"username": user.username, "password": PASSWORD, "next": "/me/stop/documents/"})
    assert response["Location"] == "/me/stop/documents/"
    page = client.get("/me/stop/documents/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Your answers so far were kept" in html
    (draft,) = Application.objects.filter(person=person, status=Status.DRAFT)
    assert draft.note == "回老家两个月" and draft.start_date == start
    # and on it goes: the step after the documents is reachable with the draft's answers
    assert client.get("/me/stop/dates/").status_code == 200


def test_an_officer_idle_too_long_is_told_so_in_chinese(db):
    officer = make_user("officer", region="310000", password=PASSWORD)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(officer)
    _age(client, signed_in=3600, last_seen=31 * 60)
    response = client.get("/officer/")
    html = client.get(response["Location"]).content.decode()
    assert 'id="session-ended"' in html and "30" in html
    # told once: the next visit to the page is a plain sign-in
    assert 'id="session-ended"' not in client.get("/login/").content.decode()


def test_a_session_gone_on_the_server_is_told_by_the_browser_marker(flexible):
    person, user = flexible
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    _sign_in(client, user)
    assert client.cookies["medpause_was_signed_in"].value == "1"
    client.session.flush()  # the server forgot the session (expired in the store)
    client.cookies.pop("sessionid", None)
    html = client.get("/login/").content.decode()
    assert "Your session has ended" in html


def test_signing_out_clears_the_marker(flexible):
    person, user = flexible
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    _sign_in(client, user)
    client.post("/logout/")
    assert client.cookies["medpause_was_signed_in"].value == ""
    assert 'id="session-ended"' not in client.get("/login/").content.decode()


def test_a_new_wizard_does_not_pick_up_another_users_draft(flexible):
    """The draft picked up is one this user saved for this person, never someone else's."""
    person, user = flexible
    officer = make_user("officer", region="310000")
    from medpause.cases.services import application_create

    application_create(actor=officer, kind="stop", person=person, reason="flexible_pause", start_date=today(),
                       end_date=today() + dt.timedelta(days=30))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    _sign_in(client, user)
    response = client.get("/me/stop/documents/")
    assert response.status_code == 302 and response["Location"] == "/me/stop/reason/"
