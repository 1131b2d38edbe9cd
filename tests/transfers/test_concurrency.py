"""On PostgreSQL with real threads and connections: two officers sending (or taking in) the same
transfer at the same instant move the balance once; the person and their unit asking at once
open one transfer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from medpause.accounts.services import token_issue
from medpause.common.dates import add_months, month_start, today
from medpause.coverage.models import AccountEntry
from medpause.coverage.services import contribution_record
from medpause.registry.models import Card
from medpause.transfers.models import Transfer
from tests.api.conftest import Api
from tests.cases.test_concurrency import _submit_together
from tests.factories import make_person, make_unit, make_user

ROUNDS = 6

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent writers need PostgreSQL (SQLite serialises every writer)")


def test_sending_and_taking_in_at_once_moves_the_balance_once():
    unit = make_unit("110000")
    bj = [Api(token_issue(user=make_user("officer", region="110000"))) for _ in range(2)]
    sh = [Api(token_issue(user=make_user("officer", region="310000"))) for _ in range(2)]
    agent = Api(token_issue(user=make_user("unit_agent", unit=unit)))
    for round_ in range(ROUNDS):
        person = make_person("110000", unit=unit)
        Card.objects.filter(person=person).update(issued_on=today() - dt.timedelta(days=400))
        contribution_record(person=person, month=add_months(month_start(today()), -1))
        me = Api(token_issue(user=make_user("individual", person=person)))
        body = {"person_id": person.pk, "to_region": "310000", "date": today().isoformat()}
        asked = _submit_together([lambda api=api, b=body: api.post("/transfers", b) for api in (me, agent)])
        assert sorted(r.status_code for r in asked) == [201, 409], f"round {round_}"
        tid = Transfer.objects.get(person=person).pk
        for officers, step in ((bj, "send"), (sh, "receive")):
            answers = _submit_together([lambda api=api, url=f"/transfers/{tid}/{step}": api.post(url)
                                        for api in officers])
            assert sorted(r.status_code for r in answers) == [200, 409], f"round {round_} {step}"
        kinds = list(AccountEntry.objects.filter(person=person, kind__startswith="transfer").values_list("kind", flat=True))
        assert sorted(kinds) == ["transfer_in", "transfer_out"], f"round {round_}"
