"""The data migration encrypts the ID numbers stored in plain text before (and, backwards,
writes them in plain text again)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from medpause.common.encryption import id_number_hash
from medpause.policy.models import Region
from medpause.registry.models import Person, Unit
from tests.factories import id_number, uscc_code

BEFORE, AFTER = ("registry", "0001_initial"), ("registry", "0005_employment")


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


def columns(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_plain_numbers_are_encrypted_by_the_migration_and_back():
    region = Region.objects.get(code="110000").pk
    numbers = [id_number("110105") for _ in range(3)]
    rep = id_number("110105")
    migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO registry_unit (name, uscc, region_id, legal_representative_name, "
                "legal_representative_id_number, created_at) VALUES (%s, %s, %s, %s, %s, CURRENT_TIMESTAMP)",
                ["Old Unit", uscc_code(), region, "张法人", rep.lower()],
            )
            for n in numbers:
                cursor.execute(
                    "INSERT INTO registry_person (name, id_number, region_id, category, contribution_base, "
                    "retired, created_at) VALUES (%s, %s, %s, 'flexible', 8000, %s, CURRENT_TIMESTAMP)",
                    ["旧数据", n, region, False],
                )
    finally:
        migrate(AFTER)
    stored = columns("SELECT id_number, id_number_hash, id_number_masked FROM registry_person ORDER BY id")
    assert len(stored) == 3
    for n, (cipher, hashed, masked) in zip(numbers, stored, strict=True):
        assert n not in cipher and cipher.startswith("k") and ":" in cipher
        assert hashed == id_number_hash(n) and masked == n[:6] + "********" + n[-4:]
        assert Person.objects.by_id_number(n).get().id_number == n
    [(cipher, masked)] = columns(
        "SELECT legal_representative_id_number, legal_representative_id_masked FROM registry_unit"
    )
    assert rep not in cipher.upper() and masked == rep[:6] + "********" + rep[-4:]
    assert Unit.objects.get().legal_representative_id_number == rep  # normalised on the way
    migrate(BEFORE)
    try:
        assert sorted(r[0] for r in columns("SELECT id_number FROM registry_person")) == sorted(numbers)
    finally:
        migrate(AFTER)
    assert sorted(p.id_number for p in Person.objects.all()) == sorted(numbers)
