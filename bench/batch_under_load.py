"""Benchmark: does a large unit batch freeze the service? Hospitals' eligibility and settlements
answered by the product as `medpause serve` starts it, while `medpause worker` applies a
100,000-row batch file, against the same load with no batch (the baseline, same run, same
servers); then the batch's writes against a raw executemany of exactly the rows it wrote.

    .venv/bin/python bench/batch_under_load.py                        # SQLite, 100,000 rows
    .venv/bin/python bench/batch_under_load.py --database postgres://postgres@127.0.0.1:5432/batchload_bench
    .venv/bin/python bench/batch_under_load.py --rows 10000 --baseline 10

Steps (not measured): a fresh data folder (and for PostgreSQL a fresh database of that name),
`medpause setup` and `medpause demo`, 2,000 insured persons with cards and the demo hospital's
token (bench/hotpath.py), a unit with --rows employees and their stop file (bench/batch.py),
a token for the unit's agent. Then the product (`medpause serve`) and one `medpause worker`.

Measured: --threads load threads, each on a keep-alive connection doing GET /api/v1/eligibility
then POST /api/v1/settlements on a random card of the 2,000. First --baseline seconds with no
batch; then the unit uploads the file (POST /api/v1/batches) and the load goes on until the
batch is done. Printed for both windows: requests, p50, p99, max latency and errors (any answer
other than 200/201, or a failed connection). The goal: p99 under 1 s and no errors during the
batch. Then, with the servers stopped, in one transaction rolled back: copies of exactly the rows
the batch wrote (applications, documents, history, notices, suspensions, its audit event) inserted
into the same tables with executemany; printed against the batch's apply stage (validated to
done, from the batch row) and against the whole batch (upload to done)."""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hotpath  # noqa: E402 - the sibling bench: fresh database, servers

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BATCH_REGION = "510100"  # Chengdu: every row approved on the spot, the most a row writes


# --- preparation ---------------------------------------------------------------------------------


def agent_token_child() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medpause.config.settings")
    import django

    django.setup()
    from medpause.accounts.models import User
    from medpause.accounts.services import token_issue

    print(json.dumps({"agent": token_issue(user=User.objects.get(username="bench.agent"))}))


def prepare(data_dir: Path, database: str | None, rows: int) -> dict:
    cards = hotpath.prepare(data_dir, database, 2000)
    env = hotpath._env(data_dir, database)
    subprocess.run([sys.executable, str(ROOT / "bench" / "batch.py"), "--child", "prepare", str(data_dir), str(rows),
                    BATCH_REGION], env={**env, "PYTHONPATH": str(ROOT / "src")}, check=True, capture_output=True,
                   cwd=ROOT)
    out = subprocess.run([sys.executable, __file__, "--child", "token"], env=env, check=True, capture_output=True,
                         text=True, cwd=ROOT)
    return {**cards, **json.loads(out.stdout.strip().splitlines()[-1])}


def start(data_dir: Path, database: str | None) -> dict:
    env = hotpath._env(data_dir, database)
    port = hotpath._free_port()
    procs = {}
    for name, argv in (
        ("product", [str(BIN / "medpause"), "serve", "--host", "127.0.0.1", "--port", str(port)]),
        ("worker", [str(BIN / "medpause"), "worker", "--no-schedule"]),
    ):
        log = data_dir / f"{name}.log"
        procs[name] = {"proc": subprocess.Popen(argv, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                                                start_new_session=True), "log": log}
    base = f"http://127.0.0.1:{port}"
    hotpath._wait(base + "/api/v1/openapi.json", procs["product"]["proc"], procs["product"]["log"])
    procs["product"]["port"] = port
    return procs


# --- load ----------------------------------------------------------------------------------------


