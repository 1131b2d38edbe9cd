"""The main pages on a phone, in both languages: at 320 CSS px (the narrowest phones) no page
scrolls sideways, whatever it holds (long file names, wide tables, visually hidden labels); at
390 px each page is saved as a screenshot for the README (docs/screenshots/<page>-phone-<lang>.png).
Wide tables scroll inside their own wrapper (tests/e2e/test_phone_tables.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.helpers import AUDIENCES, LANGUAGES, goto, shoot, sign_in, visit_main_pages

LONG_NAME = "身份证正反面扫描件-2026年11月-第二次补交-请以此份为准-scan-of-identity-card-front-and-back.png"

OVERFLOW = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  // what sticks out past the right edge (to name the culprit when the page does not fit),
  // the widest first, leaving out what a scrolling table wrapper holds in
  const out = [...document.querySelectorAll('body *')].filter(el => {
    const box = el.getBoundingClientRect();
    const wrap = el.closest('.table-wrap');
    const text = getComputedStyle(el).overflowX === 'visible' && el.scrollWidth > el.clientWidth + 1;
    return box.width > 0 && (box.right > width + 1 || text) && !(wrap && wrap.getBoundingClientRect().right <= width + 1);
  }).sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right).slice(0, 6).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                     (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''));
  return {fits: root.scrollWidth <= width, scrollWidth: root.scrollWidth, width, out};
}"""


def _check_and_shoot(page, suffix: str, problems: list[str]):
    def on_page(name: str) -> None:
        page.set_viewport_size({"width": 320, "height": 720})
        measured = page.evaluate(OVERFLOW)
        if not measured["fits"]:
            problems.append(f"{name} ({page.url}) at 320 px: {measured}")
        page.set_viewport_size({"width": 390, "height": 844})
        shoot(page, f"{name}-phone-{suffix}")

    return on_page


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_main_pages_fit_a_phone(page_for, site, language, audience):
    page = page_for(language)
    page.set_viewport_size({"width": 390, "height": 844})
    problems: list[str] = []
    visited = visit_main_pages(page, site, audience, _check_and_shoot(page, language[:2], problems))
    assert visited
    assert not problems, "pages wider than a phone:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_application_pages_with_a_long_file_name_fit_a_phone(page_for, site, language):
    """The applicant's and the officer's application page, with a file name longer than the
    screen is wide, and a document table with its visually hidden "Download" labels."""
    from medpause.cases.services import application_create, application_submit, document_add
    from medpause.common.dates import today
    from tests.factories import make_person, make_user, png_bytes

    person = make_person("310000", category="flexible", name="欧阳明")
    me = make_user("individual", person=person, password="correct-horse-9")
    app = application_create(actor=me, kind="stop", person=person, reason="flexible_pause", start_date=today(),
                             end_date=today() + dt.timedelta(days=40))
    document_add(actor=me, application=app, kind="id_card", data=png_bytes((60, 40)), filename=LONG_NAME)
    app = application_submit(actor=me, application=app, consequences_acknowledged=True)

    problems: list[str] = []
    page = page_for(language)
    check = _check_and_shoot(page, language[:2], problems)
    sign_in(page, me.username)
    goto(page, f"/me/applications/{app.pk}/")
    check("application-detail")
    page.context.clear_cookies()
    sign_in(page, site["officer"].username)
    goto(page, f"/officer/applications/{app.pk}/")
    check("officer-application-long-name")
    assert not problems, "pages wider than a phone:\n" + "\n".join(problems)
