"""Who sees a draft and a unit's legal representative's ID, through the API and the pages alike
(medpause.accounts.permissions); the filled-in form: tests/printing/test_forms.py."""

import datetime as dt

import pytest
from django.test import Client

from medpause.accounts.permissions import applications_visible_to, documents_visible_to
from medpause.cases.services import application_submit, document_add
from medpause.common.dates import today
from tests.api.conftest import draft_application, submitted_application
from tests.factories import PNG_1PX, make_user

pytestmark = pytest.mark.django_db


def _ids(api, **query) -> list[int]:
    return [item["id"] for item in api.get("/applications", query).json()["items"]]


def _page(user, path: str) -> int:
    client = Client()
    client.force_login(user)
    return client.get(path).status_code


def test_an_applicants_draft_is_theirs_until_submitted(world):
    me, officer = world.users["individual_sh"], world.users["officer_sh"]
    draft = draft_application(me, world.sh_flex, "flexible_pause", end=today() + dt.timedelta(days=30))
    document = draft.documents.first()
    api = world.api["officer_sh"]
    assert api.get(f"/applications/{draft.pk}").status_code == 404
    assert api.get(f"/applications/{draft.pk}/documents/{document.pk}").status_code == 404
    assert api.get(f"/applications/{draft.pk}/form.pdf").status_code == 404
    assert api.post(f"/applications/{draft.pk}/approve", {}).status_code == 404
    assert draft.pk not in _ids(api) and draft.pk not in _ids(api, status="draft")
    assert _page(officer, f"/officer/applications/{draft.pk}/") == 404
    assert _page(officer, f"/officer/applications/{draft.pk}/documents/{document.pk}/") == 404
    assert world.api["individual_sh"].get(f"/applications/{draft.pk}").status_code == 200

    application_submit(actor=me, application=draft)
    assert api.get(f"/applications/{draft.pk}").status_code == 200
    assert api.get(f"/applications/{draft.pk}/documents/{document.pk}").status_code == 200
    assert draft.pk in _ids(api)
    assert _page(officer, f"/officer/applications/{draft.pk}/") == 200


def test_a_counter_draft_is_the_bureaus_and_reaches_the_person_once_submitted(world):
    officer = world.users["officer_sh"]
    draft = draft_application(officer, world.sh_flex, "flexible_pause", end=today() + dt.timedelta(days=30))
    assert world.api["officer_sh"].get(f"/applications/{draft.pk}").status_code == 200
    assert _ids(world.api["officer_sh"])[-1] == draft.pk  # never submitted: last in the queue
    assert world.api["individual_sh"].get(f"/applications/{draft.pk}").status_code == 404
    application_submit(actor=officer, application=draft)
    assert world.api["individual_sh"].get(f"/applications/{draft.pk}").status_code == 200


def test_a_units_draft_is_the_units_until_submitted(world):
    agent, employee = world.users["unit_agent"], world.users["individual"]
    draft = draft_application(agent, world.bj_employee, "enlistment", end=today() + dt.timedelta(days=30))
    assert world.api["unit_agent"].get(f"/applications/{draft.pk}").status_code == 200
    assert world.api["individual"].get(f"/applications/{draft.pk}").status_code == 404
    assert _page(employee, f"/me/applications/{draft.pk}/") == 404
    application_submit(actor=agent, application=draft)
    assert world.api["individual"].get(f"/applications/{draft.pk}").status_code == 200
    assert _page(employee, f"/me/applications/{draft.pk}/") == 200


def test_an_administrator_opens_a_draft_but_no_list_shows_it(world):
    draft = draft_application(world.users["individual_sh"], world.sh_flex, "flexible_pause",
                              end=today() + dt.timedelta(days=30))
    admin = world.users["admin"]
    assert draft in applications_visible_to(admin)
    assert world.api["admin"].get(f"/applications/{draft.pk}").status_code == 200
    assert _page(admin, f"/officer/applications/{draft.pk}/") == 200
    assert draft.pk not in _ids(world.api["admin"])
    client = Client()
    client.force_login(admin)
    assert draft.reference not in client.get("/officer/", {"status": "all"}).content.decode()


def test_the_employee_never_gets_the_legal_representatives_id(world):
    agent = world.users["unit_agent"]
    app = draft_application(agent, world.bj_employee, "enlistment", end=today() + dt.timedelta(days=30))
    # the bureau holds the legal representative's ID; a unit that attaches a copy anyway keeps it private
    rep = document_add(actor=agent, application=app, kind="legal_rep_id_card", data=PNG_1PX, filename="rep.png")
    app = application_submit(actor=agent, application=app)
    employee = world.api["individual"]
    assert rep.pk not in [d["id"] for d in employee.get(f"/applications/{app.pk}").json()["documents"]]
    assert employee.get(f"/applications/{app.pk}/documents/{rep.pk}").status_code == 404
    ordinary = app.documents.exclude(kind="legal_rep_id_card").first()
    assert employee.get(f"/applications/{app.pk}/documents/{ordinary.pk}").status_code == 200
    assert rep.pk in [d["id"] for d in world.api["unit_agent"].get(f"/applications/{app.pk}").json()["documents"]]
    assert world.api["unit_agent"].get(f"/applications/{app.pk}/documents/{rep.pk}").status_code == 200
    assert world.api["officer"].get(f"/applications/{app.pk}/documents/{rep.pk}").status_code == 200
    assert rep not in documents_visible_to(world.users["individual"], app)


def test_a_document_of_an_application_out_of_reach_is_never_visible(world):
    app = submitted_application(world.users["unit_agent"], world.bj_employee, "enlistment",
                                end=today() + dt.timedelta(days=30))
    assert not documents_visible_to(world.users["officer_sh"], app).exists()
    assert not documents_visible_to(make_user("institution", institution_name="医院"), app).exists()
