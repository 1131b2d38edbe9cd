"""Writing the audit trail: one event (`audit_record`), many at once (`audit_record_many`),
one read of personal data (`audit_read`). Verifying it and anchoring its head outside the
database live in audit.verify and audit.anchors; the hashing in audit.chain (ADR 0010)."""

from __future__ import annotations

import json

from django.db import transaction
from django.utils import timezone

from medpause.audit.anchors import audit_anchor
from medpause.audit.chain import audit_digest, chain_hash, event_fields, head_signature
from medpause.audit.models import AuditEvent, AuditHead, Scheme
from medpause.audit.verify import VerifyResult, audit_verify
from medpause.common.bulk import Inserter
from medpause.common.masking import mask_id_number, mask_text

__all__ = [
    "audit_anchor", "audit_digest", "audit_read", "audit_record", "audit_record_many", "audit_verify",
    "chain_hash", "VerifyResult", "SYSTEM_ROLE",
]

SYSTEM_ROLE = "system"


def _locked_head() -> AuditHead:
    head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
    return head


def _advance(head: AuditHead, seq: int, hash_: str) -> None:
    head.seq, head.hash = seq, hash_
    head.signature = head_signature(seq, hash_, head.legacy_until)
    head.save(update_fields=["seq", "hash", "signature"])


def audit_record(*, actor, action: str, target, data: dict | None = None, role: str | None = None) -> AuditEvent:
    """Append one event. Runs inside the caller's transaction: if the change rolls back, so does
    its event. `target` is a model instance or a (type, id) pair."""
    if isinstance(target, tuple):
        target_type, target_id = target
    else:
        target_type, target_id = target._meta.label_lower, target.pk
    with transaction.atomic():
        head = _locked_head()
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
            scheme=Scheme.HMAC_SHA256,
            prev_hash=head.hash,
        )
        event.hash = chain_hash(head.hash, event_fields(event))
        event.save()
        _advance(head, event.seq, event.hash)
    return event


class _Event:
    """What event_fields reads of an AuditEvent, without a model instance per event."""

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
        head = _locked_head()
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
            digest = chain_hash(prev_hash, event_fields(e))
            rows.append((seq, e.actor_id, e.actor_username, e.actor_role, e.action, e.target_type, e.target_id,
                         e.data, prev_hash, digest))
            prev_hash = digest
        Inserter(
            AuditEvent,
            ["seq", "actor_id", "actor_username", "actor_role", "action", "target_type", "target_id", "data",
             "prev_hash", "hash"],
            {"at": now, "scheme": Scheme.HMAC_SHA256},
        ).insert(rows)
        _advance(head, seq, prev_hash)
    return len(rows)


def _plain(data: dict | None) -> dict:
    """JSON-safe data, as audit_record stores it (dates become strings)."""
    if not data:
        return {}
    if all(isinstance(v, str | int | bool | type(None)) and not isinstance(v, float) for v in data.values()):
        return dict(data)
    return json.loads(json.dumps(data, default=str))


def audit_read(actor, action: str, target, *, id_number: str | None = None, **data) -> AuditEvent:
    """One read of personal data, in one line of the view that serves it:
    `audit_read(request.user, "document.view", document, application_id=app.pk)`.

    Actions: `document.view` (an uploaded document, page or API), `person.lookup` (a search by
    ID number, found or not: `target` the person or ("registry.person", "")), `person.view` (a
    page or answer showing a person's whole ID number), `certificate.download`. ID numbers
    never enter the trail: `id_number` is stored masked (110105********002X), and any
    18-character number left in a text value is masked all the same."""
    clean = {k: mask_text(v) if isinstance(v, str) else v for k, v in data.items()}
    if id_number is not None:
        clean["id_number_masked"] = mask_id_number((id_number or "").strip().upper())
    return audit_record(actor=actor, action=action, target=target, data=clean)
