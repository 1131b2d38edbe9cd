"""The unit agent's pages: only its own employees, one-by-one stop and resume, its applications."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medpause.cases.models import Application
from medpause.cases.services import application_approve, application_create, application_submit, document_add
from tests.factories import PNG_1PX, id_number, make_person, make_unit, make_user, png_bytes
from tests.web.conftest import assert_clean, day, page, stop_submitted, upload_required

pytestmark = pytest.mark.django_db


def png():
    return SimpleUploadedFile("scan.png", png_bytes(), content_type="image/png")


def text(response) -> str:
    html = response.content.decode()
    assert_clean(html)
    return unescape(html)


@pytest.fixture
def beijing_unit(db):
    unit = make_unit("110000", name="北京好单位", legal_representative_name="赵法人")
    staff = [make_person("110000", unit=unit, name=name) for name in ("陈一", "陈二", "林三")]
    agent = make_user("unit_agent", unit=unit)
    return unit, staff, agent


def signed_in(client, user, lang="en"):
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


def test_unit_agent_sees_only_its_own_employees_with_masked_ids(client, beijing_unit):
    unit, staff, agent = beijing_unit
    stranger = make_person("110000", unit=make_unit("110000", name="别的单位"), name="外人")
    signed_in(client, agent)
    html = text(page(client, "/unit/"))
    for person in staff:
        assert person.name in html and person.id_number_masked in html and person.id_number not in html
        assert person.card.number in html
    assert stranger.name not in html
    assert "Active" in html
    assert client.get(f"/unit/employees/{stranger.pk}/").status_code == 404
    assert client.get(f"/unit/employees/{stranger.pk}/stop/").status_code == 404


def test_unit_page_shows_the_legal_representative_on_file_masked(client, beijing_unit):
    unit, _staff, agent = beijing_unit
    signed_in(client, agent, "zh-hans")
    html = text(page(client, "/unit/"))
    assert "赵法人" in html and unit.legal_representative_id_masked in html
    assert unit.legal_representative_id_number not in html
    assert 'href="/unit/batches/"' in html
    assert 'lang="zh-Hans"' in html


def test_search_employees_by_name(client, beijing_unit):
    _unit, staff, agent = beijing_unit
    signed_in(client, agent)
    html = text(page(client, "/unit/?q=陈"))
    assert "陈一" in html and "陈二" in html and "林三" not in html
    assert "No employee has that name." in text(page(client, "/unit/?q=nobody"))


def test_other_roles_cannot_open_the_unit_pages(client, beijing_unit):
    _unit, staff, _agent = beijing_unit
    signed_in(client, make_user("individual", person=staff[0]))
    assert client.get("/unit/").status_code == 403


def test_unit_stops_an_employee_without_uploading_the_legal_representatives_identification(client, beijing_unit):
    unit, staff, agent = beijing_unit
    person = staff[0]
    base = f"/unit/employees/{person.pk}/stop"
    signed_in(client, agent)
    employee = text(page(client, f"/unit/employees/{person.pk}/"))
    assert 'id="start-stop"' in employee and person.id_number not in employee
    assert client.get(f"{base}/")["Location"] == f"{base}/reason/"
    reasons = text(page(client, f"{base}/reason/"))
    assert 'value="resignation"' in reasons and 'value="settle_abroad"' not in reasons
    assert client.post(f"{base}/reason/", {"reason": "resignation"})["Location"] == f"{base}/dates/"
    assert client.post(f"{base}/dates/", {"start_date": day(0).isoformat(), "end_date": ""}).status_code == 302
    client.post(f"{base}/note/", {"note": "Left the company."})
    docs = text(page(client, f"{base}/documents/"))
    assert "Upload the documents" in docs and "Upload your documents" not in docs  # not the agent's own
    # the unit registered its legal representative: the bureau holds the identification, never asks for it
    assert 'id="file_legal_representative_identity"' not in docs and 'id="file_unit_removal_form"' in docs
    assert unit.legal_representative_id_number not in docs
    response = client.post(f"{base}/documents/", {
        "action": "continue", "file_unit_removal_form": png(), "file_contract_ended": png(),
        "kind_contract_ended": "resignation_certificate", "file_identity": png(), "kind_identity": "id_card",
    })
    assert response["Location"] == f"{base}/consequences/"
    consequences = text(page(client, f"{base}/consequences/"))
    # spoken to the agent about the employee's cover, not as if it were the agent's own insurance
    assert f"What stopping means for {person.name}" in consequences and "means for you" not in consequences
    assert f"I have read what stopping means for {person.name} and the unit has told them." in consequences
    client.post(f"{base}/consequences/", {"acknowledge": "on"})
    check = text(page(client, f"{base}/check/"))
    assert person.name in check and person.id_number_masked in check
    response = client.post(f"{base}/check/")
    app = Application.objects.get(person=person)
    assert app.applicant_type == "unit" and app.unit_id == unit.pk and app.status == "submitted"
    assert response["Location"] == f"/unit/applications/{app.pk}/sent/"
    listing = text(page(client, "/unit/applications/"))
    assert app.reference in listing and person.name in listing


def test_chengdu_unit_resignation_is_approved_on_the_spot(client):
    unit = make_unit("510100", name="成都单位")
    # tests.factories picks county 510104 for Chengdu, which python-stdnum rejects: give a valid number
    person = make_person("510100", unit=unit, name="杨即办", id_number=id_number("510100"))
    agent = make_user("unit_agent", unit=unit)
    base = f"/unit/employees/{person.pk}/stop"
    signed_in(client, agent)
    client.post(f"{base}/reason/", {"reason": "resignation"})
    client.post(f"{base}/dates/", {"start_date": day(-2).isoformat(), "end_date": ""})
    client.post(f"{base}/note/", {"note": ""})
    client.post(f"{base}/documents/", {
        "action": "continue", "file_unit_removal_form": png(), "file_contract_ended": png(),
        "kind_contract_ended": "contract_termination_certificate", "file_identity": png(),
        "kind_identity": "id_card", "file_legal_representative_identity": png(),
    })
    client.post(f"{base}/consequences/", {"acknowledge": "on"})
    response = client.post(f"{base}/check/")
    app = Application.objects.get(person=person)
    assert app.status == "approved" and "on_the_spot_for_units" in app.decision_rule
    assert "Application approved" in text(page(client, response["Location"]))
    assert "Stopped" in text(page(client, f"/unit/employees/{person.pk}/"))


def test_unit_resumes_an_employee(client, beijing_unit):
    _unit, staff, agent = beijing_unit
    person = staff[1]
    app = stop_submitted(agent, person, "resignation", day(-3))
    application_approve(actor=make_user("officer", region="110000"), application=app)
    base = f"/unit/employees/{person.pk}/resume"
    signed_in(client, agent)
    assert 'id="start-resume"' in text(page(client, f"/unit/employees/{person.pk}/"))
    assert client.get(f"{base}/")["Location"] == f"{base}/dates/"
    client.post(f"{base}/dates/", {"start_date": day(0).isoformat()})
    client.post(f"{base}/note/", {"note": ""})
    docs = text(page(client, f"{base}/documents/"))
    assert 'id="file_unit_addition_form"' in docs and 'id="file_new_employment"' in docs


def test_unit_sees_only_its_own_applications(client, beijing_unit):
    _unit, staff, agent = beijing_unit
    own = stop_submitted(agent, staff[2], "resignation", day(0))
    # an application filed by someone else (here at the bureau's counter) stays private (an employee
    # stops through the unit: employee_must_file_through_unit)
    person = staff[0]
    private = stop_submitted(make_user("admin"), person, "schooling", day(0), day(100))
    other_unit = make_unit("110000", name="别的单位")
    stranger = make_person("110000", unit=other_unit)
    foreign = stop_submitted(make_user("unit_agent", unit=other_unit), stranger, "resignation", day(0))
    signed_in(client, agent)
    listing = text(page(client, "/unit/applications/"))
    assert own.reference in listing and private.reference not in listing and foreign.reference not in listing
    assert client.get(f"/unit/applications/{own.pk}/").status_code == 200
    assert client.get(f"/unit/applications/{private.pk}/").status_code == 404
    assert client.get(f"/unit/applications/{foreign.pk}/").status_code == 404
    document = foreign.documents.first()
    assert client.get(f"/unit/applications/{foreign.pk}/documents/{document.pk}/").status_code == 404
    own_doc = own.documents.first()
    assert client.get(f"/unit/applications/{own.pk}/documents/{own_doc.pk}/").status_code == 200


def test_the_employee_sees_the_units_application_but_not_the_legal_representatives_id(client, beijing_unit):
    _unit, staff, agent = beijing_unit
    person = staff[0]
    app = application_create(actor=agent, kind="stop", person=person, reason="resignation", start_date=day(0))
    upload_required(agent, app)
    # the bureau holds it, but a unit may still hand a copy in: it stays hidden from the employee
    document_add(actor=agent, application=app, kind="legal_rep_id_card", data=PNG_1PX, filename="rep.png")
    app = application_submit(actor=agent, application=app)
    rep_doc = app.documents.get(kind="legal_rep_id_card")
    other_doc = app.documents.exclude(kind="legal_rep_id_card").first()
    signed_in(client, make_user("individual", person=person))
    html = text(page(client, f"/me/applications/{app.pk}/"))
    assert app.reference in html and 'id="withdraw-link"' not in html
    assert f"/documents/{rep_doc.pk}/" not in html and f"/documents/{other_doc.pk}/" in html
    assert client.get(f"/me/applications/{app.pk}/documents/{rep_doc.pk}/").status_code == 404
    assert client.get(f"/me/applications/{app.pk}/documents/{other_doc.pk}/").status_code == 200
    signed_in(client, agent)
    assert client.get(f"/unit/applications/{app.pk}/documents/{rep_doc.pk}/").status_code == 200
