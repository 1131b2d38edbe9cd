"""In a browser: the session ends while an insured person fills in the stop wizard; the sign-in
page says why, and after signing in again they carry on at the step they were on, with what they
had entered."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from tests.e2e.helpers import LANGUAGES, PASSWORD, assert_language, is_zh, sign_in, wait_for_path


def _end_the_session(page, seconds: int) -> None:
    """Make the browser's session as old as `seconds` in the session store, as time would."""
    from django.contrib.sessions.backends.db import SessionStore

    from medpause.accounts.signals import SIGNED_IN_AT

    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=key)
    session[SIGNED_IN_AT] = time.time() - seconds
    session.save()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_wizard_survives_an_ended_session(page_for, transactional_db, language):
    from medpause.common.dates import today
    from tests.factories import make_person, make_user

    person = make_person("310000", category="flexible", name="李娜")
    user = make_user("individual", person=person, password=PASSWORD)
    page = page_for(language)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, user.username)
    page.goto(page.base_url + "/me/stop/reason/")
    page.locator("input[name=reason][value=flexible_pause]").check()
    page.locator("#continue-button").click()
    wait_for_path(page, "/me/stop/dates/")
    page.locator("#id_start_date").fill(today().isoformat())
    page.locator("#id_end_date").fill((today() + dt.timedelta(days=60)).isoformat())
    page.locator("#continue-button").click()
    wait_for_path(page, "/me/stop/note/")
    page.locator("#id_note").fill("回老家照顾父母")

    _end_the_session(page, 12 * 3600 + 5)
    page.locator("#continue-button").click()  # the note is posted into an ended session
    wait_for_path(page, "/login/")
    assert_language(page)
    notice = page.locator("#session-ended")
    assert notice.is_visible()
    assert ("12 小时" if is_zh(page) else "at most 12 hours") in notice.inner_text()

    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#sign-in-button").click()
    wait_for_path(page, "/me/stop/note/")  # back where they were
    assert ("已保存" if is_zh(page) else "were kept") in page.locator("main").inner_text()
    # the dates they gave were saved in the draft: the dates step shows them
    page.goto(page.base_url + "/me/stop/dates/")
    assert page.locator("#id_start_date").input_value() == today().isoformat()
