"""Two officers confirming the same revocation at the same instant, on PostgreSQL with real
threads and connections: one undoes the approval, the other hears 409 invalid_transition, and
the cover is undone once (ADR 0014: the person's row lock, then the application's)."""

from __future__ import annotations

import pytest

from medpause.accounts.services import token_issue
from medpause.cases.models import Application, ApplicationEvent
from medpause.common.dates import today
from tests.api.conftest import Api
from tests.cases.helpers import stop
from tests.cases.test_concurrency import _postgresql_only, _submit_together  # noqa: F401 - the fixture
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 6


def test_two_confirmations_at_once_undo_the_decision_once():
    officers = [make_user("officer", region="110000") for _ in range(3)]
    apis = [Api(token_issue(user=o)) for o in officers[1:]]
    for _round in range(ROUNDS):
        person = make_person("110000")
        app = stop(make_user("unit_agent", unit=person.unit), person, "resignation", today(), approve_by=officers[0])
        assert apis[0].post(f"/applications/{app.pk}/revoke", {"reason": "wrong"}).status_code == 200
        app = Application.objects.get(pk=app.pk)
        Application.objects.filter(pk=app.pk).update(revocation_requested_by=officers[0])  # neither confirmer asked
        answers = _submit_together([
            lambda api=api, pk=app.pk: api.post(f"/applications/{pk}/confirm-revocation") for api in apis
        ])
        codes = sorted(r.status_code for r in answers)
        assert codes == [200, 409], [r.content for r in answers]
        assert Application.objects.get(pk=app.pk).status == "revoked"
        assert not person.suspensions.exists()
        assert ApplicationEvent.objects.filter(application=app, action="confirm_revocation").count() == 1
