"""Writing the moves of the state machine (cases.states.move / walk): the history row an
applicant and an officer read (ApplicationEvent) and the audit event of each move.

The one writer of application states: a single transition (transitions._move) and a batch
file's thousands (batches.apply) make their moves with cases.states and write them through
these functions, one row or many at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from medpause.cases.models import ApplicationEvent
from medpause.cases.states import Move
from medpause.common.bulk import Inserter

HISTORY_COLUMNS = ("application_id", "action", "from_status", "to_status", "actor_id", "actor_role", "note")


def history_row(application_id: int, move: Move, *, actor, role: str, note: str = "") -> tuple:
    """The values of the move's history row, in HISTORY_COLUMNS order."""
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    return (application_id, move.action, move.source, move.target, actor_id, role, note)


def write_history(rows: Iterable[Sequence], *, at: dt.datetime) -> int:
    """Insert history rows (from history_row), all dated `at`."""
    return Inserter(ApplicationEvent, HISTORY_COLUMNS, {"at": at}, now=at).insert(rows)


def audit_entry(move: Move, *, target, actor, role: str, note: str = "", data: dict | None = None) -> dict:
    """The audit event of a move, as audit_record and audit_record_many take it."""
    return {
        "actor": actor, "role": role, "action": f"application.{move.action}", "target": target,
        "data": {"from": move.source, "to": move.target, "note": note, **(data or {})},
    }


def publish_history(source: str, expressions: Sequence[str], *, at: dt.datetime, where: str = "",
                    params: Sequence = ()) -> int:
    """Insert history rows staged elsewhere (a batch's, see batches.publish) with one
    INSERT ... SELECT: `expressions` give HISTORY_COLUMNS from `source`, all dated `at`."""
    return Inserter(ApplicationEvent, HISTORY_COLUMNS, {"at": at}, now=at).insert_select(
        source, expressions, where, params
    )
