"""Benchmark: a unit batch file of N stop rows, end to end, against a baseline measured in the
same run on the same database: a raw executemany insert of the same rows into a plain table.

    .venv/bin/python bench/batch.py                      # 10,000 and 100,000 rows, Beijing (queue)
    .venv/bin/python bench/batch.py --sizes 1000 --region 510100   # Chengdu: approved on the spot

Each size runs in fresh subprocesses on a fresh SQLite database (or DATABASE_URL): one prepares
the unit and its N employees (not measured), one times the baseline and the batch, one measures
the batch's peak Python memory with tracemalloc (slower, so it is not the timed run). Prints the
time ratio (goal: at most 5x the baseline) and the peak memory (goal: flat from 10k to 100k)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNTY = {"110000": "110105", "310000": "310104", "420100": "420102", "510100": "510112", "450300": "450302"}


def _django(data_dir: str) -> None:
    os.environ["MEDPAUSE_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medpause.config.settings")
    os.environ.setdefault("MEDPAUSE_LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def id_numbers(county: str, n: int):
    from stdnum.cn import ric

    start = dt.date(1990, 1, 1)
    for i in range(n):
        body = f"{county}{start + dt.timedelta(days=i // 900):%Y%m%d}{i % 900 + 100:03d}"
        yield body + ric.calc_check_digit(body + "0")


def prepare(data_dir: str, n: int, region_code: str, file_format: str = "csv") -> None:
    """A fresh database with policies, one unit, its agent and n employees (bulk, not measured)."""
    _django(data_dir)
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from medpause.accounts.services import user_create
    from medpause.policy.models import Region
    from medpause.policy.services import policies_load
    from medpause.registry.models import Card, Person
    from medpause.registry.services import unit_register

    policies_load()
    region = Region.objects.get(code=region_code)
    county = COUNTY[region_code]
    from stdnum.cn import ric, uscc

    body = "91110000000000001"
    unit = unit_register(
        name="Bench Unit", uscc=body + uscc.calc_check_digit(body), region=region,
        legal_representative_name="张法人", legal_representative_id_number=next(id_numbers("110105", 1)),
    )
    user_create(username="bench.agent", password="bench-password-1", role="unit_agent", unit=unit)
    numbers = list(id_numbers(county, n))
    assert all(ric.is_valid(x) for x in numbers[:10])
    with transaction.atomic():
        for start in range(0, n, 5000):
            part = numbers[start:start + 5000]
            people = Person.objects.bulk_create([
                Person(name=f"员工{start + i}", id_number=x, region=region, category="employee", unit=unit,
                       contribution_base="8000.00")
                for i, x in enumerate(part)
            ])
            Card.objects.bulk_create([
                Card(person=p, number=f"{region_code}{p.pk:010d}", issued_on=dt.date(2020, 1, 1)) for p in people
            ])
    day = dt.date.today()
    with open(Path(data_dir) / "rows.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write("id_number,reason,start_date,end_date\r\n")
        for x in numbers:
            fh.write(f"{x},resignation,{day.isoformat()},\r\n")
    if file_format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(["id_number", "reason", "start_date", "end_date"])
        for x in numbers:
            sheet.append([x, "resignation", day.isoformat(), None])
        workbook.save(Path(data_dir) / "rows.xlsx")


def _baseline(rows_path: Path) -> float:
    """executemany of the same rows into a plain table of the same database, one transaction."""
    import csv

    from django.db import connection, transaction

    with open(rows_path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        rows = [tuple(r) for r in reader]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_rows")
        cursor.execute(
            "CREATE TABLE bench_rows (id_number varchar(18), reason varchar(32), start_date date, end_date date)"
        )
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_rows (id_number, reason, start_date, end_date) VALUES (%s, %s, %s, %s)",
            [(a, b, c, d or None) for a, b, c, d in rows],
        )
    return time.perf_counter() - t0


def _batch(data_dir: str):
    from django.core.files import File
    from django.test.utils import override_settings

    from medpause.accounts.models import User
    from medpause.batches.services import batch_create, batch_run

    agent = User.objects.get(username="bench.agent")
    name = "rows.xlsx" if (Path(data_dir) / "rows.xlsx").exists() else "rows.csv"
    # As Django hands over a large upload: a file on disk, never the whole content in memory.
    with open(Path(data_dir) / name, "rb") as fh, override_settings(MEDPAUSE_BATCH_RUNNER="off"):
        batch = batch_create(actor=agent, kind="stop", upload=File(fh, name=name), filename=name)
    return batch_run(batch_id=batch.pk)


def timed(data_dir: str) -> dict:
    _django(data_dir)
    import resource

    base = _baseline(Path(data_dir) / "rows.csv")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    result = _batch(data_dir)
    seconds = time.perf_counter() - t0
    from medpause.batches.models import Batch

    b = Batch.objects.get(pk=result.pk)
    assert b.status == "done", (b.status, b.file_error_code, list(b.rows.exclude(code="").values_list("code")[:5]))
    return {
        "baseline_s": base, "batch_s": seconds, "status": b.status, "rows": b.rows_applied,
        "validated_at_s": (b.validated_at - b.created_at).total_seconds(),
        "maxrss_before_mb": rss_before / 1024, "maxrss_after_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def memory(data_dir: str) -> dict:
    _django(data_dir)
    import tracemalloc

    tracemalloc.start()
    tracemalloc.reset_peak()
    result = _batch(data_dir)
    _current, peak = tracemalloc.get_traced_memory()
    assert result.status == "done"
    return {"tracemalloc_peak_mb": peak / (1024 * 1024)}


def _child(mode: str, data_dir: str, *extra: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, data_dir, *extra], check=True, capture_output=True, text=True,
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--region", default="110000", help="110000 Beijing: queue; 510100 Chengdu: on the spot")
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv", help="the batch file's format")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        mode, data_dir, *extra = args.child
        if mode == "prepare":
            prepare(data_dir, int(extra[0]), extra[1], extra[2] if len(extra) > 2 else "csv")
            print("{}")
        elif mode == "timed":
            print(json.dumps(timed(data_dir)))
        else:
            print(json.dumps(memory(data_dir)))
        return
    print(f"database: {os.environ.get('DATABASE_URL', 'SQLite (default)')}; region {args.region}; {args.format}")
    print(f"{'rows':>8} {'baseline s':>11} {'batch s':>9} {'ratio':>7} {'validate s':>11} {'peak MB':>8}")
    for n in [int(s) for s in args.sizes.split(",")]:
        work = tempfile.mkdtemp(prefix=f"bench-batch-{n}-")
        try:
            _child("prepare", work, str(n), args.region, args.format)
            snapshot = Path(work) / "snapshot.sqlite3"
            db = Path(work) / "medpause.sqlite3"
            shutil.copy(db, snapshot)
            t = _child("timed", work)
            peak = float("nan")
            if not args.no_memory:
                shutil.copy(snapshot, db)
                for suffix in ("-wal", "-shm"):
                    Path(str(db) + suffix).unlink(missing_ok=True)
                peak = _child("memory", work)["tracemalloc_peak_mb"]
            ratio = t["batch_s"] / t["baseline_s"]
            print(f"{n:>8} {t['baseline_s']:>11.3f} {t['batch_s']:>9.2f} {ratio:>6.1f}x {t['validated_at_s']:>11.2f} "
                  f"{peak:>8.1f}", flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
