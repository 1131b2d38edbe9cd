"""Anchors: the signed head of the audit chain, written outside the database (ADR 0010).

`audit_anchor()` appends one JSON line `{"seq", "hash", "at", "signature"}` to the file named
by MEDPAUSE_AUDIT_ANCHOR (opened with O_APPEND: earlier lines are never rewritten), or POSTs
it as JSON to that address when it is an `https://` URL (a log service, another host, WORM
storage). Run it on a schedule (`medpause audit anchor`, or this function from a task
scheduler). `audit verify` then fails when the chain ends before the latest anchor or the
anchored event has another hash: deleting the last events together with the head row, or
setting the head back, is found even by someone who also removed the database's checkpoints.
"""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from medpause.audit.chain import sign, signature_ok
from medpause.audit.models import AuditEvent, AuditHead

HTTP_TIMEOUT = 10


class AnchorError(Exception):
    """An anchor cannot be written, or the anchors read back do not check out."""


def anchor_target() -> str:
    return str(getattr(settings, "MEDPAUSE_AUDIT_ANCHOR", "") or "")


def _is_url(target: str) -> bool:
    return target.startswith(("https://", "http://"))


def anchor_signature(seq: int, hash_: str, at: str) -> str:
    return sign("anchor", seq, hash_, at)


def _read(path: Path) -> list[dict]:
    """Every anchor of the file, each checked against its signature."""
    anchors = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            seq, hash_, at, signature = (
                int(item["seq"]),
                str(item["hash"]),
                str(item["at"]),
                str(item["signature"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise AnchorError(f"{path}, line {number}: not an anchor") from exc
        if not signature_ok(signature, "anchor", seq, hash_, at):
            raise AnchorError(f"{path}, line {number}: the anchor does not carry its signature")
        anchors.append({"seq": seq, "hash": hash_, "at": at, "signature": signature})
    return anchors


def latest_anchor(path: str | Path | None = None) -> tuple[dict | None, str]:
    """(the anchor reaching furthest, a note for the operator). `path` defaults to
    MEDPAUSE_AUDIT_ANCHOR when that is a file; anchors POSTed to an address are checked by
    passing a copy of them as `path`."""
    if path is None:
        target = anchor_target()
        if not target:
            return (
                None,
                "no anchor is configured (MEDPAUSE_AUDIT_ANCHOR): "
                "a removed tail is found only by checkpoints",
            )
        if _is_url(target):
            return (
                None,
                "anchors are sent to an address: pass a copy of them with --anchors to check against them",
            )
        path = target
    anchors = _read(Path(path))
    if not anchors:
        return None, f"no anchor written to {path} yet"
    return max(anchors, key=lambda a: a["seq"]), ""


def _post(url: str, body: bytes) -> None:
    if not url.startswith("https://"):
        raise ImproperlyConfigured("MEDPAUSE_AUDIT_ANCHOR: an address must be https://")
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
            status = response.status
    except OSError as exc:
        raise AnchorError(f"the anchor could not be sent: {exc}") from exc
    if not 200 <= status < 300:
        raise AnchorError(f"the anchor was refused: HTTP {status}")


def _append(path: Path, line: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def audit_anchor(*, target: str | None = None) -> dict:
    """Write the signed head of the chain outside the database; returns the anchor. Refuses
    (AnchorError) a head that is unsigned, does not point at its last event, or lies before
    the latest anchor of the same file: anchoring must never bless a chain that was cut."""
    target = target if target is not None else anchor_target()
    if not target:
        raise ImproperlyConfigured("MEDPAUSE_AUDIT_ANCHOR names no file or address")
    head = AuditHead.objects.filter(pk=1).first()
    seq, hash_ = (head.seq, head.hash) if head else (0, "0" * 64)
    if head is not None and seq > 0:
        if not signature_ok(head.signature, "head", head.seq, head.hash, head.legacy_until):
            raise AnchorError("the head row does not carry its signature: run `medpause audit verify --full`")
        if AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first() != hash_:
            raise AnchorError(f"the head does not point at event {seq}: run `medpause audit verify --full`")
    if not _is_url(target):
        previous, _note = latest_anchor(target)
        if previous is not None and (
            previous["seq"] > seq or (previous["seq"] == seq and previous["hash"] != hash_)
        ):
            raise AnchorError(
                f"the chain ends at event {seq}, before the latest anchor at event {previous['seq']}"
            )
    at = timezone.now().isoformat()
    anchor = {"seq": seq, "hash": hash_, "at": at, "signature": anchor_signature(seq, hash_, at)}
    line = json.dumps(anchor, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    if _is_url(target):
        _post(target, line)
    else:
        _append(Path(target), line)
    return anchor
