from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from medpause.audit.models import AuditEvent, AuditHead
from medpause.common.bulk import Inserter

SYSTEM_ROLE = "system"


def _canonical(event: dict[str, Any]) -> bytes:
    return json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def _event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + _canonical(fields)).hexdigest()


def _fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "actor_role": event.actor_role,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "data": event.data,
    }


def audit_record(*, actor, action: str, target, data: dict | None = None, role: str | None = None) -> AuditEvent:
    """Append one event. Runs inside the caller's transaction: if the change rolls back, so does
    its event. `target` is a model instance or a (type, id) pair."""
    if isinstance(target, tuple):
        target_type, target_id = target
    else:
        target_type, target_id = target._meta.label_lower, target.pk
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor=actor if actor is not None and getattr(actor, "pk", None) else None,
            actor_username=getattr(actor, "username", "") or "",
            actor_role=role or getattr(actor, "role", None) or SYSTEM_ROLE,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            data=_plain(data),
            prev_hash=head.hash,
        )
        event.hash = _event_hash(head.hash, _fields(event))
        event.save()
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


class _Event:
    """What _fields reads of an AuditEvent, without a model instance per event."""

    __slots__ = ("seq", "at", "actor_id", "actor_username", "actor_role", "action", "target_type", "target_id",
                 "data")


def audit_record_many(events: list[dict], *, now=None) -> int:
    """Append many events at once (a batch file's thousands): the same chain and hashing as
    audit_record, the head row locked once, the events inserted with one executemany. Each
    item: {"actor", "action", "target": (type, id), "data"?, "role"?}. Runs inside the
    caller's transaction. Returns how many were appended."""
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


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    problem: str = ""


def audit_verify(*, chunk: int = 2000) -> VerifyResult:
    """Walk the chain in order; report the first event whose link or content does not match."""
    prev_hash, expected_seq, checked = "0" * 64, 1, 0
    last_seq = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq")[:chunk])
        if not batch:
            break
        for event in batch:
            if event.seq != expected_seq:
                return VerifyResult(False, checked, expected_seq, f"event {expected_seq} is missing")
            if event.prev_hash != prev_hash:
                return VerifyResult(False, checked, event.seq, "link to the previous event does not match")
            if _event_hash(prev_hash, _fields(event)) != event.hash:
                return VerifyResult(False, checked, event.seq, "content does not match its hash")
            prev_hash, expected_seq, last_seq = event.hash, expected_seq + 1, event.seq
            checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.seq != checked:
        return VerifyResult(False, checked, checked + 1, "events after the last one found are missing")
    return VerifyResult(True, checked)
