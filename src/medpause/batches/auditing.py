"""audit_record_many: append many events to the hash chain in one go.

The same chain as medpause.audit.services.audit_record, with that module's own hashing
(_event_hash over _fields, reused, not copied): the head row is locked once, each event links
to the previous one's hash, the events are inserted with one executemany and the head moves to
the last one. Runs inside the caller's transaction, so a rolled-back batch leaves no events."""

from __future__ import annotations

import json

from django.db import transaction
from django.utils import timezone

from medpause.audit.models import AuditEvent, AuditHead
from medpause.audit.services import SYSTEM_ROLE, _event_hash, _fields
from medpause.batches.bulk import Inserter


class _Event:
    """What _fields reads of an AuditEvent, without a model instance per event."""

    __slots__ = ("seq", "at", "actor_id", "actor_username", "actor_role", "action", "target_type", "target_id",
                 "data")


def audit_record_many(events: list[dict], *, now=None) -> int:
    """Each item: {"actor", "action", "target": (type, id), "data", "role"?}. Returns how many."""
    if not events:
        return 0
    now = now or timezone.now()
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
        seq, prev_hash = head.seq, head.hash
        rows = []
        for item in events:
            actor = item.get("actor")
            target_type, target_id = item["target"]
            seq += 1
            e = _Event()
            e.seq, e.at = seq, now
            e.actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
            e.actor_username = getattr(actor, "username", "") or ""
            e.actor_role = item.get("role") or getattr(actor, "role", None) or SYSTEM_ROLE
            e.action, e.target_type, e.target_id = item["action"], target_type, str(target_id)
            e.data = _plain(item.get("data"))
            digest = _event_hash(prev_hash, _fields(e))
            rows.append((seq, e.actor_id, e.actor_username, e.actor_role, e.action, e.target_type, e.target_id,
                         e.data, prev_hash, digest))
            prev_hash = digest
        Inserter(
            AuditEvent,
            ["seq", "actor_id", "actor_username", "actor_role", "action", "target_type", "target_id", "data",
             "prev_hash", "hash"],
            {"at": now},
        ).insert(rows)
        head.seq, head.hash = seq, prev_hash
        head.save(update_fields=["seq", "hash"])
    return len(rows)


def _plain(data: dict | None) -> dict:
    """JSON-safe data, as audit_record stores it (dates become strings)."""
    if not data:
        return {}
    if all(isinstance(v, str | int | bool | type(None)) and not isinstance(v, float) for v in data.values()):
        return dict(data)
    return json.loads(json.dumps(data, default=str))
