"""The public progress look-up in a browser, in both languages, at a phone's width: no sign-in,
the receipt's reference and the ID number's ending find the application; the pages have no
serious accessibility violations."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.helpers import LANGUAGES, assert_language, goto, is_zh, shoot


@pytest.fixture
def submitted(transactional_db):
    from medpause.cases.services import application_create, application_submit
    from medpause.common.dates import today
    from tests.factories import make_person, make_user
    from tests.web.conftest import upload_required

    person = make_person("310000", category="flexible", name="李娜")
    me = make_user("individual", person=person)
    app = application_create(actor=me, kind="stop", person=person, reason="flexible_pause", start_date=today(),
                             end_date=today() + dt.timedelta(days=60))
    upload_required(me, app)
    return person, application_submit(actor=me, application=app)


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    return [v["id"] for v in Axe().run(page).response["violations"] if v.get("impact") in {"serious", "critical"}]


@pytest.mark.parametrize("language", LANGUAGES)
def test_progress_is_found_without_signing_in_on_a_phone(page_for, submitted, language):
    person, app = submitted
    page = page_for(language)
    page.set_viewport_size({"width": 390, "height": 844})
    goto(page, "/")
    page.locator("#home-progress").click()
    page.wait_for_url("**/progress/")
    assert_language(page)
    assert not _serious(page)
    # a mistyped ending: the error summary names the field
    page.locator("#id_reference").fill(app.reference.lower())
    page.locator("#id_id_number_last6").fill("12")
    page.locator("#progress-submit").click()
    assert page.locator("#error-summary").is_visible()
    page.locator("#id_id_number_last6").fill(person.id_number[-6:])
    page.locator("#progress-submit").click()
    page.locator("#progress-details").wait_for()
    assert page.locator("#progress-reference").inner_text().strip() == app.reference
    assert page.locator("#progress-status").inner_text().strip() == ("已提交" if is_zh(page) else "Submitted")
    assert page.locator("#progress-due").inner_text().strip() == app.due_date.isoformat()
    assert person.id_number[-6:] not in page.url and app.reference not in page.url  # POSTed, never in a URL
    # nothing runs off the side of a phone's screen
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert not _serious(page)
    shoot(page, f"progress-phone-{'zh' if is_zh(page) else 'en'}")
