"""Two employments of one person recorded at the same instant (two units taking them on, on
PostgreSQL with real threads and connections): the person's row lock serialises them, exactly
one is recorded and the other is refused (ADR 0014, ADR 0015); never two open periods."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from medpause.cases.services.employment import employment_start
from medpause.common.dates import today
from medpause.common.errors import DomainError
from medpause.registry.models import Employment, Person
from tests.factories import make_person, make_unit, make_user

ROUNDS = 8

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent writers need PostgreSQL (SQLite serialises every writer)")


def _together(calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except DomainError as exc:
            results[i] = exc.code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_two_units_taking_one_person_on_at_once_one_is_recorded():
    units = [make_unit("110000", name=f"Unit {i}") for i in range(2)]
    agents = [make_user("unit_agent", unit=u) for u in units]
    for round_ in range(ROUNDS):
        person = make_person("110000", category="flexible", issued_on=today() - dt.timedelta(days=100))
        start = today() - dt.timedelta(days=round_ % 3)
        results = _together([
            lambda u=u, a=a, p=person, s=start: employment_start(
                person=Person.objects.get(pk=p.pk), unit=u, start_date=s, actor=a, id_number=p.id_number)
            for u, a in zip(units, agents, strict=True)
        ])
        recorded = [r for r in results if isinstance(r, Employment)]
        assert len(recorded) == 1, f"round {round_}: {results}"
        refused = [r for r in results if isinstance(r, str)]
        assert refused in (["invalid_dates"], ["already_employed"]), f"round {round_}: {results}"
        assert Employment.objects.filter(person=person, end_date__isnull=True).count() == 1
        person.refresh_from_db()
        assert person.unit_id == recorded[0].unit_id
