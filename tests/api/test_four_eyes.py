"""Decisions, four eyes (docs/api.md, second release): an officer may not decide an
application they filed or uploaded documents to -> 403 `four_eyes`."""

from __future__ import annotations

import datetime as dt

import pytest

from medpause.accounts.services import token_issue
from medpause.cases.models import Application
from medpause.common.dates import today
from tests.api.conftest import Api, error_of, submitted_application
from tests.factories import PNG_1PX, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("action", "body"), [
    ("approve", {}),
    ("reject", {"reason": "Not in order."}),
    ("request-supplement", {"reason": "Clearer copy.", "documents": ["identity"]}),
])
def test_the_officer_who_filed_at_the_counter_gets_four_eyes(world, action, body):
    filer = world.users["officer_sh"]
    app = submitted_application(filer, world.sh_flex, "flexible_pause", today(), today() + dt.timedelta(days=60))
    response = world.api["officer_sh"].post(f"/applications/{app.pk}/{action}", body)
    assert response.status_code == 403, response.content
    error = error_of(response)
    assert error["code"] == "four_eyes"
    assert Application.objects.get(pk=app.pk).status == "submitted"

    second = Api(token_issue(user=make_user("officer", region="310000")))
    assert second.post(f"/applications/{app.pk}/{action}", body).status_code == 200


def test_an_officer_who_uploaded_a_document_gets_four_eyes(world):
    me = world.users["individual_sh"]
    app = submitted_application(me, world.sh_flex, "flexible_pause", today(), today() + dt.timedelta(days=60))
    second = Api(token_issue(user=make_user("officer", region="310000")))
    asked = second.post(f"/applications/{app.pk}/request-supplement", {"reason": "Clearer.", "documents": ["identity"]})
    assert asked.status_code == 200, asked.content
    uploaded = world.api["officer_sh"].upload(f"/applications/{app.pk}/documents", "id_card", PNG_1PX)
    assert uploaded.status_code == 201, uploaded.content
    assert world.api["individual_sh"].post(f"/applications/{app.pk}/submit", {}).status_code == 200
    response = world.api["officer_sh"].post(f"/applications/{app.pk}/approve", {})
    assert response.status_code == 403 and error_of(response)["code"] == "four_eyes"
