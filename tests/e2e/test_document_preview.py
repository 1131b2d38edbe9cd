"""In Chromium: the officer sees an uploaded PDF's pages inside the sandboxed preview frame (the
images load with the officer's session; nothing in the frame can run)."""

from __future__ import annotations

import datetime as dt

from medpause.cases.services import application_create, application_submit, document_add
from medpause.common.dates import today
from tests.e2e.helpers import PASSWORD, goto, sign_in
from tests.factories import make_person, make_user, pdf_bytes


def test_the_pdf_pages_show_in_the_sandboxed_frame(page_for):
    person = make_person("110000", category="flexible")
    me = make_user("individual", person=person, password=PASSWORD)
    app = application_create(actor=me, kind="stop", person=person, reason="flexible_pause", start_date=today(),
                             end_date=today() + dt.timedelta(days=60))
    document_add(actor=me, application=app, kind="passport", data=pdf_bytes("护照首页"), filename="passport.pdf")
    application_submit(actor=me, application=app)
    officer = make_user("officer", region="110000", password=PASSWORD)
    page = page_for("en")
    sign_in(page, officer.username)
    goto(page, f"/officer/applications/{app.pk}/")
    frame_element = page.locator("iframe.document-frame")
    frame_element.scroll_into_view_if_needed()
    assert "allow-scripts" not in (frame_element.get_attribute("sandbox") or "")
    frame = frame_element.content_frame
    image = frame.locator("img").first
    image.wait_for()
    page.wait_for_function(
        "el => el.complete && el.naturalWidth > 0", arg=image.element_handle(), timeout=15000,
    )
    assert image.evaluate("el => el.naturalWidth") == 1000
    assert frame.locator("a", has_text="Download the original file").count() == 1
