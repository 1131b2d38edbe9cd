"""The officer workbench through the Django test client: the region's queue, one application
with its documents and decisions, the person look-up and the statistics."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from medpause.cases.models import Application
from medpause.cases.services import (
    application_approve,
    application_create,
    application_reject,
    application_request_supplement,
    application_submit,
    application_take,
    document_add,
)
from medpause.common.dates import today
from medpause.coverage.selectors import current_card_status
from tests.factories import PNG_1PX, id_number, make_person, make_unit, make_user, pdf_bytes

pytestmark = pytest.mark.django_db

PDF = pdf_bytes("scan of an identity card")


def url(name: str, *args) -> str:
    namespace = resolve("/officer/").namespace  # "officer", wherever the web app mounts it
    return reverse(f"{namespace}:{name}", args=args)


def submitted(region: str = "110000", *, name: str = "王小明", pdf: bool = False) -> Application:
    """A flexible worker's pause, submitted by the person with an identity document."""
    person = make_person(region, category="flexible", name=name)
    me = make_user("individual", person=person)
    start = today()
    app = application_create(
        actor=me, kind="stop", person=person, reason="flexible_pause", start_date=start,
        end_date=start + dt.timedelta(days=60),
    )
    if pdf:
        document_add(actor=me, application=app, kind="passport", data=PDF, filename="passport.pdf")
    else:
        document_add(actor=me, application=app, kind="id_card", data=PNG_1PX, filename="id.png")
    return application_submit(actor=me, application=app)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def beijing_officer(client):
    officer = make_user("officer", region="110000")
    client.force_login(officer)
    return officer


