"""Benchmark: `audit verify` over N events, a full walk against a run that resumes from the
signed checkpoint of the previous one (with its random sample of earlier events, and without).

    .venv/bin/python bench/audit_verify.py                       # 100,000 events, then 1,000 more
    .venv/bin/python bench/audit_verify.py --events 1000000 --new 10000
    DATABASE_URL=postgres://… .venv/bin/python bench/audit_verify.py

Runs on a fresh SQLite database in a temporary data folder (or DATABASE_URL, whose tables it
empties first: never point it at a database that matters). The events are appended with
audit_record_many, 5,000 at a time (not measured). For comparison it also times the walk as
it was before the chain was keyed: model instances, plain SHA-256 (the same work, the hashes
not compared)."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _django(data_dir: str) -> None:
    os.environ["MEDPAUSE_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medpause.config.settings")
    os.environ.setdefault("MEDPAUSE_LOG_LEVEL", "WARNING")
    os.environ["MEDPAUSE_AUDIT_ANCHOR"] = str(Path(data_dir) / "anchors.jsonl")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _append(n: int, start: int) -> None:
    from django.db import transaction

    from medpause.audit.services import audit_record_many

    for offset in range(0, n, 5000):
        with transaction.atomic():
            audit_record_many([
                {"actor": None, "action": "bench.event", "target": ("cases.application", start + i),
                 "data": {"from": "submitted", "to": "approved", "reference": f"BJ-2026-{start + i:07d}"}}
                for i in range(offset, min(n, offset + 5000))
            ])


def _previous_walk(chunk: int = 2000) -> int:
    """The verifier as it was before the keyed chain: model instances, SHA-256 per event."""
    from medpause.audit.models import AuditEvent

    last, count = 0, 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:chunk])
        if not batch:
            return count
        for e in batch:
            fields = {"seq": e.seq, "at": e.at.isoformat(), "actor_id": e.actor_id, "actor_username": e.actor_username,
                      "actor_role": e.actor_role, "action": e.action, "target_type": e.target_type,
                      "target_id": e.target_id, "data": e.data}
            body = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
            hashlib.sha256(e.prev_hash.encode() + b"\n" + body.encode()).hexdigest()
            last, count = e.seq, count + 1


def _timed(label: str, func):
    started = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - started
    return label, elapsed, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=1_000, help="events appended between the two runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        _django(data_dir)
        from django.core.management import call_command

        from medpause.audit.models import AuditCheckpoint, AuditEvent, AuditHead
        from medpause.audit.services import audit_verify

        call_command("migrate", verbosity=0)
        AuditEvent.objects.all()._raw_delete(AuditEvent.objects.db)
        AuditCheckpoint.objects.all().delete()
        AuditHead.objects.update(seq=0, hash="0" * 64, legacy_until=0, signature="")
        print(f"database: {os.environ.get('DATABASE_URL', 'SQLite (default)')}; {args.events:,} events")
        _append(args.events, 0)
        rows = [_timed("previous full walk (SHA-256, model instances)", _previous_walk)]
        rows.append(_timed("verify --full", lambda: audit_verify(full=True, checkpoint=False)))
        rows.append(_timed("verify --full (stores a checkpoint)", lambda: audit_verify(full=True)))
        _append(args.new, args.events)
        rows.append(_timed(f"verify after {args.new:,} new events, no sample",
                           lambda: audit_verify(sample=0, checkpoint=False)))
        rows.append(_timed(f"verify after {args.new:,} new events, 1,000 sampled", lambda: audit_verify()))
        rows.append(_timed("verify, nothing new, 1,000 sampled", lambda: audit_verify()))
        for label, elapsed, result in rows:
            walked = result if isinstance(result, int) else result.checked
            ok = "" if isinstance(result, int) else ("ok" if result.ok else f"BROKEN {result.problem}")
            rate = f"{walked / elapsed:,.0f} events/s" if walked and elapsed else ""
            print(f"{label:<50} {elapsed:8.3f} s  {walked:>9,} walked  {rate:>18}  {ok}")


if __name__ == "__main__":
    main()
