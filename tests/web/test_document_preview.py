"""The officer's inline preview of an uploaded PDF: server-drawn PNG pages on a page of their
own, in a sandboxed frame; the PDF itself never goes to the browser's viewer inline."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from PIL import Image

from medpause.audit.models import AuditEvent
from medpause.cases.services import application_create, application_submit, document_add
from medpause.common.dates import today
from tests.factories import PNG_1PX, make_person, make_user, pdf_bytes

pytestmark = pytest.mark.django_db


def application_with(data: bytes, kind: str = "passport"):
    person = make_person("110000", category="flexible")
    me = make_user("individual", person=person)
    app = application_create(actor=me, kind="stop", person=person, reason="flexible_pause", start_date=today(),
                             end_date=today() + dt.timedelta(days=60))
    document = document_add(actor=me, application=app, kind=kind, data=data, filename="scan")
    return application_submit(actor=me, application=app), document


@pytest.fixture
def officer(client):
    user = make_user("officer", region="110000")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


def test_the_application_page_frames_the_preview_in_a_sandbox(client, officer):
    app, doc = application_with(pdf_bytes("passport page"))
    html = client.get(f"/officer/applications/{app.pk}/").content.decode()
    frame = re.search(r"<iframe[^>]*>", html).group(0)
    assert f'src="/officer/applications/{app.pk}/documents/{doc.pk}/preview/"' in frame
    sandbox = re.search(r'sandbox="([^"]*)"', frame).group(1).split()
    assert "allow-scripts" not in sandbox and "allow-forms" not in sandbox and "allow-top-navigation" not in sandbox


def test_the_preview_shows_the_pages_as_images_under_a_strict_policy(client, officer):
    app, doc = application_with(pdf_bytes("passport page"))
    before = AuditEvent.objects.filter(action="document.view").count()
    preview = client.get(f"/officer/applications/{app.pk}/documents/{doc.pk}/preview/")
    assert preview.status_code == 200
    assert "script-src" not in preview["Content-Security-Policy"] and "default-src 'none'" in preview[
        "Content-Security-Policy"]
    html = preview.content.decode()
    assert "<script" not in html and "<iframe" not in html and "<embed" not in html and "<object" not in html
    [src] = re.findall(r'<img src="([^"]+)"', html)
    assert AuditEvent.objects.filter(action="document.view").count() == before + 1
    page = client.get(src)
    assert page.status_code == 200 and page["Content-Type"] == "image/png"
    assert page["X-Content-Type-Options"] == "nosniff" and page["Cache-Control"] == "private, no-store"
    import io

    with Image.open(io.BytesIO(page.content)) as image:
        assert image.size[0] == 1000 and image.size[1] > 1000  # an A4 page, portrait
    assert client.get(src.replace("/1.png", "/2.png")).status_code == 404  # a one-page PDF


def test_an_image_has_no_pdf_preview_and_others_do_not_find_it(client, officer):
    app, image = application_with(PNG_1PX, kind="id_card")
    assert client.get(f"/officer/applications/{app.pk}/documents/{image.pk}/preview/").status_code == 404
    other, doc = application_with(pdf_bytes("x"))
    elsewhere = make_user("officer", region="310000")
    client.force_login(elsewhere)
    assert client.get(f"/officer/applications/{other.pk}/documents/{doc.pk}/preview/").status_code == 404
    assert client.get(f"/officer/applications/{other.pk}/documents/{doc.pk}/pages/1.png").status_code == 404
