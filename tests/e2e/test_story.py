"""The whole story through the pages, in English and in Chinese.

A flexible worker in Shanghai signs in, applies to stop through the wizard (reason, dates,
note, an ID document, the consequences, check answers) and gets a reference. A Shanghai officer
approves it from the review queue with the document shown inline; the person's card is then
stopped. The next day the person applies to resume, the officer approves, and the card is active
again.

Chinese pages are checked on words that come from the core catalog (statuses, kinds), the policy
files (reason and region names) and, through the `web_text` fixture, on the web catalog's
Chinese for the web pages' own words.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from medpause.cases.models import Application
from tests.e2e.helpers import LANGUAGES, assert_language, goto, shoot, sign_in, sign_out, wait_for_path
from tests.factories import png_bytes

# Words of the core catalog and the policy files, already translated.
CORE = {
    "en": {"submitted": "Submitted", "approved": "Approved", "stop": "Stop", "resume": "Resume",
           "reason": "Flexible worker pauses paying", "region": "Shanghai"},
    "zh-CN": {"submitted": "已提交", "approved": "已通过", "stop": "停保", "resume": "恢复参保",
              "reason": "灵活就业人员暂停缴费", "region": "上海市"},
}


def _id_document(tmp_path) -> str:
    path = tmp_path / "id-card.png"
    path.write_bytes(png_bytes((40, 25)))
    return str(path)


def _upload_and_continue(page, tmp_path, t) -> None:
    """The documents step: one ID document for the `identity` group, then on."""
    t.expect_text(page.locator("h1"), "Upload your documents")
    kind = page.locator("#kind_identity")
    if kind.count():  # several kinds accepted: say which one this is (the first, an ID card)
        kind.select_option(index=0)
    page.locator("#file_identity").set_input_files(_id_document(tmp_path))
    page.locator("#continue-button").click()


def _officer_approves(page, people, reference: str, kind_word: str, core: dict, t) -> None:
    sign_in(page, people["officer"].username)
    goto(page, "/officer/")
    assert_language(page)
    t.expect_text(page.locator("h1"), "Review queue")
    row = page.locator("table.queue-table tbody tr", has=page.get_by_role("link", name=reference, exact=True))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(kind_word)
    expect(row).to_contain_text(core["submitted"])
    expect(row).to_contain_text("李娜")
    row.get_by_role("link", name=reference, exact=True).click()
    wait_for_path(page, r"/officer/applications/\d+/")
    expect(page.locator("h1")).to_contain_text(reference)
    expect(page.locator("#application-status")).to_have_text(core["submitted"])
    # The uploaded ID document is shown inside the page, and really loads.
    image = page.locator("article.document img.document-image")
    expect(image).to_have_count(1)
    expect(image).to_be_visible()
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=10000,
    )
    assert image.evaluate("img => img.naturalWidth") == 40
    page.locator("#approve-button").click()
    expect(page.locator("#application-status")).to_have_text(core["approved"])
    expect(page.locator("#approve-button")).to_have_count(0)
    sign_out(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_stop_and_resume_through_the_pages(page_for, people, clock, web_text, tmp_path, language):
    page = page_for(language)
    t = web_text(language)
    core = CORE[language]
    person = people["person"]
    shots = "zh" if language.startswith("zh") else "en"
    day = clock.today()
    end = day + dt.timedelta(days=60)

    # --- the individual applies to stop ------------------------------------------------
    sign_in(page, people["individual"].username)
    goto(page, "/me/")
    assert_language(page)
    expect(page.locator("body")).to_contain_text(core["region"])
    expect(page.locator("#card-status .tag-active")).to_have_count(1)
    t.expect_text(page.locator("#card-status .tag-active"), "Active")
    page.locator("#start-stop").click()

    wait_for_path(page, "/me/stop/reason/")
    assert_language(page)
    t.expect_text(page.locator("h1"), "Why should the insurance stop?")
    page.get_by_label(core["reason"], exact=True).check()
    page.locator("#continue-button").click()

    wait_for_path(page, "/me/stop/dates/")
    t.expect_text(page.locator("h1"), "When should the stop start and end?")
    page.locator("#id_start_date").fill(day.isoformat())
    page.locator("#id_end_date").fill(end.isoformat())
    page.locator("#continue-button").click()

    wait_for_path(page, "/me/stop/note/")
    page.locator("#id_note").fill("Back to paying in two months.")
    page.locator("#continue-button").click()

    wait_for_path(page, "/me/stop/documents/")
    _upload_and_continue(page, tmp_path, t)

    wait_for_path(page, "/me/stop/consequences/")
    t.expect_text(page.locator("h1"), "What stopping means for you")
    expect(page.locator("#consequences-list li").first).to_be_visible()
    page.locator("#id_acknowledge").check()
    page.locator("#continue-button").click()

    wait_for_path(page, "/me/stop/check/")
    t.expect_text(page.locator("h1"), "Check your answers before sending")
    answers = page.locator("#check-answers")
    expect(answers).to_contain_text(core["reason"])
    expect(answers).to_contain_text(day.isoformat())
    expect(answers).to_contain_text(end.isoformat())
    expect(answers).to_contain_text("Back to paying in two months.")
    expect(answers).to_contain_text(person.id_number_masked)
    assert person.id_number not in page.content(), "the full ID number is shown to the applicant"
    page.locator("#submit-application").click()

    wait_for_path(page, r"/me/applications/\d+/sent/")
    t.expect_text(page.locator("h1"), "Application sent")
    reference = page.locator("#reference").inner_text().strip()
    stop = Application.objects.get(person=person, kind="stop")
    assert reference == stop.reference and stop.status == "submitted"
    assert re.fullmatch(r"[A-Z0-9-]{6,}", reference), reference
    sign_out(page)

    # --- the officer approves; the card is stopped -----------------------------------------
    _officer_approves(page, people, reference, core["stop"], core, t)

    sign_in(page, people["individual"].username)
    goto(page, "/me/coverage/")
    assert_language(page)
    card = page.locator("#card-status")
    expect(card.locator(".tag-suspended")).to_have_count(1)
    t.expect_text(card.locator(".tag-suspended"), "Stopped")
    t.expect_text(card, "Insurance is stopped: the card cannot settle medical expenses.")
    period = page.locator("#stop-periods tbody tr")
    expect(period).to_have_count(1)
    expect(period).to_contain_text(core["reason"])
    expect(period).to_contain_text(day.isoformat())
    expect(period).to_contain_text(end.isoformat())
    t.expect_text(period, "still stopped")
    shoot(page, f"coverage-stopped-{shots}")

    # --- the next day, the individual applies to resume --------------------------------------
    clock.advance(1)
    resume_day = clock.today()
    goto(page, "/me/")
    expect(page.locator("#start-stop")).to_have_count(0)
    mine = page.locator("#applications-table tbody tr", has=page.get_by_role("link", name=reference, exact=True))
    expect(mine.locator(".tag-approved")).to_have_text(core["approved"])
    page.locator("#start-resume").click()

    wait_for_path(page, "/me/resume/dates/")
    assert_language(page)
    expect(page.locator("main")).to_contain_text(core["reason"])
    page.locator("#id_start_date").fill(resume_day.isoformat())
    page.locator("#continue-button").click()

    wait_for_path(page, "/me/resume/note/")
    page.locator("#continue-button").click()

    wait_for_path(page, "/me/resume/documents/")
    _upload_and_continue(page, tmp_path, t)

    wait_for_path(page, "/me/resume/check/")
    answers = page.locator("#check-answers")
    expect(answers).to_contain_text(resume_day.isoformat())
    page.locator("#submit-application").click()

    wait_for_path(page, r"/me/applications/\d+/sent/")
    resume_reference = page.locator("#reference").inner_text().strip()
    resume = Application.objects.get(person=person, kind="resume")
    assert resume_reference == resume.reference != reference
    sign_out(page)

    # --- the officer approves; the card works again ------------------------------------------
    _officer_approves(page, people, resume_reference, core["resume"], core, t)

    sign_in(page, people["individual"].username)
    goto(page, "/me/coverage/")
    card = page.locator("#card-status")
    expect(card.locator(".tag-active")).to_have_count(1)
    expect(card.locator(".tag-suspended")).to_have_count(0)
    t.expect_text(card.locator(".tag-active"), "Active")
    t.expect_text(card, "The card can be used to settle medical expenses.")
    period = page.locator("#stop-periods tbody tr")
    expect(period).to_have_count(1)
    # The stop ended the day before the resume date.
    expect(period.locator("td").nth(3)).to_have_text(day.isoformat())
    shoot(page, f"coverage-resumed-{shots}")
    t.assert_all_translated()
