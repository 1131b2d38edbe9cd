"""Eligibility reads go to the read replica, writes and every other read to "default"
(config/routers.py), seen by the queries each connection runs."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from medpause.accounts.services import token_issue
from medpause.common.dates import today
from medpause.coverage.selectors import eligibility
from medpause.coverage.services import settlement_create
from tests.api.conftest import Api
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def with_replica(settings):
    settings.MEDPAUSE_REPLICA_ALIAS = "replica"


def _captured():
    return CaptureQueriesContext(connections["default"]), CaptureQueriesContext(connections["replica"])


def _tables(queries) -> str:
    return " ".join(q["sql"] for q in queries)


def test_the_eligibility_selector_reads_from_the_replica(with_replica):
    card = make_person("110000").card.number
    on_default, on_replica = _captured()
    with on_default, on_replica:
        _card, status = eligibility(card_number=card, day=today())
    assert status.status == "active"
    assert "registry_card" in _tables(on_replica.captured_queries)
    assert "cases_suspension" in _tables(on_replica.captured_queries)
    assert on_default.captured_queries == []


def test_the_eligibility_endpoint_reads_from_the_replica_and_nothing_else_does(with_replica):
    card = make_person("110000").card.number
    api = Api(token_issue(user=make_user("institution", institution_name="Ruijin Hospital")))
    on_default, on_replica = _captured()
    with on_default, on_replica:
        r = api.get("/eligibility", {"card_number": card, "date": today().isoformat()})
        api.get("/regions")
    assert r.status_code == 200 and r.json()["eligible"] is True
    replica_sql = _tables(on_replica.captured_queries)
    assert "registry_card" in replica_sql
    assert "policy_region" not in replica_sql and "accounts_" not in replica_sql  # the token, the regions: default
    assert "policy_region" in _tables(on_default.captured_queries)


def test_a_settlement_reads_and_writes_on_default_only(with_replica):
    card = make_person("110000").card.number
    hospital = make_user("institution", institution_name="Huashan Hospital")
    on_default, on_replica = _captured()
    with on_default, on_replica:
        settlement, created = settlement_create(institution=hospital, card_number=card, date=today(), amount="88.00",
                                                institution_reference="HS-1")
    assert created and settlement.status == "accepted"
    assert on_replica.captured_queries == []  # it decides on the card's status: the primary's view
    default_sql = _tables(on_default.captured_queries)
    assert 'INSERT INTO "coverage_settlement"' in default_sql and "registry_card" in default_sql


def test_without_a_replica_everything_stays_on_default(settings):
    settings.MEDPAUSE_REPLICA_ALIAS = None
    card = make_person("110000").card.number
    on_default, on_replica = _captured()
    with on_default, on_replica:
        eligibility(card_number=card, day=today())
    assert on_replica.captured_queries == []
    assert "registry_card" in _tables(on_default.captured_queries)


def test_the_replica_is_never_migrated():
    from django.db import router

    assert router.allow_migrate("replica", "cases") is False
    assert router.allow_migrate("default", "cases") is True
    assert router.db_for_write(None) == "default"