def assert_no_inline_code(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html
    assert ' style="' not in html


# --- the queue -----------------------------------------------------------------------------


def test_beijing_officer_sees_only_the_beijing_queue_with_masked_id_numbers(client, beijing_officer):
    beijing = submitted("110000", name="北京人")
    shanghai = submitted("310000", name="上海人")
    response = client.get(url("queue"))
    html = response.content.decode()
    assert response.status_code == 200
    assert beijing.reference in html and "北京人" in html
    assert shanghai.reference not in html and "上海人" not in html
    assert beijing.person.id_number_masked in html
    assert beijing.person.id_number not in html
    assert_no_inline_code(html)


def test_admin_sees_every_region(client):
    beijing, shanghai = submitted("110000"), submitted("310000")
    client.force_login(make_user("admin"))
    html = client.get(url("queue")).content.decode()
    assert beijing.reference in html and shanghai.reference in html
    html = client.get(url("queue"), {"region": "310000"}).content.decode()
    assert shanghai.reference in html and beijing.reference not in html
    assert client.get(url("statistics")).context["stats"]["backlog_total"] == 2
    assert client.get(url("statistics"), {"region": "110000"}).context["stats"]["backlog_total"] == 1
    response = client.post(url("approve", shanghai.pk), {"approve-note": ""})
    assert response.status_code == 302
    shanghai.refresh_from_db()
    assert shanghai.status == "approved"


def test_queue_is_oldest_first_and_filters_by_status_reason_and_time_limit(client, beijing_officer):
    old, new = submitted(), submitted()
    Application.objects.filter(pk=old.pk).update(first_submitted_at=timezone.now() - dt.timedelta(days=3))
    html = client.get(url("queue")).content.decode()
    assert html.index(old.reference) < html.index(new.reference)

    application_take(actor=beijing_officer, application=new)
    html = client.get(url("queue"), {"status": "in_review"}).content.decode()
    assert new.reference in html and old.reference not in html

    html = client.get(url("queue"), {"reason": "resignation"}).content.decode()
    assert old.reference not in html and "No applications match these filters." in html
    html = client.get(url("queue"), {"reason": "flexible_pause"}).content.decode()
    assert old.reference in html and new.reference in html

    Application.objects.filter(pk=old.pk).update(due_date=today() - dt.timedelta(days=10))
    Application.objects.filter(pk=new.pk).update(due_date=today())
    html = client.get(url("queue"), {"due": "overdue"}).content.decode()
    assert old.reference in html and new.reference not in html
    assert "Overdue by" in html  # said in words, not only by colour
    html = client.get(url("queue"), {"due": "soon"}).content.decode()
    assert new.reference in html and old.reference not in html
    assert "Due today" in html


def test_decided_applications_leave_the_open_queue(client, beijing_officer):
    app = submitted()
    application_approve(actor=beijing_officer, application=app)
    assert app.reference not in client.get(url("queue")).content.decode()
    assert app.reference in client.get(url("queue"), {"status": "approved"}).content.decode()
    assert app.reference in client.get(url("queue"), {"status": "all"}).content.decode()


# --- access --------------------------------------------------------------------------------


def test_a_shanghai_application_is_404_for_a_beijing_officer(client, beijing_officer):
    app = submitted("310000")
    document = app.documents.get()
    assert client.get(url("application", app.pk)).status_code == 404
    assert client.get(url("document", app.pk, document.pk)).status_code == 404
    assert client.post(url("approve", app.pk), {"approve-note": ""}).status_code == 404
    app.refresh_from_db()
    assert app.status == "submitted"


@pytest.mark.parametrize("role", ["individual", "unit_agent", "institution"])
def test_other_roles_cannot_reach_the_workbench(client, role):
    app = submitted()
    bindings = {
        "individual": {"person": app.person},
        "unit_agent": {"unit": make_unit("110000")},
        "institution": {"institution_name": "医院"},
    }
    user = make_user(role, **bindings[role])  # even the applicant: their own pages are elsewhere
    client.force_login(user)
    for page in (url("queue"), url("application", app.pk), url("person_lookup"), url("person", app.person.pk),
                 url("statistics"), url("document", app.pk, app.documents.get().pk)):
        assert client.get(page).status_code == 404, page
    assert client.post(url("approve", app.pk)).status_code == 404
    app.refresh_from_db()
    assert app.status == "submitted"


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(url("queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


# --- one application -----------------------------------------------------------------------


def test_application_page_shows_documents_checklist_coverage_and_policy(client, beijing_officer):
    app = submitted(pdf=True)
    document = app.documents.get()
    response = client.get(url("application", app.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert_no_inline_code(html)
    document_url = url("document_preview", app.pk, document.pk)
    assert (f'<iframe class="document-frame" sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox" '
            f'src="{document_url}"') in html
    assert app.person.id_number in html  # officers need the whole number ...
    assert app.person.id_number not in document_url  # ... but never in a URL
    assert "Identity document" in html and "Provided" in html
    assert "110000@2025.1" in html
    assert app.due_date.strftime("%Y-%m-%d") in html
    assert 'id="card-status"' in html and "Active" in html
    assert 'id="approve-button"' in html and 'id="take-button"' in html


def test_image_documents_are_shown_as_images(client, beijing_officer):
    app = submitted()
    document = app.documents.get()
    html = client.get(url("application", app.pk)).content.decode()
    assert f'<img class="document-image" src="{url("document", app.pk, document.pk)}"' in html


def test_document_view_returns_the_bytes_inline_with_nosniff(client, beijing_officer):
    app = submitted()
    document = app.documents.get()
    response = client.get(url("document", app.pk, document.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG_1PX
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert app.person.id_number not in response["Content-Disposition"]

    pdf_app = submitted(pdf=True)
    pdf_doc = pdf_app.documents.get()
    response = client.get(url("document", pdf_app.pk, pdf_doc.pk))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    # a document of another application is not reachable through this one
    assert client.get(url("document", app.pk, pdf_doc.pk)).status_code == 404


def test_take_then_approve_with_a_note(client, beijing_officer):
    app = submitted()
    response = client.post(url("take", app.pk))
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == "in_review"

    response = client.post(url("approve", app.pk), {"approve-note": "All documents in order."}, follow=True)
    html = response.content.decode()
    app.refresh_from_db()
    assert app.status == "approved"
    assert app.decision_note == "All documents in order."
    assert f"Application {app.reference} is approved." in html
    assert "All documents in order." in html
    assert current_card_status(person=app.person) == "suspended"
    assert 'id="approve-button"' not in html  # nothing left to decide


def test_reject_needs_a_reason_and_records_it(client, beijing_officer):
    app = submitted()
    response = client.post(url("reject", app.pk), {"reject-reason": "   "})
    html = response.content.decode()
    assert response.status_code == 422
    assert "There is a problem" in html and "Give the reason for the rejection." in html
    app.refresh_from_db()
    assert app.status == "submitted"

    response = client.post(url("reject", app.pk), {"reject-reason": "The photo of the ID card is unreadable."},
                           follow=True)
    app.refresh_from_db()
    assert app.status == "rejected"
    assert "The photo of the ID card is unreadable." in response.content.decode()


def test_request_supplement_names_the_groups(client, beijing_officer):
    app = submitted()
    response = client.post(url("request_supplement", app.pk), {"supplement-reason": "Need a clearer copy."})
    assert response.status_code == 422
    assert "Tick at least one document." in response.content.decode()

    response = client.post(
        url("request_supplement", app.pk),
        {"supplement-reason": "Need a clearer copy.", "supplement-documents": ["identity"]}, follow=True,
    )
    app.refresh_from_db()
    assert app.status == "supplement_requested"
    assert app.supplement_groups == ["identity"]
    html = response.content.decode()
    assert "More documents were asked for" in html
    assert "Missing: a new document was asked for" in html


def test_an_invalid_transition_is_shown_as_an_error(client, beijing_officer):
    app = submitted()
    application_approve(actor=beijing_officer, application=app)
    response = client.post(url("reject", app.pk), {"reject-reason": "Too late."})
    html = response.content.decode()
    assert response.status_code == 409
    assert "There is a problem" in html
    assert "invalid_transition" in html and "This cannot be done while the application is Approved." in html
    app.refresh_from_db()
    assert app.status == "approved"


def test_history_and_other_applications_of_the_person(client, beijing_officer):
    app = submitted()
    application_request_supplement(actor=beijing_officer, application=app, reason="Clearer copy please.",
                                   documents=["identity"])
    other = application_create(
        actor=beijing_officer, kind="stop", person=app.person, reason="flexible_pause",
        start_date=today() + dt.timedelta(days=65), end_date=today() + dt.timedelta(days=70),
    )
    applicant = make_user("individual", person=app.person)
    draft = application_create(
        actor=applicant, kind="stop", person=app.person, reason="flexible_pause",
        start_date=today() + dt.timedelta(days=75), end_date=today() + dt.timedelta(days=80),
    )
    html = client.get(url("application", app.pk)).content.decode()
    assert draft.reference not in html  # the applicant's unsent draft is not the bureau's business yet
    assert "Clearer copy please." in html
    assert "Ask for more documents" in html
    assert other.reference in html


# --- persons -------------------------------------------------------------------------------


def test_person_look_up_by_post_finds_a_person_of_the_region(client, beijing_officer):
    app = submitted()
    person = app.person
    response = client.post(url("person_lookup"), {"id_number": person.id_number.lower()})
    assert response.status_code == 302
    assert response["Location"] == url("person", person.pk)
    assert person.id_number not in response["Location"]
    html = client.get(response["Location"]).content.decode()
    assert person.name in html and person.id_number in html and person.card.number in html
    assert app.reference in html
    assert_no_inline_code(html)


def test_person_look_up_does_not_leak_other_regions(client, beijing_officer):
    shanghai = make_person("310000", category="flexible")
    nobody = id_number("110105", seq=987)
    answers = []
    for number in (shanghai.id_number, nobody):
        response = client.post(url("person_lookup"), {"id_number": number})
        assert response.status_code == 422
        html = response.content.decode()
        assert "No insured person with this ID number is registered in your region." in html
        answers.append(html.replace(number, "X"))
    assert re.sub(r'value="[^"]*"', "", answers[0]) == re.sub(r'value="[^"]*"', "", answers[1])
    assert client.get(url("person", shanghai.pk)).status_code == 404


def test_person_look_up_checks_the_number(client, beijing_officer):
    response = client.post(url("person_lookup"), {"id_number": "12345"})
    assert response.status_code == 422
    assert "The ID number is not valid" in response.content.decode()
    response = client.get(url("person_lookup"))
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    assert_no_inline_code(response.content.decode())


# --- statistics ----------------------------------------------------------------------------


def test_statistics_for_a_small_known_data_set(client, beijing_officer):
    on = today()
    waiting = submitted()
    Application.objects.filter(pk=waiting.pk).update(due_date=on - dt.timedelta(days=3))  # overdue
    application_take(actor=beijing_officer, application=submitted())
    application_request_supplement(actor=beijing_officer, application=submitted(), reason="x", documents=["identity"])
    approved = application_approve(actor=beijing_officer, application=submitted())
    rejected = application_reject(actor=beijing_officer, application=submitted(), reason="no")
    old = application_approve(actor=beijing_officer, application=submitted())
    # known times: 2 days, 5 days and (outside the 14 days shown) 1 day from submission to decision
    Application.objects.filter(pk=approved.pk).update(
        first_submitted_at=at(on - dt.timedelta(days=3)), decided_at=at(on - dt.timedelta(days=1)))
    Application.objects.filter(pk=rejected.pk).update(
        first_submitted_at=at(on - dt.timedelta(days=5)), decided_at=at(on, 10))
    Application.objects.filter(pk=old.pk).update(
        first_submitted_at=at(on - dt.timedelta(days=21)), decided_at=at(on - dt.timedelta(days=20)))
    # another region's work does not count
    application_approve(actor=make_user("officer", region="310000"), application=submitted("310000"))

    response = client.get(url("statistics"))
    html = response.content.decode()
    stats = response.context["stats"]
    assert {b["status"]: b["count"] for b in stats["backlog"]} == {
        "submitted": 1, "in_review": 1, "checked": 0, "supplement_requested": 1,  # checked: two-stage regions
    }
    assert stats["backlog_total"] == 3
    assert stats["overdue"] == 1
    assert stats["daily_total"] == 2
    by_day = {d["day"]: (d["approved"], d["rejected"]) for d in stats["daily"]}
    assert len(by_day) == 14
    assert by_day[on - dt.timedelta(days=1)] == (1, 0)
    assert by_day[on] == (0, 1)
    assert on - dt.timedelta(days=20) not in by_day
    assert stats["average_days"] == 2.7  # (2 + 5 + 1) / 3
    assert 'id="stat-overdue">1' in html
    assert "2.7" in html
    assert_no_inline_code(html)


def test_no_page_puts_an_id_number_in_a_link(client, beijing_officer):
    app = submitted()
    pages = [url("queue"), url("application", app.pk), url("person", app.person.pk), url("statistics")]
    for page in pages:
        html = client.get(page).content.decode()
        for link in re.findall(r'(?:href|src|action)="([^"]*)"', html):
            assert app.person.id_number not in link
