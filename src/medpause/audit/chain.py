"""The hashing of the audit trail, in one place (ADR 0010).

- `chain_hash(prev_hash, fields, scheme)`: an event's link. Keyed events (the default) are
  HMAC-SHA-256 under the audit key, which lives outside the database (`common.keys`); events
  written before the keyed chain began were linked with plain SHA-256 and are checked so.
- `sign(kind, *parts)`: the HMAC of the head row, a checkpoint or an anchor, each kind
  domain-separated so one cannot stand in for another.
- `audit_digest(value)`: a plain SHA-256 of a value in canonical JSON, for an event that
  carries the digest of many rows (anyone holding the rows can recompute it; the event that
  carries it is keyed).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from medpause.audit.models import Scheme
from medpause.common.keys import audit_key

GENESIS = "0" * 64
_SHA256, _KEYED = int(Scheme.SHA256), int(Scheme.HMAC_SHA256)
_KEYED_PREFIX = b"medpause-audit-link-v2\n"
_macs: dict[bytes, Any] = {}


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def _mac():
    """A fresh HMAC-SHA-256 under the audit key (the keyed state is prepared once per key)."""
    key = audit_key()
    base = _macs.get(key)
    if base is None:
        base = _macs[key] = hmac.new(key, digestmod=hashlib.sha256)
    return base.copy()


def chain_hash(prev_hash: str, fields: dict[str, Any], *, scheme: int = _KEYED) -> str:
    """The hash an event with these fields must carry after an event hashed `prev_hash`."""
    body = prev_hash.encode() + b"\n" + canonical(fields)
    if scheme == _SHA256:
        return hashlib.sha256(body).hexdigest()
    if scheme != _KEYED:
        raise ValueError(f"unknown link scheme {scheme!r}")
    mac = _mac()
    mac.update(_KEYED_PREFIX + body)
    return mac.hexdigest()


def event_fields(event) -> dict[str, Any]:
    """What an event's hash covers: everything but its id, scheme and hashes (the previous
    hash is chained in by chain_hash; the scheme is bound by the key and the head's seal)."""
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


def sign(kind: str, *parts: Any) -> str:
    mac = _mac()
    mac.update(f"medpause-audit-{kind}-v1\n".encode() + "\n".join(str(p) for p in parts).encode())
    return mac.hexdigest()


def signature_ok(signature: str, kind: str, *parts: Any) -> bool:
    return bool(signature) and hmac.compare_digest(signature, sign(kind, *parts))


def head_signature(seq: int, hash_: str, legacy_until: int) -> str:
    return sign("head", seq, hash_, legacy_until)


def audit_digest(value: Any) -> str:
    """SHA-256 of a value (e.g. a batch's rows) in canonical JSON."""
    return hashlib.sha256(canonical(value)).hexdigest()


class RowsDigest:
    """A SHA-256 over many rows (each a JSON-able value in canonical JSON, one per line), fed one
    row at a time so that memory stays flat; the event that carries it is keyed."""

    def __init__(self):
        self._sha = hashlib.sha256()
        self.count = 0

    def add(self, row: Any) -> None:
        self._sha.update(canonical(row) + b"\n")
        self.count += 1

    def hexdigest(self) -> str:
        return self._sha.hexdigest()