class Load:
    """Threads answering eligibility then settlement in turn, recording (start, seconds, ok)."""

    def __init__(self, port: int, token: str, cards: list[str], threads: int):
        self.port, self.token, self.cards = port, token, cards
        self.day = (dt.date.today() - dt.timedelta(days=1)).isoformat()
        self.records: list[tuple[float, float, bool, str]] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def __enter__(self) -> Load:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)

    def _call(self, conn, method: str, path: str, body: bytes | None, ok: tuple[int, ...]):
        kind = "eligibility" if method == "GET" else "settlement"
        headers = {"Authorization": f"Bearer {self.token}", "Accept-Language": "zh-Hans"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        t0 = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            good = response.status in ok
        except (OSError, http.client.HTTPException):
            good = False
            conn.close()
        self.records.append((t0, time.perf_counter() - t0, good, kind))

    def _run(self, n: int) -> None:
        rng = random.Random(n)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        i = 0
        while not self.stop.is_set():
            card = rng.choice(self.cards)
            self._call(conn, "GET", f"/api/v1/eligibility?card_number={card}&date={self.day}", None, (200,))
            i += 1
            body = json.dumps({"card_number": card, "date": self.day, "amount": "12.34",
                               "institution_reference": f"bl-{n}-{i}-{uuid.uuid4().hex[:8]}"}).encode()
            self._call(conn, "POST", "/api/v1/settlements", body, (201,))
        conn.close()


def window(records, t_from: float, t_to: float, kind: str | None = None) -> dict:
    inside = [(s, ok) for t0, s, ok, k in records if t_from <= t0 < t_to and kind in (None, k)]
    lat = sorted(s for s, _ok in inside)
    if not lat:
        return {"n": 0, "p50": float("nan"), "p99": float("nan"), "max": float("nan"), "errors": 0}
    return {"n": len(lat), "p50": statistics.median(lat), "p99": lat[min(len(lat) - 1, int(len(lat) * 0.99))],
            "max": lat[-1], "errors": sum(1 for _s, ok in inside if not ok)}


def upload_batch(port: int, token: str, path: Path) -> int:
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nstop\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"rows.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode()
    body = head + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("POST", "/api/v1/batches", body=body, headers={
        "Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
    response = conn.getresponse()
    answer = json.loads(response.read())
    assert response.status == 202, (response.status, answer)
    return answer["id"]


def batch_status(port: int, token: str, batch_id: int) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", f"/api/v1/batches/{batch_id}", headers={"Authorization": f"Bearer {token}"})
    return json.loads(conn.getresponse().read())


# --- the batch's writes against a raw executemany of the same rows ------------------------------------


def raw_child(batch_id: int) -> None:
    """In a child: copy, with executemany in one transaction rolled back, exactly the rows the
    batch wrote into the same tables (new ids and references); print its time and the batch's."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medpause.config.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from medpause.audit.models import AuditEvent
    from medpause.batches.models import Batch
    from medpause.cases.models import Application, ApplicationEvent, Document, Suspension
    from medpause.notices.models import Notice

    batch = Batch.objects.get(pk=batch_id)
    app_ids = list(batch.rows.values_list("application_id", flat=True))
    lo, hi = min(app_ids), max(app_ids)
    offset = hi - lo + 1 + Application.objects.order_by("-pk").values_list("pk", flat=True).first()
    qn = connection.ops.quote_name

    def rows_of(model, where: str, params, shift: dict):
        cols = [f.column for f in model._meta.concrete_fields if not (f.primary_key and f.column not in shift)]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(qn(c) for c in cols)} FROM {qn(model._meta.db_table)} {where}", params)
            data = cursor.fetchall()
        at = {c: i for i, c in enumerate(cols)}
        out = []
        for row in data:
            row = list(row)
            for col, fn in shift.items():
                if row[at[col]] is not None:
                    row[at[col]] = fn(row[at[col]])
            out.append(tuple(row))
        return cols, out

    by_app = "WHERE application_id BETWEEN %s AND %s"
    plan = [
        (Application, *rows_of(Application, "WHERE id BETWEEN %s AND %s AND unit_id = %s", [lo, hi, batch.unit_id],
                               {"id": lambda v: v + offset, "reference": lambda v: "X" + v[1:]})),
        (Document, *rows_of(Document, by_app, [lo, hi], {"application_id": lambda v: v + offset})),
        (ApplicationEvent, *rows_of(ApplicationEvent, by_app, [lo, hi], {"application_id": lambda v: v + offset})),
        (Notice, *rows_of(Notice, by_app, [lo, hi], {"application_id": lambda v: v + offset})),
        (Suspension, *rows_of(Suspension, "WHERE stop_application_id BETWEEN %s AND %s", [lo, hi],
                              {"stop_application_id": lambda v: v + offset})),
    ]
    event_cols, events = rows_of(AuditEvent, "WHERE action = 'batch.apply' AND target_id = %s", [str(batch_id)],
                                 {"seq": lambda v: v + 10**9})
    plan.append((AuditEvent, event_cols, events))
    counts = {m._meta.db_table: len(rows) for m, _c, rows in plan}
    t0 = time.perf_counter()
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                for model, cols, rows in plan:
                    marks = ", ".join(["%s"] * len(cols))
                    cursor.executemany(
                        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in cols)}) VALUES ({marks})",
                        rows,
                    )
            raw = time.perf_counter() - t0
            raise _Rollback
    except _Rollback:
        pass
    print(json.dumps({"raw_s": raw, "rows": counts, "apply_s": (batch.finished_at - batch.validated_at).total_seconds(),
                      "whole_s": (batch.finished_at - batch.created_at).total_seconds(),
                      "validate_s": (batch.validated_at - batch.created_at).total_seconds()}))


class _Rollback(Exception):
    pass


# --- main ----------------------------------------------------------------------------------------


def _line(label: str, w: dict) -> str:
    return (f"  {label:<22} {w['n']:>7} {w['p50'] * 1000:>9.1f} {w['p99'] * 1000:>9.1f} {w['max'] * 1000:>9.1f} "
            f"{w['errors']:>7}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", help="a PostgreSQL URL; its database is dropped and created again")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--baseline", type=float, default=30.0, help="seconds of load with no batch")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        if args.child[0] == "token":
            agent_token_child()
        else:
            raw_child(int(args.child[1]))
        return
    data_dir = Path(tempfile.mkdtemp(prefix="bench-batchload-"))
    procs = {}
    try:
        print(f"database: {args.database or 'SQLite (fresh file)'}; {args.rows} stop rows (Chengdu, on the spot); "
              f"{args.threads} load threads", flush=True)
        t0 = time.perf_counter()
        tokens = prepare(data_dir, args.database, args.rows)
        print(f"prepared in {time.perf_counter() - t0:.0f} s", flush=True)
        procs = start(data_dir, args.database)
        port = procs["product"]["port"]
        with Load(port, tokens["token"], tokens["bulk"], args.threads) as load:
            time.sleep(3)  # warm-up
            base_from = time.perf_counter()
            time.sleep(args.baseline)
            base_to = time.perf_counter()
            batch_id = upload_batch(port, tokens["agent"], data_dir / "rows.csv")
            while True:
                time.sleep(1)
                state = batch_status(port, tokens["agent"], batch_id)
                if state["status"] != "validating":
                    break
            batch_to = time.perf_counter()
            time.sleep(2)
        records = list(load.records)
        quiet, busy = window(records, base_from, base_to), window(records, base_to, batch_to)
        print(f"batch {batch_id}: {state['status']}, rows_ok {state.get('rows_ok')}, "
              f"{batch_to - base_to:.1f} s from upload to done (seen by polling)")
        print(f"  {'window':<22} {'answers':>7} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9} {'errors':>7}")
        print(_line("no batch (baseline)", quiet))
        print(_line("during the batch", busy))
        for kind in ("eligibility", "settlement"):
            print(_line(f"  {kind}, no batch", window(records, base_from, base_to, kind)))
            print(_line(f"  {kind}, batch", window(records, base_to, batch_to, kind)))
        print(f"  p99 during / baseline: {busy['p99'] / quiet['p99']:.1f}x; goal: p99 under 1000 ms and no errors: "
              f"{'met' if busy['p99'] < 1.0 and busy['errors'] == 0 else 'NOT met'}", flush=True)
        hotpath.stop_servers(procs)
        procs = {}
        out = subprocess.run([sys.executable, __file__, "--child", "raw", str(batch_id)],
                             env=hotpath._env(data_dir, args.database), check=True, capture_output=True, text=True,
                             cwd=ROOT)
        raw = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"rows the batch wrote: {raw['rows']}")
        print(f"raw executemany of the same rows, same tables, one transaction: {raw['raw_s']:.2f} s")
        print(f"batch apply stage (validated -> done, under load): {raw['apply_s']:.2f} s = "
              f"{raw['apply_s'] / raw['raw_s']:.1f}x raw; validation {raw['validate_s']:.2f} s; whole batch "
              f"{raw['whole_s']:.2f} s = {raw['whole_s'] / raw['raw_s']:.1f}x raw")
    finally:
        if procs:
            hotpath.stop_servers(procs)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
