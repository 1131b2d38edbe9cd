"""Verifying the audit trail (ADR 0010).

A run checks, in this order, and reports the first failure:

1. the head row: present whenever events are, and carrying its signature (seq, hash and the
   end of the unkeyed part, HMAC under the audit key);
2. the signed checkpoints of earlier runs and the latest anchor written outside the database:
   the chain may not end before any of them (events deleted with the head set back);
3. the walk: from the latest checkpoint whose signature and hash still match (or from the
   first event with `full`), every event's number, link and keyed hash; plain SHA-256 links
   only up to the sealed end of the unkeyed part;
4. the end: the head points at the last event; the anchored event has the anchored hash;
5. after resuming from a checkpoint: no event before it is missing (a count) and a random
   sample of the events before it still hash right, so an edit there is found sooner or later
   between two full runs.

6. the events that carry the digest of many rows (a batch file's, `register_digest`) among
   those walked: the digest recomputed from the rows as they stand must be the one carried, so
   a changed, added or removed row of a batch is found.

A clean run stores a new signed checkpoint where it ended.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from medpause.audit.anchors import AnchorError, latest_anchor
from medpause.audit.chain import GENESIS, chain_hash, event_fields, sign, signature_ok
from medpause.audit.models import AuditCheckpoint, AuditEvent, AuditHead, Scheme

_COLUMNS = (
    "seq",
    "at",
    "actor_id",
    "actor_username",
    "actor_role",
    "action",
    "target_type",
    "target_id",
    "data",
    "scheme",
    "prev_hash",
    "hash",
)


@dataclass
class VerifyResult:
    ok: bool
    checked: int  # events walked this run
    broken_seq: int | None = None
    problem: str = ""
    resumed_from: int = 0  # the checkpoint's event the walk started after; 0: from the first event
    sampled: int = 0  # events before the checkpoint checked at random
    last_seq: int = 0
    anchor_seq: int | None = None  # the latest anchor the chain was checked against
    notes: list[str] = field(default_factory=list)


_DIGESTS: dict[str, Callable[[str, dict], str | None]] = {}


def register_digest(action: str, recompute: Callable[[str, dict], str | None]) -> None:
    """How to recompute the `rows_sha256` an event of `action` carries, from its target id and
    data (None: the event carries none). A higher app registers it when ready (batches)."""
    _DIGESTS[action] = recompute


def _digests(after: int) -> None:
    """Check the row digests of the events after `after`, or _Broken."""
    if not _DIGESTS:
        return
    found = AuditEvent.objects.filter(action__in=list(_DIGESTS), seq__gt=after).order_by("seq")
    for seq, action, target_id, data in found.values_list("seq", "action", "target_id", "data").iterator():
        expected = (data or {}).get("rows_sha256")
        if expected is None:
            continue
        if _DIGESTS[action](target_id, data) != expected:
            raise _Broken(seq, "the rows this event carries the digest of were changed, added or removed")


_SHA256 = int(Scheme.SHA256)
_SCHEMES = frozenset(Scheme.values)


class _Row:
    """What event_fields reads, from a values_list row (no model instance per event)."""

    __slots__ = _COLUMNS

    def __init__(self, values):
        (self.seq, self.at, self.actor_id, self.actor_username, self.actor_role, self.action, self.target_type,
         self.target_id, self.data, self.scheme, self.prev_hash, self.hash) = values


def checkpoint_signature(seq: int, hash_: str, at) -> str:
    return sign("checkpoint", seq, hash_, at.isoformat())


class _Broken(Exception):
    def __init__(self, seq: int | None, problem: str):
        super().__init__(problem)
        self.seq, self.problem = seq, problem


def _link_ok(row: _Row, prev_hash: str, legacy_until: int) -> str | None:
    """None if the event is linked and hashed right after `prev_hash`, else the problem."""
    if row.prev_hash != prev_hash:
        return "link to the previous event does not match"
    if row.scheme == _SHA256 and row.seq > legacy_until:
        return "an unkeyed link after the keyed chain began"
    if row.scheme not in _SCHEMES:
        return "unknown link scheme"
    if chain_hash(prev_hash, event_fields(row), scheme=row.scheme) != row.hash:
        return "content does not match its hash"
    return None


def _head(events_exist: bool) -> AuditHead | None:
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        if events_exist:
            last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
            raise _Broken(last + 1, "the head row is missing: the last events may have been removed with it")
        return None
    if head.seq == 0 and not head.signature and not events_exist:
        return head  # nothing written yet
    if not signature_ok(head.signature, "head", head.seq, head.hash, head.legacy_until):
        raise _Broken(head.seq, "the head row does not carry its signature: it was altered or set back")
    return head


def _checkpoints(head_seq: int) -> list[AuditCheckpoint]:
    """The signed checkpoints, newest first; a forged one, or one past the end, is a failure."""
    found = list(AuditCheckpoint.objects.order_by("-seq", "-pk"))
    for cp in found:
        if not signature_ok(cp.signature, "checkpoint", cp.seq, cp.hash, cp.at.isoformat()):
            raise _Broken(cp.seq, f"the checkpoint at event {cp.seq} does not carry its signature")
    if found and found[0].seq > head_seq:
        raise _Broken(
            head_seq + 1,
            f"events after {head_seq} are missing: a verified checkpoint reached event {found[0].seq}",
        )
    return found


def _start(checkpoints: list[AuditCheckpoint]) -> AuditCheckpoint | None:
    """The latest checkpoint whose event still has its hash and before which nothing is missing."""
    for cp in checkpoints:
        stored = AuditEvent.objects.filter(seq=cp.seq).values_list("hash", flat=True).first()
        if stored != cp.hash:
            continue  # changed since: an earlier start walks over it and names the break
        if AuditEvent.objects.filter(seq__lte=cp.seq).count() != cp.seq:
            return None  # an event before it was removed: the full walk names which
        return cp
    return None


def _walk(result: VerifyResult, start: AuditCheckpoint | None, legacy_until: int, chunk: int) -> str:
    """Walk from `start` to the end, counting in `result`; returns the last hash, or _Broken."""
    prev_hash, last_seq = (start.hash, start.seq) if start else (GENESIS, 0)
    while True:
        rows = list(
            AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq").values_list(*_COLUMNS)[:chunk]
        )
        if not rows:
            result.last_seq = last_seq
            return prev_hash
        for values in rows:
            row = _Row(values)
            if row.seq != last_seq + 1:
                raise _Broken(last_seq + 1, f"event {last_seq + 1} is missing")
            problem = _link_ok(row, prev_hash, legacy_until)
            if problem:
                raise _Broken(row.seq, problem)
            prev_hash, last_seq = row.hash, row.seq
            result.checked += 1


def _sample(upto: int, size: int, legacy_until: int) -> int:
    """Check `size` random events up to `upto` (each one's hash over its stored link, and the
    next event's link to it); returns how many were checked, or _Broken."""
    if upto <= 0 or size <= 0:
        return 0
    picked = sorted(random.SystemRandom().sample(range(1, upto + 1), min(size, upto)))
    wanted = set(picked) | {s + 1 for s in picked if s < upto}
    rows = {v[0]: _Row(v) for v in AuditEvent.objects.filter(seq__in=wanted).values_list(*_COLUMNS)}
    for seq in picked:
        row = rows.get(seq)
        if row is None:
            raise _Broken(seq, f"event {seq} is missing")
        problem = _link_ok(row, row.prev_hash, legacy_until)
        if problem:
            raise _Broken(seq, problem)
        after = rows.get(seq + 1)
        if after is not None and after.prev_hash != row.hash:
            raise _Broken(seq + 1, "link to the previous event does not match")
    return len(picked)


def audit_verify(
    *,
    chunk: int = 2000,
    full: bool = False,
    sample: int = 1000,
    anchors: str | Path | None = None,
    checkpoint: bool = True,
) -> VerifyResult:
    """Verify the chain (see the module's description). `full` walks every event; `anchors`
    is the anchor file to check against (default: MEDPAUSE_AUDIT_ANCHOR when it is a file)."""
    result = VerifyResult(ok=False, checked=0)
    try:
        events_exist = AuditEvent.objects.exists()
        head = _head(events_exist)
        head_seq = head.seq if head else 0
        legacy_until = head.legacy_until if head else 0
        checkpoints = _checkpoints(head_seq)
        try:
            anchor, note = latest_anchor(anchors)
        except AnchorError as exc:
            raise _Broken(None, str(exc)) from exc
        if note:
            result.notes.append(note)
        if anchor is not None:
            result.anchor_seq = anchor["seq"]
            if anchor["seq"] > head_seq:
                raise _Broken(
                    head_seq + 1,
                    f"the chain ends at event {head_seq}, before its anchor at event "
                    f"{anchor['seq']}: events were removed",
                )
        start = None if full else _start(checkpoints)
        result.resumed_from = start.seq if start else 0
        last_hash = _walk(result, start, legacy_until, chunk)
        if result.last_seq != head_seq:
            raise _Broken(
                result.last_seq + 1,
                "events after the last one found are missing"
                if result.last_seq < head_seq
                else "events were added past the head",
            )
        if head is not None and head.hash != last_hash:
            raise _Broken(head_seq, "the head does not point at the last event")
        if anchor is not None and anchor["seq"] > 0:
            stored = AuditEvent.objects.filter(seq=anchor["seq"]).values_list("hash", flat=True).first()
            if stored != anchor["hash"]:
                raise _Broken(anchor["seq"], "the event differs from its anchor")
        _digests(start.seq if start else 0)
        if start is not None:
            result.sampled = _sample(start.seq, sample, legacy_until)
    except _Broken as exc:
        result.broken_seq = exc.seq
        result.problem = exc.problem
        return result
    result.ok = True
    if checkpoint and result.last_seq > 0 and (full or result.last_seq > result.resumed_from):
        at = timezone.now()
        AuditCheckpoint.objects.create(
            seq=result.last_seq,
            hash=last_hash,
            at=at,
            full=full or start is None,
            signature=checkpoint_signature(result.last_seq, last_hash, at),
        )
    return result
