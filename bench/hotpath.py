"""Benchmark: the hospital hot path (eligibility, settlement, bulk eligibility) as served by
`medpause serve`, against a bare WSGI baseline doing the same indexed lookup on the same card
table, both measured in the same run on the same machine.

    .venv/bin/python bench/hotpath.py                                  # SQLite, 100,000 cards
    .venv/bin/python bench/hotpath.py --database postgres://postgres@127.0.0.1:5432/hotpath_bench
    .venv/bin/python bench/hotpath.py --rounds 5 --duration 20         # longer, steadier

Steps: a fresh data folder (and, for PostgreSQL, a fresh database of that name, dropped and
created again), `medpause setup` and `medpause demo`, then --cards more insured persons with
their cards (bulk inserts, not measured) and a token for the demo hospital. Both servers are
started once: the baseline (the function `baseline_app` below on granian, 2 workers) and the
product exactly as `medpause serve` starts it. Then wrk (Debian package `wrk`) runs every
scenario against each server in turn, --rounds times, alternating baseline and product:

  eligibility   GET  /api/v1/eligibility?card_number=…   32 connections, one card
  settlement    POST /api/v1/settlements                 32 connections, a new reference each time
  bulk          POST /api/v1/eligibility/bulk            8 connections, 1,000 cards a request

and prints requests/s (cards/s for bulk), p50/p99 latencies, and the ratio product/baseline of
each round with its median and spread. A round with any non-2xx answer or socket error is
reported as failed, never counted. Finally the product's server log is searched for the card
numbers used (none may appear)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# --- the baseline: a few lines of WSGI doing the same indexed lookup on the same card table ---

_local = None


def _cursor():
    """One connection per server thread, opened on first use (SQLite file or PostgreSQL)."""
    global _local
    import threading

    if _local is None:
        _local = threading.local()
    if getattr(_local, "conn", None) is None:
        url = os.environ["BENCH_BASELINE_DB"]
        if url.startswith("postgres"):
            import psycopg

            _local.conn = psycopg.connect(url, autocommit=True)
            _local.mark = "%s"
        else:
            import sqlite3

            _local.conn = sqlite3.connect(url, check_same_thread=False)
            _local.mark = "?"
    return _local.conn.cursor(), _local.mark


def baseline_app(environ, start_response):
    cursor, mark = _cursor()
    if environ["REQUEST_METHOD"] == "GET":
        numbers = [parse_qs(environ.get("QUERY_STRING", "")).get("card_number", [""])[0]]
    else:
        body = json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
        numbers = body.get("card_numbers") or [body.get("card_number", "")]
    cursor.execute(
        f"SELECT number, person_id FROM registry_card WHERE number IN ({', '.join([mark] * len(numbers))})", numbers
    )
    found = dict(cursor.fetchall())
    results = [{"card_number": n, "known": n in found} for n in numbers]
    data = json.dumps(results[0] if len(results) == 1 else {"results": results}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


# --- preparing the data ------------------------------------------------------------------------


def _env(data_dir: Path, database: str | None) -> dict:
    env = {**os.environ, "MEDPAUSE_DATA_DIR": str(data_dir), "MEDPAUSE_LOG_LEVEL": "WARNING"}
    env.pop("MEDPAUSE_WORKERS", None)
    if database:
        env["DATABASE_URL"] = database
    else:
        env.pop("DATABASE_URL", None)
    return env


def _fresh_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name or ""):
        raise SystemExit("--database needs a plain database name (letters, digits, _)")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare_child(cards: int) -> None:
    """In a child process with the bench's environment: add `cards` persons with cards, print the
    hospital's token and a sample of card numbers as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medpause.config.settings")
    import django

    django.setup()
    from django.db import transaction
    from stdnum.cn import ric

    from medpause.accounts.models import User
    from medpause.accounts.services import token_issue
    from medpause.policy.models import Region
    from medpause.registry.models import Card, Person

    region = Region.objects.get(code="110000")
    existing = set(Card.objects.values_list("number", flat=True))
    born = dt.date(1960, 1, 1)
    issued = dt.date(2020, 1, 1)
    with transaction.atomic():
        for start in range(0, cards, 5000):
            people, numbers = [], []
            for i in range(start, min(start + 5000, cards)):
                body = f"110105{born + dt.timedelta(days=i // 900):%Y%m%d}{i % 900 + 100:03d}"
                people.append(Person(name=f"参保人{i}", id_number=body + ric.calc_check_digit(body + "0"),
                                     region=region, category="flexible", contribution_base="8000.00"))
                number = f"1100009{i:09d}"
                numbers.append(number if number not in existing else f"1100008{i:09d}")
            people = Person.objects.bulk_create(people)
            Card.objects.bulk_create([Card(person=p, number=n, issued_on=issued) for p, n in zip(people, numbers, strict=False)])
    token = token_issue(user=User.objects.get(username="hospital"))
    sample = random.Random(7).sample(range(cards), min(1000, cards))
    print(json.dumps({"token": token, "one": f"1100009{cards // 2:09d}",
                      "bulk": [f"1100009{i:09d}" for i in sample]}))


