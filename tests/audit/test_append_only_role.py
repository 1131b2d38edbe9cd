"""On PostgreSQL the application's role may append to the audit trail but not rewrite it: the
grants of docs/operations.md, run as written, in the test database (skipped on SQLite)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from medpause.audit.models import AuditCheckpoint, AuditEvent, AuditHead
from medpause.audit.services import audit_record, audit_verify

OPERATIONS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are PostgreSQL's")


def documented_grants(role: str) -> list[str]:
    block = re.search(
        r"```sql\n-- grants of the application role[^\n]*\n(.*?)```", OPERATIONS.read_text(), re.S
    )
    assert block, "the grants are documented in docs/operations.md"
    return [s.strip().replace("medpause_app", f'"{role}"') for s in block.group(1).split(";") if s.strip()]


def refused(sql: str, cursor) -> bool:
    import psycopg

    try:
        cursor.execute(sql)
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


@pytest.mark.django_db(transaction=True)
def test_the_application_role_appends_but_cannot_change_or_delete_events():
    import psycopg

    for i in range(3):
        audit_record(actor=None, action="test.event", target=("test", i))
    role = f"medpause_app_test_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN')
        for statement in documented_grants(role):
            cursor.execute(statement)
    try:
        # connected as the application role itself
        params = {**connection.get_connection_params(), "user": role}
        params.pop("password", None)
        params.pop("context", None)
        params.pop("cursor_factory", None)
        with psycopg.connect(**params, autocommit=True) as conn, conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM audit_auditevent")
            assert cursor.fetchone()[0] == 3
            assert refused("UPDATE audit_auditevent SET data = '{}' WHERE seq = 2", cursor)
            assert refused("DELETE FROM audit_auditevent WHERE seq = 3", cursor)
            assert refused("TRUNCATE audit_auditevent", cursor)
            assert refused("DELETE FROM audit_audithead", cursor)
            assert refused(
                "INSERT INTO audit_audithead (seq, hash, legacy_until, signature) VALUES (0, '', 0, '')",
                cursor,
            )
            assert refused("DELETE FROM audit_auditcheckpoint", cursor)
            assert not refused("UPDATE audit_audithead SET seq = seq WHERE id = 1", cursor)
        # the application itself, running under the role: appends, verifies, checkpoints
        with connection.cursor() as cursor:
            cursor.execute(f'SET ROLE "{role}"')
        try:
            event = audit_record(actor=None, action="test.appended", target=("test", 9))
            assert event.seq == 4
            result = audit_verify()
            assert result.ok and result.checked == 4
            assert AuditCheckpoint.objects.get().seq == 4
            with pytest.raises(ProgrammingError), transaction.atomic():
                AuditEvent.objects.filter(seq=2).update(action="forged")
            with pytest.raises(ProgrammingError), transaction.atomic():
                AuditEvent.objects.filter(seq=4)._raw_delete(AuditEvent.objects.db)
            with pytest.raises(ProgrammingError), transaction.atomic():
                AuditCheckpoint.objects.all().delete()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET ROLE")
        assert list(AuditEvent.objects.values_list("action", flat=True)) == ["test.event"] * 3 + [
            "test.appended"
        ]
        assert AuditHead.objects.get().seq == 4 and audit_verify(full=True).ok
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')
