"""Reads of personal data are audited: one event per document shown or downloaded, per look-up
by ID number (found or not), per showing of a person's whole ID number, per certificate, on
the pages, in the admin and in the API; the trail never holds a whole ID number."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import resolve, reverse

from medpause.accounts.services import token_issue
from medpause.audit.models import AuditEvent
from medpause.audit.services import audit_read, audit_verify
from medpause.cases.services import application_create, application_submit, document_add
from medpause.common.dates import today
from medpause.common.masking import mask_id_number
from tests.factories import PNG_1PX, id_number, make_person, make_unit, make_user

pytestmark = pytest.mark.django_db


def officer_url(name: str, *args) -> str:
    return reverse(f"{resolve('/officer/').namespace}:{name}", args=args)


class Trail:
    """The events written since it was made."""

    def __init__(self):
        self.mark = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    def new(self) -> list[AuditEvent]:
        events = list(AuditEvent.objects.filter(seq__gt=self.mark).order_by("seq"))
        if events:
            self.mark = events[-1].seq
        return events


def assert_no_id_number(events, *numbers):
    text = str([(e.target_id, e.data) for e in events])
    for number in numbers:
        assert number not in text and number.lower() not in text


@pytest.fixture
def case():
    person = make_person("110000", category="flexible", name="王小明")
    me = make_user("individual", person=person)
    app = application_create(
        actor=me,
        kind="stop",
        person=person,
        reason="flexible_pause",
        start_date=today(),
        end_date=today() + dt.timedelta(days=60),
    )
    doc = document_add(actor=me, application=app, kind="id_card", data=PNG_1PX, filename="id.png")
    app = application_submit(actor=me, application=app)
    officer = make_user("officer", region="110000")
    return person, me, app, doc, officer


def _one(events, action):
    assert [e.action for e in events] == [action]
    return events[0]


def test_audit_read_masks_the_number_and_any_left_in_the_data():
    person = make_person("110000", category="flexible")
    officer = make_user("officer", region="110000")
    event = audit_read(
        officer,
        "person.lookup",
        person,
        id_number=person.id_number.lower(),
        note=f"asked for {person.id_number}",
        found=True,
    )
    assert event.data == {
        "id_number_masked": person.id_number_masked,
        "found": True,
        "note": f"asked for {person.id_number_masked}",
    }
    assert (event.actor, event.target_type, event.target_id) == (officer, "registry.person", str(person.pk))
    assert audit_verify().ok


def test_the_officer_document_page_is_audited(client, case):
    person, _me, app, doc, officer = case
    client.force_login(officer)
    trail = Trail()
    response = client.get(officer_url("document", app.pk, doc.pk))
    assert response.status_code == 200
    event = _one(trail.new(), "document.view")
    assert (event.actor, event.target_type, event.target_id) == (officer, "cases.document", str(doc.pk))
    assert event.data == {"application_id": app.pk, "kind": "id_card", "channel": "officer"}
    assert client.get(officer_url("document", app.pk, doc.pk + 999)).status_code == 404
    assert trail.new() == []  # nothing shown, nothing written


def test_the_applicants_document_page_is_audited(client, case):
    _person, me, app, doc, _officer = case
    client.force_login(me)
    trail = Trail()
    response = client.get(f"/me/applications/{app.pk}/documents/{doc.pk}/")
    assert response.status_code == 200
    event = _one(trail.new(), "document.view")
    assert (event.actor, event.target_id, event.data["channel"]) == (me, str(doc.pk), "me")


def test_the_api_document_download_is_audited(case):
    _person, _me, app, doc, officer = case
    token = token_issue(user=officer)
    trail = Trail()
    trail.new()  # the token's own event
    response = Client().get(
        f"/api/v1/applications/{app.pk}/documents/{doc.pk}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    event = _one(trail.new(), "document.view")
    assert (event.actor, event.target_type, event.target_id) == (officer, "cases.document", str(doc.pk))
    assert event.data == {"application_id": app.pk, "kind": "id_card", "channel": "api"}


def test_the_officers_look_up_and_person_page_are_audited(client, case):
    person, _me, _app, _doc, officer = case
    client.force_login(officer)
    trail = Trail()
    response = client.post(officer_url("person_lookup"), {"id_number": person.id_number.lower()})
    assert response.status_code == 302
    event = _one(trail.new(), "person.lookup")
    assert (event.actor, event.target_type, event.target_id) == (officer, "registry.person", str(person.pk))
    assert event.data == {"id_number_masked": person.id_number_masked, "found": True, "channel": "officer"}

    unknown = id_number("110105")
    assert client.post(officer_url("person_lookup"), {"id_number": unknown}).status_code == 422
    event = _one(trail.new(), "person.lookup")
    assert (event.target_type, event.target_id) == ("registry.person", "")
    assert event.data == {"id_number_masked": mask_id_number(unknown), "found": False, "channel": "officer"}

    assert client.post(officer_url("person_lookup"), {"id_number": "12345"}).status_code == 422
    assert trail.new() == []  # not an ID number: nothing was looked up

    assert client.get(officer_url("person", person.pk)).status_code == 200
    event = _one(trail.new(), "person.view")
    assert (event.actor, event.target_id, event.data) == (officer, str(person.pk), {"channel": "officer"})
    assert_no_id_number(AuditEvent.objects.all(), person.id_number, unknown)


def test_the_api_look_up_and_person_answer_are_audited():
    unit = make_unit("110000")
    person = make_person("110000", unit=unit)
    officer, agent = make_user("officer", region="110000"), make_user("unit_agent", unit=unit)
    tokens = {u: token_issue(user=u) for u in (officer, agent)}

    def call(user, method, path, body=None):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {tokens[user]}")
        if method == "post":
            return client.post("/api/v1" + path, body, content_type="application/json")
        return client.get("/api/v1" + path)

    trail = Trail()
    assert call(officer, "post", "/persons/lookup", {"id_number": person.id_number}).status_code == 200
    event = _one(trail.new(), "person.lookup")
    assert (event.actor, event.target_id, event.data) == (
        officer,
        str(person.pk),
        {"id_number_masked": person.id_number_masked, "found": True, "channel": "api"},
    )
    unknown = id_number("110105")
    assert call(agent, "post", "/persons/lookup", {"id_number": unknown}).status_code == 404
    event = _one(trail.new(), "person.lookup")
    assert (event.actor, event.target_id, event.data["found"]) == (agent, "", False)

    assert call(officer, "get", f"/persons/{person.pk}").status_code == 200  # the whole number
    assert _one(trail.new(), "person.view").data == {"channel": "api"}
    assert call(agent, "get", f"/persons/{person.pk}").json()["id_number"] == person.id_number_masked
    assert trail.new() == []  # a masked answer shows no sensitive number
    assert_no_id_number(AuditEvent.objects.all(), person.id_number, unknown)


def test_certificate_downloads_are_audited(client):
    person = make_person("310000", category="flexible")
    me = make_user("individual", person=person)
    client.force_login(me)
    trail = Trail()
    assert client.get("/me/certificates/participation.pdf").status_code == 200
    event = _one(trail.new(), "certificate.download")
    assert (event.actor, event.target_type, event.target_id) == (me, "registry.person", str(person.pk))
    assert event.data == {"kind": "participation", "channel": "me"}

    officer = make_user("officer", region="310000")
    token = token_issue(user=officer)
    trail.new()
    response = Client().get(
        f"/api/v1/persons/{person.pk}/certificates/payment.pdf", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    event = _one(trail.new(), "certificate.download")
    assert (event.actor, event.target_id, event.data) == (
        officer,
        str(person.pk),
        {"kind": "payment", "channel": "api"},
    )


def test_the_admins_look_up_and_person_page_are_audited(client):
    person = make_person("110000", category="flexible")
    admin = make_user("admin")
    client.force_login(admin)
    trail = Trail()
    response = client.post(reverse("admin:registry_person_changelist"), {"find_id_number": person.id_number})
    assert response.status_code == 302
    event = _one(trail.new(), "person.lookup")
    assert (event.actor, event.target_id, event.data) == (
        admin,
        str(person.pk),
        {"id_number_masked": person.id_number_masked, "found": True, "channel": "admin"},
    )
    page = client.get(reverse("admin:registry_person_change", args=[person.pk]))
    assert page.status_code == 200 and person.id_number in page.content.decode()
    assert _one(trail.new(), "person.view").target_id == str(person.pk)
    assert_no_id_number(AuditEvent.objects.all(), person.id_number)