# (label, part of the file name, function names): the largest cumulative time among them
PROFILE_PARTS = [
    ("connection set-up (connect, PRAGMAs)", "django/db/backends", {"connect"}),
    ("connection close at the end of the request", "django/db/", {"close_old_connections"}),
    ("middleware stack and Django's handler", "django/core/handlers/base.py", {"get_response"}),
    ("ninja: the operation (auth, validation, view, answer)", "ninja/operation.py", {"run"}),
    ("bearer token look-up (token_authenticate)", "medpause/accounts/services.py", {"token_authenticate"}),
    ("eligibility selector", "medpause/coverage/selectors.py", {"eligibility", "eligibility_many"}),
    ("lean API path (whole answer)", "medpause/api/hot.py", {"__call__"}),
]


def profile_child(token: str, card: str, count: int) -> None:
    """In a child process: the served WSGI application called in-process for `count` eligibility
    answers (no network, no server): CPU time per answer, queries per answer, and where the time
    goes (cProfile, the functions with the most time of their own)."""
    import cProfile
    import io
    import pstats

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medpause.config.settings")
    from django.db import connection

    from medpause.config.wsgi import application

    def environ() -> dict:
        return {
            "REQUEST_METHOD": "GET", "PATH_INFO": "/api/v1/eligibility", "SCRIPT_NAME": "",
            "QUERY_STRING": f"card_number={card}", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1:8000", "HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "zh-Hans",
            "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
            "SERVER_PROTOCOL": "HTTP/1.1",
        }

    def call() -> bytes:
        status = []
        body = b"".join(application(environ(), lambda s, h, *a: status.append(s)))
        assert status[0].startswith("200"), (status, body)
        return body

    for _ in range(200):
        call()
    queries = []
    with connection.execute_wrapper(lambda execute, sql, params, many, context: (
            queries.append(sql), execute(sql, params, many, context))[1]):
        call()
    t0 = time.process_time()
    for _ in range(count):
        call()
    cpu = (time.process_time() - t0) / count * 1000
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        call()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
    print(f"CPU per eligibility answer, in-process: {cpu:.3f} ms; queries per answer: {len(queries)}")
    for sql in queries:
        print("  query:", " ".join(sql.split())[:150])
    stats = pstats.Stats(profiler).stats
    total = sum(tt for _cc, _nc, tt, _ct, _callers in stats.values())
    print(f"\nwhere the time goes (cumulative, share of {total / count * 1000:.3f} ms per answer under cProfile):")
    for label, where, names in PROFILE_PARTS:
        spent = max((ct for (file, _line, func), (_cc, _nc, _tt, ct, _c) in stats.items()
                     if where in file and func in names), default=0.0)
        print(f"  {label:<58} {spent / count * 1000:7.3f} ms  {spent / total:6.1%}")
    print(out.getvalue())


