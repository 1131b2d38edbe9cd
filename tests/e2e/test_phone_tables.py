"""At a phone's width (390 CSS px) a wide table scrolls inside its wrapper: the page never
scrolls sideways, no heading is squeezed onto several lines, and no cell is squeezed narrower
than a few characters."""

from __future__ import annotations

import datetime as dt

from tests.e2e.helpers import PASSWORD, goto, sign_in

MEASURE = """() => {
  const table = document.querySelector('.table-wrap .table');
  const heads = [...table.querySelectorAll('th')].map(th => {
    const lines = th.getBoundingClientRect().height / parseFloat(getComputedStyle(th).lineHeight);
    return [th.innerText.trim(), lines];
  });
  const fontSize = parseFloat(getComputedStyle(table).fontSize);
  const narrowest = Math.min(...[...table.querySelectorAll('tbody td')].map(td => td.getBoundingClientRect().width));
  return {heads, narrowestInEm: narrowest / fontSize,
          pageFits: document.documentElement.scrollWidth <= document.documentElement.clientWidth};
}"""


def test_the_officer_queue_holds_up_on_a_phone(page_for):
    from medpause.cases.services import application_create, application_submit
    from medpause.common.dates import today
    from tests.factories import make_person, make_user
    from tests.web.conftest import upload_required

    for name in ("王静", "赵磊"):
        person = make_person("110000", category="flexible", name=name)
        me = make_user("individual", person=person)
        app = application_create(actor=me, kind="stop", person=person, reason="flexible_pause", start_date=today(),
                                 end_date=today() + dt.timedelta(days=60))
        upload_required(me, app)
        application_submit(actor=me, application=app)
    officer = make_user("officer", region="110000", password=PASSWORD)
    page = page_for("zh-CN")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, officer.username)
    goto(page, "/officer/")
    measured = page.evaluate(MEASURE)
    assert measured["pageFits"], "the page scrolls sideways"
    squeezed = [text for text, lines in measured["heads"] if lines >= 1.9]
    assert not squeezed, squeezed
    assert measured["narrowestInEm"] >= 4.5, measured
