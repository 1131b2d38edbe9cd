"""Migration 0005 opens one employment period for each person already registered, from their
card's issue day, with their unit and category (ADR 0015)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from medpause.registry.models import Employment, Person
from tests.factories import make_person, make_unit

BEFORE, AFTER = ("registry", "0004_id_numbers_encrypted"), ("registry", "0005_employment")


def migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


@pytest.fixture(autouse=True)
def _whole_schema_afterwards():
    """Going back to a registry migration also unapplies every later migration that depends on
    it, in other apps too (coverage, transfers): leave the database at the latest of every app,
    as the next test on this worker expects."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_each_registered_person_gets_one_open_period():
    unit = make_unit("110000")
    employee = make_person("110000", unit=unit, issued_on=dt.date(2024, 3, 1))
    flexible = make_person("310000", category="flexible", issued_on=dt.date(2023, 7, 15))
    migrate(BEFORE)  # the table goes; the persons stay
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM registry_person")
            assert cursor.fetchone()[0] == 2
    finally:
        migrate(AFTER)
    periods = {p.person_id: p for p in Employment.objects.all()}
    assert len(periods) == Person.objects.count() == 2
    e, f = periods[employee.pk], periods[flexible.pk]
    assert (e.unit_id, e.category, e.start_date, e.end_date) == (unit.pk, "employee", dt.date(2024, 3, 1), None)
    assert (f.unit_id, f.category, f.start_date, f.end_date) == (None, "flexible", dt.date(2023, 7, 15), None)
