"""A file uploaded by mistake can be removed before submitting; what the bureau has seen stays;
the page states the formats and the size limit before the upload."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medpause.audit.models import AuditEvent
from medpause.cases.models import Document
from medpause.cases.services import application_request_supplement, document_add, document_remove
from medpause.common.errors import Conflict, Forbidden
from tests.factories import PNG_1PX, make_person, make_user, pdf_bytes
from tests.web.conftest import assert_clean, day, stop_submitted

pytestmark = pytest.mark.django_db


def text(response) -> str:
    html = response.content.decode()
    assert_clean(html)
    return unescape(html)


def to_documents_step(client, user):
    client.force_login(user)
    client.post("/me/stop/reason/", {"reason": "schooling"}, HTTP_ACCEPT_LANGUAGE="en")
    client.post("/me/stop/dates/", {"start_date": day(0).isoformat(), "end_date": day(100).isoformat()})
    client.post("/me/stop/note/", {"note": ""})


def test_a_file_uploaded_by_mistake_is_removed_before_submitting(client, beijing_individual,
                                                                  django_capture_on_commit_callbacks):
    person, user = beijing_individual
    to_documents_step(client, user)
    wrong = SimpleUploadedFile("holiday-photo.png", PNG_1PX, content_type="image/png")
    client.post("/me/stop/documents/", {"action": "upload", "file_identity": wrong, "kind_identity": "passport"})
    document = Document.objects.get(application__person=person)
    stored = document.file.name
    html = text(client.get("/me/stop/documents/", HTTP_ACCEPT_LANGUAGE="en"))
    assert f'name="remove" value="{document.pk}"' in html and "holiday-photo.png" in html
    assert "PDF, JPG or PNG, at most 10 MB" in html  # said before anything is chosen
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the removal commits
        response = client.post("/me/stop/documents/", {"remove": str(document.pk)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == "/me/stop/documents/"
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not document.file.storage.exists(stored)  # the file went with it
    after = text(client.get("/me/stop/documents/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "The file was removed." in after and "holiday-photo.png" not in after
    event = AuditEvent.objects.filter(action="document.remove").get()
    assert event.data["document_id"] == document.pk and event.data["sha256"] == document.sha256


def test_what_the_bureau_has_seen_stays_and_only_the_applicant_removes(beijing_individual):
    person, user = beijing_individual
    app = stop_submitted(user, person, "schooling", day(0), day(100))
    seen = app.documents.first()
    with pytest.raises(Conflict):
        document_remove(actor=user, application=app, document_id=seen.pk)
    officer = make_user("officer", region="110000")
    application_request_supplement(actor=officer, application=app, reason="Blurred.", documents=["identity"])
    app.refresh_from_db()
    with pytest.raises(Conflict):  # asked for more, the first files still stay
        document_remove(actor=user, application=app, document_id=seen.pk)
    added = document_add(actor=user, application=app, kind="id_card", data=pdf_bytes("new"), filename="new.pdf")
    with pytest.raises(Forbidden):
        document_remove(actor=officer, application=app, document_id=added.pk)
    document_remove(actor=user, application=app, document_id=added.pk)  # added since the request: it may go
    assert not Document.objects.filter(pk=added.pk).exists()
    assert Document.objects.filter(pk=seen.pk).exists()


def test_the_supplement_page_offers_removal_only_of_the_new_files(client, beijing_individual):
    person, user = beijing_individual
    app = stop_submitted(user, person, "schooling", day(0), day(100))
    officer = make_user("officer", region="110000")
    application_request_supplement(actor=officer, application=app, reason="Blurred.", documents=["identity"])
    added = document_add(actor=user, application=app, kind="id_card", data=pdf_bytes("new"), filename="new.pdf")
    client.force_login(user)
    html = text(client.get(f"/me/applications/{app.pk}/more-documents/", HTTP_ACCEPT_LANGUAGE="en"))
    removable = [d.pk for d in app.documents.all() if f'name="remove" value="{d.pk}"' in html]
    assert removable == [added.pk]
    response = client.post(f"/me/applications/{app.pk}/more-documents/", {"remove": str(added.pk)})
    assert response.status_code == 302
    assert not Document.objects.filter(pk=added.pk).exists()


def test_after_more_documents_the_old_one_is_marked_replaced(client, beijing_individual):
    person, user = beijing_individual
    app = stop_submitted(user, person, "schooling", day(0), day(100))
    officer = make_user("officer", region="110000")
    first = next(d for d in app.documents.all() if d.kind in ("id_card", "passport", "household_register"))
    others = [d.pk for d in app.documents.all() if d.pk != first.pk]
    application_request_supplement(actor=officer, application=app, reason="Blurred.", documents=["identity"])
    client.force_login(user)
    detail = text(client.get(f"/me/applications/{app.pk}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert f'id="replaced-{first.pk}"' not in detail  # nothing new yet: nothing replaced
    new = document_add(actor=user, application=app, kind="id_card", data=pdf_bytes("sharp"), filename="sharp.pdf")
    detail = text(client.get(f"/me/applications/{app.pk}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert f'id="replaced-{first.pk}"' in detail and "Replaced" in detail
    assert f'id="replaced-{new.pk}"' not in detail
    assert not any(f'id="replaced-{pk}"' in detail for pk in others)
    client.force_login(make_user("officer", region="110000"))
    seen = text(client.get(f"/officer/applications/{app.pk}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert f'id="replaced-{first.pk}"' in seen and f'id="replaced-{new.pk}"' not in seen


def test_nobody_removes_a_file_of_an_application_they_cannot_see(client, shanghai_flexible):
    person, user = shanghai_flexible
    app = stop_submitted(user, person, "flexible_pause", day(0), day(60))
    before = app.documents.count()
    stranger = make_user("individual", person=make_person("310000", category="flexible"))
    client.force_login(stranger)
    response = client.post(f"/me/applications/{app.pk}/more-documents/", {"remove": str(app.documents.first().pk)})
    assert response.status_code == 404
    assert app.documents.count() == before
    client.force_login(user)  # a remove that is not a number changes nothing and answers cleanly
    assert client.post("/me/stop/documents/", {"remove": "\x00"}).status_code in (200, 302, 400)
    assert app.documents.count() == before
