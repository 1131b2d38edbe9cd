"""The Django admin: every model's list loads for an administrator, domain records are
read-only, and the audit trail can be read but never added to, changed or deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import resolve, reverse

from medpause.accounts.services import token_issue
from medpause.audit.models import AuditEvent
from medpause.cases.models import Application
from medpause.cases.services import application_approve, application_create, application_submit, document_add
from medpause.common.dates import today
from medpause.coverage.services import contribution_record, settlement_create
from medpause.notices.models import Notice
from medpause.registry.models import Person
from tests.factories import PNG_1PX, make_person, make_unit, make_user

pytestmark = pytest.mark.django_db

MEDPAUSE_MODELS = [
    model for model in admin.site._registry if model._meta.app_label not in ("auth", "contenttypes", "sessions")
]


@pytest.fixture
def superuser(client):
    user = make_user("admin", username="root")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


@pytest.fixture
def world():
    """One of everything: a decided application with a document, a suspension, a settlement,
    contributions, a token, notices and the audit events they wrote."""
    person = make_person("310000", category="flexible")
    me = make_user("individual", person=person)
    officer = make_user("officer", region="310000")
    start = today()
    app = application_create(actor=me, kind="stop", person=person, reason="flexible_pause", start_date=start,
                             end_date=start + dt.timedelta(days=30))
    document_add(actor=me, application=app, kind="id_card", data=PNG_1PX, filename="id.png")
    application_submit(actor=me, application=app)
    application_approve(actor=officer, application=app)
    Notice.objects.create(person=person, application=app, code="application.approve",
                          params={"reference": app.reference})
    contribution_record(person=person, month=start.replace(day=1) - dt.timedelta(days=40))
    hospital = make_user("institution", institution_name="Ruijin Hospital")
    settlement_create(institution=hospital, card_number=person.card.number, date=start, amount="10.00",
                      institution_reference="R1")
    token_issue(user=hospital)
    make_unit("310000", name="Shanghai Unit")
    return {"person": person, "application": app}


OURS = {
    "accounts.User", "accounts.ApiToken", "policy.Region", "policy.PolicyVersion", "registry.Unit",
    "registry.Person", "registry.Card", "registry.Contribution", "cases.Application", "cases.Suspension",
    "coverage.Settlement", "notices.Notice", "audit.AuditEvent",
}


def test_every_model_is_registered():
    assert OURS <= {m._meta.label for m in MEDPAUSE_MODELS}


def test_each_changelist_and_object_page_loads_for_a_superuser(client, superuser, world):
    for model in MEDPAUSE_MODELS:
        opts = model._meta
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert response.status_code == 200, opts.label
        obj = model.objects.first()
        if obj is None:
            assert opts.label not in OURS, f"no {opts.label} in the test data"
            continue
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        assert response.status_code == 200, opts.label


def test_audit_events_cannot_be_added_changed_or_deleted(client, superuser, world):
    event = AuditEvent.objects.order_by("seq").first()
    model_admin = admin.site._registry[AuditEvent]
    request = client.get(reverse("admin:index")).wsgi_request
    assert model_admin.has_view_permission(request, event)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)

    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    page = client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).content.decode()
    assert 'name="_save"' not in page  # shown read-only
    client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"action": "tampered"})
    response = client.post(reverse("admin:audit_auditevent_changelist"),
                           {"action": "delete_selected", "_selected_action": [event.pk]})
    assert response.status_code in (200, 302)
    event.refresh_from_db()
    assert event.action != "tampered"
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_trail_is_ordered_by_sequence_and_searchable(client, superuser, world):
    app = world["application"]
    response = client.get(reverse("admin:audit_auditevent_changelist"), {"q": "application.approve"})
    events = list(response.context["cl"].result_list)
    assert [e.action for e in events] == ["application.approve"]
    assert events[0].target_id == str(app.pk)
    all_events = list(client.get(reverse("admin:audit_auditevent_changelist")).context["cl"].result_list)
    assert [e.seq for e in all_events] == sorted(e.seq for e in all_events)


def test_domain_records_are_read_only(client, superuser, world):
    app = world["application"]
    assert client.get(reverse("admin:cases_application_add")).status_code == 403
    client.post(reverse("admin:cases_application_change", args=[app.pk]), {"status": "rejected"})
    app.refresh_from_db()
    assert app.status == "approved"
    assert client.get(reverse("admin:registry_person_add")).status_code == 403


def test_person_list_masks_id_numbers_and_finds_a_person_by_a_posted_number(client, superuser, world):
    person: Person = world["person"]
    other = make_person("110000")
    html = client.get(reverse("admin:registry_person_changelist")).content.decode()
    assert person.id_number_masked in html and person.id_number not in html
    changelist = reverse("admin:registry_person_changelist")
    response = client.post(changelist, {"find_id_number": person.id_number.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:registry_person_change", args=[person.pk])
    assert person.id_number in client.get(response["Location"]).content.decode()  # the admin needs it whole
    response = client.post(changelist, {"find_id_number": "110105199001010000"}, follow=True)
    assert "No insured person has this ID number." in response.content.decode()
    # the search box (a GET, so the address and the logs) does not look at ID numbers
    response = client.get(changelist, {"q": person.id_number})
    assert list(response.context["cl"].result_list) == []
    assert other.id_number not in html


def test_person_look_up_in_the_admin_needs_the_view_permission(client, world):
    staff = make_user("officer", region="310000")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    response = client.post(reverse("admin:registry_person_changelist"), {"find_id_number": world["person"].id_number})
    assert response.status_code == 403


def test_application_page_shows_history_and_documents(client, superuser, world):
    app: Application = world["application"]
    html = client.get(reverse("admin:cases_application_change", args=[app.pk])).content.decode()
    assert app.reference in html
    document = app.documents.get()
    assert "image/png" in html and document.sha256 in html
    namespace = resolve("/officer/").namespace
    assert reverse(f"{namespace}:document", args=[app.pk, document.pk]) in html
    assert "History" in html and "Approved" in html  # the approve event, from submitted to approved
