"""The insured person's pages: coverage, the stop and resume wizards, tracking, rights."""

import datetime as dt
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medpause.cases.models import Application
from medpause.cases.services import application_approve, application_request_supplement
from medpause.common.dates import add_months, today
from medpause.coverage.services import contribution_record
from tests.factories import make_person, make_unit, make_user, pdf_bytes, png_bytes
from tests.web.conftest import assert_clean, day, page, stop_submitted

pytestmark = pytest.mark.django_db


def png(name="scan.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def text(response) -> str:
    html = response.content.decode()
    assert_clean(html)
    return unescape(html)


def signed_in(client, user, lang="en"):
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


def walk_stop_wizard(client, reason, start, end=None, note="", files=None):
    """Answer every page of the stop wizard; returns the response of the last POST."""
    assert client.get("/me/stop/")["Location"] == "/me/stop/reason/"
    assert client.post("/me/stop/reason/", {"reason": reason})["Location"] == "/me/stop/dates/"
    response = client.post("/me/stop/dates/", {"start_date": start.isoformat(),
                                              "end_date": end.isoformat() if end else ""})
    assert response.status_code == 302, text(response)
    assert client.post("/me/stop/note/", {"note": note})["Location"] == "/me/stop/documents/"
    response = client.post("/me/stop/documents/", {"action": "continue", **(files or {})})
    assert response.status_code == 302, text(response)
    assert client.post("/me/stop/consequences/", {"acknowledge": "on"})["Location"] == "/me/stop/check/"
    return client.post("/me/stop/check/")


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/me/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/me/")


def test_sign_in_and_sign_out(client, beijing_employee):
    person, user = beijing_employee
    response = client.post("/login/", {"username": user.username, "password": "correct-horse-9"})
    assert response.status_code == 302 and response["Location"] == "/me/"  # their own portal
    html = page(client, "/", "en").content.decode()
    assert person.name in html and 'action="/logout/"' in html and 'href="/me/"' in html
    assert client.post("/logout/").status_code == 302
    assert client.get("/me/").status_code == 302


def test_other_roles_cannot_open_the_personal_pages(client):
    unit = make_unit("110000")
    signed_in(client, make_user("unit_agent", unit=unit))
    assert client.get("/me/").status_code == 403


def test_my_insurance_shows_card_status_and_masked_id_in_both_languages(client, beijing_employee):
    person, user = beijing_employee
    signed_in(client, user, "en")
    html = text(page(client, "/me/"))
    assert person.card.number in html
    assert person.id_number_masked in html and person.id_number not in html
    assert "Active" in html and 'id="start-stop"' in html
    assert 'id="start-resume"' not in html
    signed_in(client, user, "zh-hans")
    zh = text(page(client, "/me/"))
    assert 'lang="zh-Hans"' in zh and "北京市" in zh


def test_coverage_page_shows_employer_and_employee_shares(client, beijing_employee):
    person, user = beijing_employee
    contribution_record(person=person, month=today().replace(day=1))
    signed_in(client, user)
    html = text(page(client, "/me/coverage/"))
    c = person.contributions.get()
    assert str(c.employer_amount) in html and str(c.employee_amount) in html
    assert "Article 23" in html and "Employer share" in html and "Employee share" in html
    assert person.id_number not in html


def test_the_full_stop_wizard_creates_and_submits_an_application(client, beijing_individual):
    person, user = beijing_individual
    signed_in(client, user)
    reasons = text(page(client, "/me/stop/reason/"))
    assert 'value="schooling"' in reasons and 'value="resignation"' not in reasons
    assert "Only a unit (employer) can file this, for its employees." in reasons  # paying alone now
    client.post("/me/stop/reason/", {"reason": "schooling"})
    dates = text(page(client, "/me/stop/dates/"))
    assert "at most 72 months" in dates and "The earliest first day is" in dates
    client.post("/me/stop/dates/", {"start_date": day(0).isoformat(), "end_date": day(300).isoformat()})
    app = Application.objects.get(person=person)
    assert app.status == "draft" and app.reason == "schooling"
    client.post("/me/stop/note/", {"note": "Going to university."})
    docs = text(page(client, "/me/stop/documents/"))
    assert 'accept=".pdf,.jpg,.jpeg,.png"' in docs and 'id="file_schooling"' in docs
    assert "Certificate of participation" in docs and "you don't need to bring this" in docs
    response = client.post("/me/stop/documents/", {
        "action": "continue", "kind_identity": "id_card", "file_identity": png(),
        "kind_card": "medical_insurance_card", "file_card": png(), "file_schooling": png("admission.png"),
    })
    assert response["Location"] == "/me/stop/consequences/"
    consequences = text(page(client, "/me/stop/consequences/"))
    assert "cannot settle or reimburse medical expenses" in consequences
    client.post("/me/stop/consequences/", {"acknowledge": "on"})
    check = text(page(client, "/me/stop/check/"))
    assert "Going to university." in check and 'href="/me/stop/reason/"' in check and 'id="change-documents"' in check
    response = client.post("/me/stop/check/")
    app.refresh_from_db()
    assert app.status == "submitted" and app.documents.count() == 3 and app.consequences_acknowledged_at
    assert response["Location"] == f"/me/applications/{app.pk}/sent/"
    done = text(page(client, response["Location"]))
    assert app.reference in done and app.due_date.isoformat() in done
    assert client.get("/me/stop/check/")["Location"] == "/me/stop/reason/"  # the wizard starts afresh


def test_wizard_pages_cannot_be_skipped(client, beijing_individual):
    _person, user = beijing_individual
    signed_in(client, user)
    assert client.get("/me/stop/check/")["Location"] == "/me/stop/reason/"
    client.post("/me/stop/reason/", {"reason": "schooling"})
    assert client.get("/me/stop/documents/")["Location"] == "/me/stop/dates/"


def test_reason_is_required(client, beijing_individual):
    signed_in(client, beijing_individual[1])
    html = text(client.post("/me/stop/reason/", {}))
    assert 'class="error-summary"' in html and 'href="#id_reason_0"' in html


def test_a_start_date_too_far_back_is_shown_on_the_start_date_field(client, beijing_individual):
    signed_in(client, beijing_individual[1])
    client.post("/me/stop/reason/", {"reason": "schooling"})
    response = client.post("/me/stop/dates/", {"start_date": day(-61).isoformat(), "end_date": day(100).isoformat()})
    html = text(response)
    assert response.status_code == 200
    assert 'href="#id_start_date"' in html and "at most 60 days in the past" in html
    assert 'aria-describedby="id_start_date-hint id_start_date-error"' in html
    assert not Application.objects.exists()


def test_a_stop_longer_than_the_limit_is_shown_on_the_end_date_field(client, shanghai_flexible):
    signed_in(client, shanghai_flexible[1])
    client.post("/me/stop/reason/", {"reason": "flexible_pause"})
    html = text(client.post("/me/stop/dates/", {"start_date": day(0).isoformat(),
                                                 "end_date": add_months(day(0), 8).isoformat()}))
    assert 'href="#id_end_date"' in html and "at most 6 months" in html
    html = text(client.post("/me/stop/dates/", {"start_date": day(0).isoformat(), "end_date": ""}))
    assert 'href="#id_end_date"' in html and "Enter the last day of the stop." in html
    html = text(client.post("/me/stop/dates/", {"start_date": "2026-02-30", "end_date": ""}))
    assert 'href="#id_start_date"' in html


def test_an_overlapping_stop_is_shown_in_the_summary(client, paused_shanghai):
    _person, user, _officer, _suspension = paused_shanghai
    signed_in(client, user)
    client.post("/me/stop/reason/", {"reason": "flexible_pause"})
    html = text(client.post("/me/stop/dates/", {"start_date": day(10).isoformat(),
                                                 "end_date": day(40).isoformat()}))
    assert 'class="error-summary"' in html and "overlaps a stop already recorded" in html


def test_continuing_with_missing_documents_lists_each_missing_group(client, beijing_individual):
    signed_in(client, beijing_individual[1])
    client.post("/me/stop/reason/", {"reason": "schooling"})
    client.post("/me/stop/dates/", {"start_date": day(0).isoformat(), "end_date": day(100).isoformat()})
    client.post("/me/stop/note/", {"note": ""})
    response = client.post("/me/stop/documents/", {"action": "continue", "file_identity": png(),
                                                    "kind_identity": "passport"})
    html = text(response)
    assert response.status_code == 200
    assert 'href="#file_card"' in html and 'href="#file_schooling"' in html and 'href="#file_identity"' not in html
    response = client.post("/me/stop/documents/", {"action": "upload", "file_card": SimpleUploadedFile(
        "x.txt", b"hello", content_type="text/plain"), "kind_card": "social_security_card"})
    html = text(response)
    assert 'href="#file_card"' in html and "Only PDF, JPEG and PNG files" in html


def test_the_consequences_must_be_acknowledged(client, beijing_individual):
    signed_in(client, beijing_individual[1])
    client.post("/me/stop/reason/", {"reason": "schooling"})
    client.post("/me/stop/dates/", {"start_date": day(0).isoformat(), "end_date": day(100).isoformat()})
    client.post("/me/stop/note/", {"note": ""})
    client.post("/me/stop/documents/", {"action": "continue", "file_identity": png(), "kind_identity": "id_card",
                                        "file_card": png(), "kind_card": "medical_insurance_card",
                                        "file_schooling": SimpleUploadedFile("a.pdf", pdf_bytes())})
    html = text(client.post("/me/stop/consequences/", {}))
    assert 'href="#id_acknowledge"' in html
    assert client.get("/me/stop/check/")["Location"] == "/me/stop/consequences/"


def test_changing_the_dates_from_check_your_answers_updates_the_draft(client, beijing_individual):
    person, user = beijing_individual
    signed_in(client, user)
    files = {"file_identity": png(), "kind_identity": "id_card", "file_card": png(),
             "kind_card": "medical_insurance_card", "file_schooling": png()}
    client.post("/me/stop/reason/", {"reason": "schooling"})
    client.post("/me/stop/dates/", {"start_date": day(0).isoformat(), "end_date": day(100).isoformat()})
    client.post("/me/stop/note/", {"note": ""})
    client.post("/me/stop/documents/", {"action": "continue", **files})
    client.post("/me/stop/consequences/", {"acknowledge": "on"})
    response = client.post("/me/stop/dates/", {"start_date": day(1).isoformat(), "end_date": day(200).isoformat()})
    assert response["Location"] == "/me/stop/check/"
    app = Application.objects.get(person=person)
    assert app.start_date == day(1) and app.end_date == day(200) and app.documents.count() == 3


def test_cancelling_withdraws_the_draft(client, beijing_individual):
    person, user = beijing_individual
    signed_in(client, user)
    client.post("/me/stop/reason/", {"reason": "schooling"})
    client.post("/me/stop/dates/", {"start_date": day(0).isoformat(), "end_date": day(100).isoformat()})
    assert "Cancel this application?" in text(page(client, "/me/stop/cancel/"))
    client.post("/me/stop/cancel/")
    assert Application.objects.get(person=person).status == "withdrawn"
    assert client.get("/me/stop/")["Location"] == "/me/stop/reason/"


def test_my_applications_and_the_detail_with_history(client, beijing_individual, django_capture_on_commit_callbacks):
    person, user = beijing_individual
    with django_capture_on_commit_callbacks(execute=True):
        app = stop_submitted(user, person, "schooling", day(0), day(100))
    signed_in(client, user)
    listing = text(page(client, "/me/applications/"))
    assert app.reference in listing and "Submitted" in listing
    detail = text(page(client, f"/me/applications/{app.pk}/"))
    assert 'id="history"' in detail and "Submitted" in detail and app.due_date.isoformat() in detail
    assert f"/me/applications/{app.pk}/documents/" in detail and 'id="withdraw-link"' in detail
    home = text(page(client, "/me/"))
    assert f"Application {app.reference} was submitted" in home  # the notice


def test_documents_are_served_only_to_who_may_see_the_application(client, beijing_individual):
    person, user = beijing_individual
    app = stop_submitted(user, person, "schooling", day(0), day(100))
    document = app.documents.first()
    url = f"/me/applications/{app.pk}/documents/{document.pk}/"
    assert client.get(url).status_code == 302  # signed out
    signed_in(client, user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert person.id_number not in url and document.file.name not in url
    other = make_person("110000", name="别人")
    signed_in(client, make_user("individual", person=other))
    assert client.get(url).status_code == 404
    agent = make_user("unit_agent", unit=make_unit("110000"))
    signed_in(client, agent)
    assert client.get(f"/unit/applications/{app.pk}/documents/{document.pk}/").status_code == 404


def test_a_foreign_application_is_404_everywhere(client, beijing_individual):
    person, user = beijing_individual
    app = stop_submitted(user, person, "schooling", day(0), day(100))
    other = make_person("110000", name="别人")
    signed_in(client, make_user("individual", person=other))
    for suffix in ("", "sent/", "withdraw/", "more-documents/", "continue/", "form.pdf"):
        assert client.get(f"/me/applications/{app.pk}/{suffix}").status_code == 404, suffix
    assert client.post(f"/me/applications/{app.pk}/withdraw/").status_code == 404
    app.refresh_from_db()
    assert app.status == "submitted"


def test_withdraw_asks_for_confirmation_first(client, beijing_individual):
    person, user = beijing_individual
    app = stop_submitted(user, person, "schooling", day(0), day(100))
    signed_in(client, user)
    confirm = text(page(client, f"/me/applications/{app.pk}/withdraw/"))
    assert "Withdraw this application?" in confirm and 'id="confirm-withdraw"' in confirm
    app.refresh_from_db()
    assert app.status == "submitted"
    client.post(f"/me/applications/{app.pk}/withdraw/", {"note": "Changed my mind"})
    app.refresh_from_db()
    assert app.status == "withdrawn"
    assert 'id="withdraw-link"' not in text(page(client, f"/me/applications/{app.pk}/"))


def test_answering_a_request_for_more_documents(client, beijing_individual):
    person, user = beijing_individual
    app = stop_submitted(user, person, "schooling", day(0), day(100))
    officer = make_user("officer", region="110000")
    application_request_supplement(actor=officer, application=app, reason="The ID card photo is blurred.",
                                   documents=["identity"])
    signed_in(client, user)
    detail = text(page(client, f"/me/applications/{app.pk}/"))
    assert "The ID card photo is blurred." in detail and 'id="answer-supplement"' in detail
    html = text(client.post(f"/me/applications/{app.pk}/more-documents/", {"action": "resubmit"}))
    assert 'href="#file_identity"' in html
    response = client.post(f"/me/applications/{app.pk}/more-documents/", {
        "action": "resubmit", "file_identity": png(), "kind_identity": "id_card"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == "submitted"


def test_resume_wizard_from_a_current_stop(client, paused_shanghai):
    person, user, _officer, suspension = paused_shanghai
    signed_in(client, user)
    home = text(page(client, "/me/"))
    assert "Stopped" in home and 'id="start-resume"' in home
    assert client.get("/me/resume/")["Location"] == "/me/resume/dates/"
    dates = text(page(client, "/me/resume/dates/"))
    assert suspension.planned_end_date.isoformat() in dates
    response = client.post("/me/resume/dates/", {"start_date": day(20).isoformat()})
    assert response["Location"] == "/me/resume/note/"
    client.post("/me/resume/note/", {"note": "Back home."})
    client.post("/me/resume/documents/", {"action": "continue", "file_identity": png(), "kind_identity": "id_card"})
    check = text(page(client, "/me/resume/check/"))
    assert "Back home." in check and "Resuming early" not in check  # a pause needs no proof to end early
    response = client.post("/me/resume/check/")
    app = Application.objects.get(person=person, kind="resume")
    assert app.status == "submitted" and app.suspension_id == suspension.pk and app.early_resume
    assert response["Location"] == f"/me/applications/{app.pk}/sent/"


def test_early_resumption_asks_for_proof_that_the_reason_has_gone(client):
    person = make_person("420100", name="吴早")
    user = make_user("individual", person=person)
    app = stop_submitted(make_user("unit_agent", unit=person.unit), person, "resignation", day(-5))  # the unit files
    application_approve(actor=make_user("officer", region="420100"), application=app)
    signed_in(client, user)
    client.get("/me/resume/")
    dates = text(page(client, "/me/resume/dates/"))
    assert "has no planned end" in dates and "You need proof that the reason has gone." in dates
    client.post("/me/resume/dates/", {"start_date": day(0).isoformat()})
    client.post("/me/resume/note/", {"note": ""})
    docs = text(page(client, "/me/resume/documents/"))
    assert "Proof of new employment" in docs and 'id="file_new_employment"' in docs
    client.post("/me/resume/documents/", {
        "action": "continue", "file_identity": png(), "kind_identity": "id_card", "file_card": png(),
        "kind_card": "medical_insurance_card", "file_new_employment": png(), "kind_new_employment": "new_employment_contract"})
    assert "Resuming early" in text(page(client, "/me/resume/check/"))


def test_no_resume_without_a_stop(client, beijing_individual):
    signed_in(client, beijing_individual[1])
    assert "There is no stop to resume" in text(page(client, "/me/resume/"))


def test_pdfs_of_the_form_and_the_certificates(client, beijing_individual):
    pytest.importorskip("medpause.printing")
    person, user = beijing_individual
    app = stop_submitted(user, person, "schooling", day(0), day(100))
    contribution_record(person=person, month=today().replace(day=1))
    signed_in(client, user)
    for url in (f"/me/applications/{app.pk}/form.pdf", "/me/certificates/participation.pdf",
                "/me/certificates/payment.pdf"):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", url
        assert response.content.startswith(b"%PDF")
    assert client.get("/me/certificates/other.pdf").status_code == 404


def test_date_hint_says_how_far_back_the_start_may_be(client, beijing_individual):
    signed_in(client, beijing_individual[1])
    client.post("/me/stop/reason/", {"reason": "schooling"})
    html = text(page(client, "/me/stop/dates/"))
    assert (today() - dt.timedelta(days=60)).isoformat() in html


def test_posts_need_the_csrf_token(beijing_individual):
    from django.test import Client

    _person, user = beijing_individual
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    html = client.get("/me/stop/reason/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert client.post("/me/stop/reason/", {"reason": "schooling"}).status_code == 403
    assert client.post("/logout/").status_code == 403


def test_officers_get_a_link_to_their_workbench(client):
    signed_in(client, make_user("officer", region="110000"))
    html = text(page(client, "/"))
    assert 'href="/officer/"' in html
    assert client.get("/me/").status_code == 403


def test_a_draft_can_be_continued_later(client, beijing_individual):
    from medpause.cases.services import application_create

    person, user = beijing_individual
    app = application_create(actor=user, kind="stop", person=person, reason="schooling", start_date=day(0),
                             end_date=day(100), note="Earlier draft")
    signed_in(client, user)
    detail = text(page(client, f"/me/applications/{app.pk}/"))
    assert 'id="continue-draft"' in detail
    response = client.get(f"/me/applications/{app.pk}/continue/")
    assert client.get(response["Location"])["Location"] == "/me/stop/documents/"
    assert "Earlier draft" not in text(page(client, "/me/stop/documents/"))
    assert "Earlier draft" in text(page(client, "/me/stop/note/"))


def test_a_file_over_the_size_limit_is_refused(client, beijing_individual, settings):
    settings.MEDPAUSE_MAX_UPLOAD_BYTES = 1024 * 1024
    signed_in(client, beijing_individual[1])
    client.post("/me/stop/reason/", {"reason": "schooling"})
    client.post("/me/stop/dates/", {"start_date": day(0).isoformat(), "end_date": day(100).isoformat()})
    client.post("/me/stop/note/", {"note": ""})
    big = SimpleUploadedFile("big.png", png_bytes() + b"\0" * (1024 * 1024 + 1), content_type="image/png")
    html = text(client.post("/me/stop/documents/", {"action": "upload", "file_identity": big,
                                                     "kind_identity": "id_card"}))
    assert 'href="#file_identity"' in html and "larger than 1 MB" in html
    assert not Application.objects.get().documents.exists()
