"""DELETE /applications/{id}/documents/{document_id}: the applicant takes back a file uploaded by
mistake before submitting; what the bureau has seen stays; whoever may not see the draft gets 404
(officers do not see drafts), a role that never handles applications 403."""

from __future__ import annotations

import datetime as dt

import pytest

from medpause.audit.models import AuditEvent
from medpause.cases.models import Document
from medpause.cases.services import application_request_supplement, application_submit, document_add
from medpause.common.dates import today
from tests.api.conftest import draft_application, error_of
from tests.factories import PNG_1PX, make_person, make_user

pytestmark = pytest.mark.django_db


def _draft(world):
    return draft_application(world.users["individual_sh"], world.sh_flex, "flexible_pause",
                             end=today() + dt.timedelta(days=30))


def test_the_applicant_removes_a_file_from_a_draft(world, django_capture_on_commit_callbacks):
    app = _draft(world)
    extra = document_add(actor=world.users["individual_sh"], application=app, kind="passport", data=PNG_1PX,
                         filename="wrong.png")
    stored = extra.file.name
    storage = extra.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        r = world.api["individual_sh"].delete(f"/applications/{app.pk}/documents/{extra.pk}")
    assert r.status_code == 204, r.content
    assert not Document.objects.filter(pk=extra.pk).exists()
    assert not storage.exists(stored)
    event = AuditEvent.objects.filter(action="document.remove").get()
    assert event.data["document_id"] == extra.pk
    detail = world.api["individual_sh"].get(f"/applications/{app.pk}").json()
    assert extra.pk not in [d["id"] for d in detail["documents"]]


def test_a_submitted_file_stays(world):
    app = _draft(world)
    app = application_submit(actor=world.users["individual_sh"], application=app)
    document = app.documents.first()
    r = world.api["individual_sh"].delete(f"/applications/{app.pk}/documents/{document.pk}")
    assert r.status_code == 409 and error_of(r)["code"] == "not_removable"
    assert Document.objects.filter(pk=document.pk).exists()


def test_answering_a_request_only_files_added_since_can_go(world):
    app = application_submit(actor=world.users["individual_sh"], application=_draft(world))
    app = application_request_supplement(actor=world.users["officer_sh"], application=app, reason="看不清",
                                         documents=["identity"])
    old = app.documents.first()
    new = document_add(actor=world.users["individual_sh"], application=app, kind="id_card", data=PNG_1PX,
                       filename="clearer.png")
    api = world.api["individual_sh"]
    assert api.delete(f"/applications/{app.pk}/documents/{old.pk}").status_code == 409
    assert api.delete(f"/applications/{app.pk}/documents/{new.pk}").status_code == 204


@pytest.mark.parametrize(("who", "status"), [("individual", 404), ("unit_agent", 404), ("officer", 404),
                                             ("institution", 403), ("officer_sh", 404)])
def test_others_cannot_remove_it(world, who, status):
    app = _draft(world)
    document = app.documents.first()
    r = world.api[who].delete(f"/applications/{app.pk}/documents/{document.pk}")
    assert r.status_code == status, r.content
    error_of(r)
    assert Document.objects.filter(pk=document.pk).exists()


def test_a_document_of_another_application_is_404(world):
    mine = _draft(world)
    someone = make_person("310000", category="flexible", name="王芳")
    theirs = draft_application(make_user("individual", person=someone), someone, "flexible_pause",
                               end=today() + dt.timedelta(days=30))
    foreign = theirs.documents.first()
    r = world.api["individual_sh"].delete(f"/applications/{mine.pk}/documents/{foreign.pk}")
    assert r.status_code == 404 and error_of(r)["code"] == "not_found"
    assert Document.objects.filter(pk=foreign.pk).exists()


def test_without_a_token_it_is_401(world, anon):
    app = _draft(world)
    r = anon.delete(f"/applications/{app.pk}/documents/{app.documents.first().pk}")
    assert r.status_code == 401