def prepare(data_dir: Path, database: str | None, cards: int) -> dict:
    if database:
        _fresh_postgres(database)
    env = _env(data_dir, database)
    medpause = str(BIN / "medpause")
    subprocess.run([medpause, "setup"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([medpause, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run([sys.executable, __file__, "--prepare-child", str(cards)], env=env, check=True,
                         capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- servers -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, log: Path) -> None:
    for _ in range(120):
        if proc.poll() is not None:
            raise SystemExit(f"server exited early:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"server did not answer at {url}")


def start_servers(data_dir: Path, database: str | None) -> dict:
    env = _env(data_dir, database)
    servers = {}
    port = _free_port()
    db = database or str(data_dir / "medpause.sqlite3")
    log = data_dir / "baseline.log"
    proc = subprocess.Popen(
        [str(BIN / "granian"), "--interface", "wsgi", "--workers", "2", "--host", "127.0.0.1", "--port", str(port),
         "--working-dir", str(Path(__file__).parent), "--no-ws", "hotpath:baseline_app"],
        env={**env, "BENCH_BASELINE_DB": db}, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    servers["baseline"] = {"proc": proc, "base": f"http://127.0.0.1:{port}", "log": log}
    port = _free_port()
    log = data_dir / "product.log"
    proc = subprocess.Popen(
        [str(BIN / "medpause"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    servers["product"] = {"proc": proc, "base": f"http://127.0.0.1:{port}", "log": log}
    _wait(servers["baseline"]["base"] + "/api/v1/eligibility?card_number=x", servers["baseline"]["proc"],
          servers["baseline"]["log"])
    _wait(servers["product"]["base"] + "/api/v1/openapi.json", servers["product"]["proc"], servers["product"]["log"])
    return servers


def stop_servers(servers: dict) -> None:
    for server in servers.values():
        proc = server["proc"]
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


# --- load: wrk ---------------------------------------------------------------------------------

LUA_GET = """
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer {token}"
wrk.headers["Accept-Language"] = "zh-Hans"
"""

LUA_SETTLE = """
local counter = 0
local tag = "{tag}"
local threads = {{}}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  prefix = tag .. "-" .. id .. "-"
end
function request()
  counter = counter + 1
  local body = '{{"card_number": "{card}", "date": "{day}", "amount": "12.34", "institution_reference": "'
    .. prefix .. counter .. '"}}'
  return wrk.format("POST", "/api/v1/settlements", {{
    ["Authorization"] = "Bearer {token}",
    ["Content-Type"] = "application/json",
    ["Accept-Language"] = "zh-Hans",
  }}, body)
end
"""

LUA_BULK = """
wrk.method = "POST"
wrk.body = '{body}'
wrk.headers["Authorization"] = "Bearer {token}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept-Language"] = "zh-Hans"
"""


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, script: Path, connections: int, duration: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s", "-s", str(script), url],
        capture_output=True, text=True, check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (sum(int(x) for x in sock.groups()) if sock else 0)
    return {"rate": rate, "p50": p50, "p99": p99, "errors": errors}


def scenarios(prepared: dict, work: Path, round_no: int) -> list[dict]:
    token, one = prepared["token"], prepared["one"]
    day = prepared["today"]
    get = work / "get.lua"
    get.write_text(LUA_GET.format(token=token))
    settle = work / f"settle-{round_no}.lua"
    settle.write_text(LUA_SETTLE.format(token=token, card=one, day=day, tag=f"B{os.getpid()}R{round_no}"))
    bulk = work / "bulk.lua"
    bulk.write_text(LUA_BULK.format(token=token, body=json.dumps({"date": day, "card_numbers": prepared["bulk"]})))
    return [
        {"name": "eligibility", "path": f"/api/v1/eligibility?card_number={one}&date={day}", "script": get,
         "connections": 32, "per_request": 1},
        {"name": "settlement", "path": "/api/v1/settlements", "script": settle, "connections": 32, "per_request": 1},
        {"name": "bulk", "path": "/api/v1/eligibility/bulk", "script": bulk, "connections": 8,
         "per_request": len(prepared["bulk"])},
    ]


def _spread(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{statistics.median(values):.3f} ({min(values):.3f}–{max(values):.3f})"


def report(results: dict, rounds: int) -> None:
    print()
    header = (f"{'scenario':<12} {'server':<9} {'rate/s (median, min–max)':>30} {'p50 ms':>8} {'p99 ms':>8}"
              f" {'failed':>7}")
    print(header)
    print("-" * len(header))
    for name, per_target in results.items():
        for target in ("baseline", "product"):
            runs = per_target[target]
            ok = [r for r in runs if r["errors"] == 0]
            rates = [r["rate"] for r in ok]
            text = (f"{statistics.median(rates):,.0f} ({min(rates):,.0f}–{max(rates):,.0f})" if rates else "-")
            p50 = f"{statistics.median([r['p50'] for r in ok]):.2f}" if ok else "-"
            p99 = f"{statistics.median([r['p99'] for r in ok]):.2f}" if ok else "-"
            print(f"{name:<12} {target:<9} {text:>30} {p50:>8} {p99:>8} {len(runs) - len(ok):>4}/{len(runs)}")
    print()
    print("ratio product/baseline, per round paired (median (min–max)):")
    for name, per_target in results.items():
        pairs = [
            p["rate"] / b["rate"] for b, p in zip(per_target["baseline"], per_target["product"], strict=False)
            if b["errors"] == 0 and p["errors"] == 0 and b["rate"]
        ]
        print(f"  {name:<12} {_spread(pairs)}  [{len(pairs)} of {rounds} rounds valid]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="postgres://… (a fresh database of that name is created); default SQLite")
    parser.add_argument("--cards", type=int, default=100_000, help="cards added to the demo data (100,000)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run (10)")
    parser.add_argument("--only", help="comma separated scenarios: eligibility,settlement,bulk")
    parser.add_argument("--keep", action="store_true", help="keep the data folder (printed)")
    parser.add_argument("--profile", type=int, metavar="N",
                        help="no servers: profile N in-process eligibility answers of the served application")
    parser.add_argument("--prepare-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--profile-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare_child is not None:
        prepare_child(args.prepare_child)
        return
    if args.profile_child:
        token, card, count = args.profile_child
        profile_child(token, card, int(count))
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    work = Path(tempfile.mkdtemp(prefix="medpause-hotpath-"))
    data_dir = work / "var"
    data_dir.mkdir()
    print(f"database: {'PostgreSQL' if args.database else 'SQLite (WAL)'}; cards: demo + {args.cards:,}; "
          f"{args.rounds} rounds of {args.duration}s; cpus: {os.cpu_count()}; data: {data_dir}")
    t0 = time.perf_counter()
    prepared = prepare(data_dir, args.database, args.cards)
    os.environ["TZ"] = "Asia/Shanghai"
    time.tzset()
    prepared["today"] = dt.date.today().isoformat()
    print(f"prepared in {time.perf_counter() - t0:.0f}s")
    if args.profile:
        subprocess.run([sys.executable, __file__, "--profile-child", prepared["token"], prepared["one"],
                        str(args.profile)], env=_env(data_dir, args.database), check=True, cwd=ROOT)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        return
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    servers = start_servers(data_dir, args.database)
    results: dict = {}
    try:
        wanted = set(args.only.split(",")) if args.only else None
        for round_no in range(args.rounds + 1):  # round 0 warms both servers up and is not counted
            for scenario in scenarios(prepared, work, round_no):
                if wanted and scenario["name"] not in wanted:
                    continue
                order = ("baseline", "product") if round_no % 2 else ("product", "baseline")
                for target in order:
                    duration = 2 if round_no == 0 else args.duration
                    run = wrk(servers[target]["base"] + scenario["path"], scenario["script"],
                              scenario["connections"], duration)
                    run["rate"] *= scenario["per_request"]
                    if round_no:
                        results.setdefault(scenario["name"], {"baseline": [], "product": []})[target].append(run)
                        print(f"round {round_no} {scenario['name']:<12} {target:<9} {run['rate']:>10,.0f}/s "
                              f"p50 {run['p50']:.2f} ms p99 {run['p99']:.2f} ms errors {run['errors']}", flush=True)
    finally:
        stop_servers(servers)
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (other jobs on this machine "
          "take their share of the cores: compare the ratios, measured in the same run)")
    report(results, args.rounds)
    log = servers["product"]["log"].read_text(errors="replace")
    leaked = [n for n in [prepared["one"], *prepared["bulk"]] if n in log]
    print(f"\ncard numbers found in the product's server log: {len(leaked)}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
