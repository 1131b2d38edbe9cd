"""Two applications for overlapping stops of one person, submitted at the same instant by the
bureau's counter and by their unit (an employee stops through the unit:
employee_must_file_through_unit), on PostgreSQL with real threads and connections: exactly one goes
through, the other is refused 409 overlapping_suspension, whatever the timing (ADR 0008)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from medpause.accounts.services import token_issue
from medpause.cases.models import Application
from medpause.cases.services import application_create
from medpause.common.dates import today
from tests.api.conftest import Api
from tests.cases.helpers import upload_required
from tests.factories import make_person, make_unit, make_user

ROUNDS = 16

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent writers need PostgreSQL (SQLite serialises every writer)")


def _submit_together(calls):
    """Run the calls in threads released at the same instant; their HTTP responses in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_the_counter_and_the_unit_submitting_overlapping_stops_at_once_one_passes():
    unit = make_unit("310000", name="Shanghai Works")
    agent = make_user("unit_agent", unit=unit)
    agent_api = Api(token_issue(user=agent))
    start = today()
    for round_ in range(ROUNDS):
        person = make_person("310000", unit=unit)
        me = make_user("officer", region="310000")  # at the counter, for the person
        mine = application_create(actor=me, kind="stop", person=person, reason="resignation", start_date=start)
        theirs = application_create(
            actor=agent, kind="stop", person=person, reason="resignation", start_date=start + dt.timedelta(days=3),
        )
        upload_required(me, mine)
        upload_required(agent, theirs)
        my_api = Api(token_issue(user=me))
        responses = _submit_together([
            lambda a=mine, api=my_api: api.post(f"/applications/{a.pk}/submit"),
            lambda a=theirs: agent_api.post(f"/applications/{a.pk}/submit"),
        ])
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 409], f"round {round_}: {[(r.status_code, r.json()) for r in responses]}"
        refused = next(r for r in responses if r.status_code == 409)
        assert refused.json()["error"]["code"] == "overlapping_suspension"
        pending = Application.objects.filter(person=person).exclude(status="draft")
        assert pending.count() == 1, f"round {round_}: two stops of one person are being handled"
