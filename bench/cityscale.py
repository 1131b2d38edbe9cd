"""Benchmark: the officer's side at a city's size, on PostgreSQL.

    .venv/bin/python bench/cityscale.py --scale 0.1          # 100,000 persons and applications: minutes
    .venv/bin/python bench/cityscale.py                      # a whole city (1,000,000): long
    .venv/bin/python bench/cityscale.py --database postgres://postgres@127.0.0.1:5432/other --runs 20

Steps: the database (default postgres://postgres@127.0.0.1:5432/medpause_city) is dropped and
created again; `medpause setup` and `medpause demo` fill it with the demo; every call below is
timed on the demo (the demo-size figure); then one city is loaded into the Beijing region with
set-based SQL (`INSERT … SELECT generate_series`), scaled by --scale:

    persons with cards   1,000,000      applications        1,000,000 (20,000 pending)
    history rows         ~2,700,000     suspensions           300,000
    settlements          2,000,000      audit events        3,000,000
    notices to officers  1,000,000      one person with 300 applications

and every call is timed again. Calls run in process through Django's test client (the whole
request: middleware, view, template), each --runs times after one warm-up; p50 and p99 of
those. The rows are synthetic but satisfy the models' constraints: ID numbers are real
ciphertexts of a pool of 1,000 valid numbers (the pages decrypt them) under unique synthetic
look-up hashes; the synthetic audit events have negative sequence numbers, outside the keyed
chain, so the chain's head stays valid for the events the pages write."""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

BIN = Path(sys.executable).parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/medpause_city"
SIZES = {  # at --scale 1.0
    "persons": 1_000_000, "applications": 1_000_000, "pending": 20_000, "suspensions": 300_000,
    "settlements": 2_000_000, "audit_events": 3_000_000, "notices": 1_000_000,
}
LONG_HISTORY = 300  # the applications of one person
CALLS = [
    "/officer/?status=all",
    "/officer/ (open, the default)",
    "/officer/statistics/",
    "officer person page, 300 applications",
    "officer application page, 300 applications",
    "GET /api/v1/applications (first page)",
    "GET /api/v1/applications?status=approved (last page)",
    "/admin/audit/auditevent/",
    "medpause remind (nothing new)",
]


def _env(data_dir: Path, database: str) -> dict:
    return {**os.environ, "MEDPAUSE_DATA_DIR": str(data_dir), "MEDPAUSE_LOG_LEVEL": "WARNING",
            "DATABASE_URL": database, "DJANGO_SETTINGS_MODULE": "medpause.config.settings"}


def _fresh_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name or ""):
        raise SystemExit("--database needs a plain database name (letters, digits, _)")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# --- the city, loaded with set-based SQL ------------------------------------------------------

def _pool(size: int = 1000) -> list[tuple[int, str, str]]:
    """(key, ciphertext, masked form) of `size` valid ID numbers, encrypted as Person stores them."""
    import datetime as dt

    from stdnum.cn import ric

    from medpause.common.encryption import id_number_masked
    from medpause.registry.models import Person

    field = Person._meta.get_field("id_number")
    pool = []
    for k in range(size):
        body = f"110105{dt.date(1960, 1, 1) + dt.timedelta(days=k * 17):%Y%m%d}{k % 900 + 100:03d}"
        number = body + ric.calc_check_digit(body + "0")
        pool.append((k, field.get_prep_value(number), id_number_masked(number)))
    return pool


LOAD_SQL = [
    ("persons", """
        INSERT INTO registry_person (name, id_number, id_number_hash, id_number_masked, region_id, category,
                                     unit_id, contribution_base, retired, created_at)
        SELECT '参保人' || g, p.cipher, md5('city-a' || g) || md5('city-b' || g), p.masked, %(region)s,
               'flexible', NULL, 8000.00, false, now() - (g %% 3650) * interval '1 day'
        FROM generate_series(1, %(persons)s) g JOIN bench_pool p ON p.k = g %% 1000"""),
    ("", """
        CREATE TEMP TABLE city_person AS
        SELECT id, row_number() OVER (ORDER BY id) AS rn FROM registry_person WHERE id > %(person_base)s"""),
    ("", "CREATE UNIQUE INDEX ON city_person (rn)"),
    ("cards", """
        INSERT INTO registry_card (person_id, number, issued_on)
        SELECT id, '99' || lpad(rn::text, 14, '0'), date '2020-01-01' FROM city_person"""),
    ("applications", """
        INSERT INTO cases_application (
            reference, kind, person_id, region_id, applicant_type, unit_id, created_by_id, reason, start_date,
            end_date, suspension_id, early_resume, note, status, policy_version_id, consequences_acknowledged_at,
            submitted_at, first_submitted_at, due_date, decided_at, decided_by_id, decision_note,
            decision_rule, supplement_groups, supplement_requested_at, created_at, updated_at)
        SELECT 'CITY' || lpad(g::text, 10, '0'), 'stop', p.id, %(region)s,
               CASE WHEN s.counter THEN 'officer' ELSE 'individual' END, NULL, NULL, 'flexible_pause',
               s.submitted::date + 7, s.submitted::date + 97, NULL, false, '', s.status, %(policy_version)s,
               s.submitted, CASE WHEN s.counter THEN NULL ELSE s.submitted END,
               CASE WHEN s.counter THEN NULL ELSE s.submitted END, s.submitted::date + 20,
               CASE WHEN s.status IN ('approved', 'rejected') THEN s.submitted + (g %% 29 + 1) * interval '1 day' END,
               CASE WHEN s.status IN ('approved', 'rejected') THEN %(officer)s END, '', '', '[]'::jsonb, NULL,
               s.submitted - interval '1 hour', s.submitted
        FROM generate_series(1, %(applications)s) g
        CROSS JOIN LATERAL (SELECT
            now() - interval '1100 days' + g * (interval '1100 days' / %(applications)s) AS submitted,
            g %% 997 = 0 AS counter,
            CASE WHEN g %% %(pending_every)s = 0 THEN (ARRAY['submitted', 'in_review', 'supplement_requested'])[g %% 3 + 1]
                 WHEN g %% 20 = 1 THEN 'withdrawn' WHEN g %% 7 = 2 THEN 'rejected' ELSE 'approved' END AS status) s
        JOIN city_person p ON p.rn = CASE WHEN g <= %(long_history)s THEN 1 ELSE 2 + g %% (%(persons)s - 1) END"""),
    ("", """
        CREATE TEMP TABLE city_app AS
        SELECT id, status, first_submitted_at, person_id, row_number() OVER (ORDER BY id) AS rn
        FROM cases_application WHERE id > %(application_base)s"""),
    ("history rows", """
        INSERT INTO cases_applicationevent (application_id, action, from_status, to_status, actor_id, actor_role,
                                            note, at)
        SELECT a.id, (ARRAY['submit', 'take', 'approve'])[k], (ARRAY['draft', 'submitted', 'in_review'])[k],
               CASE WHEN k = 1 THEN 'submitted' WHEN k = 2 THEN 'in_review' ELSE a.status END,
               NULL, CASE WHEN k = 1 THEN 'individual' ELSE 'officer' END, '',
               coalesce(a.first_submitted_at, now()) + k * interval '1 hour'
        FROM city_app a CROSS JOIN generate_series(1, 3) k
        WHERE k = 1 OR (k = 2 AND a.status <> 'submitted') OR (k = 3 AND a.rn %% 10 < 7 AND a.status IN ('approved', 'rejected'))"""),
    ("suspensions", """
        INSERT INTO cases_suspension (person_id, region_id, reason, terminating, start_date, planned_end_date, end_date,
                                      benefits_from, stop_application_id, resume_application_id, reminded_at, created_at)
        SELECT a.person_id, %(region)s, 'flexible_pause', false, a.first_submitted_at::date + 7,
               CASE WHEN a.rn %% 10 = 0 THEN current_date + (a.rn %% 14)::int ELSE a.first_submitted_at::date + 97 END,
               CASE WHEN a.rn %% 10 = 0 THEN NULL ELSE a.first_submitted_at::date + 97 END, NULL, a.id, NULL, NULL,
               a.first_submitted_at
        FROM city_app a WHERE a.status = 'approved' AND a.first_submitted_at IS NOT NULL
        ORDER BY a.rn LIMIT %(suspensions)s"""),
    ("settlements", """
        INSERT INTO coverage_settlement (institution_id, institution_reference, card_number, person_id, date, amount,
                                         status, refusal_code, benefits_from, created_at)
        SELECT %(hospital)s, 'CITY' || g, '99' || lpad(p.rn::text, 14, '0'), p.id, current_date - (g %% 1000)::int,
               (g %% 50000) / 100.0, 'accepted', '', NULL, now() - (g %% 1000) * interval '1 day'
        FROM generate_series(1, %(settlements)s) g JOIN city_person p ON p.rn = 1 + g %% %(persons)s"""),
    ("audit events", """
        INSERT INTO audit_auditevent (seq, at, actor_id, actor_username, actor_role, action, target_type, target_id,
                                      data, scheme, prev_hash, hash)
        SELECT -g, now() - (g %% 1000) * interval '1 day', NULL, '', 'system', 'bench.synthetic', 'registry.person',
               g::text, '{}'::jsonb, 2, repeat('0', 64), md5('h' || g) || md5('i' || g)
        FROM generate_series(1, %(audit_events)s) g"""),
    ("notices", """
        INSERT INTO notices_notice (person_id, unit_id, region_id, application_id, code, params, dedupe_key,
                                    created_at, read_at)
        SELECT NULL, NULL, %(region)s, a.id, 'application.submit', '{"reference": "CITY"}'::jsonb, NULL,
               coalesce(a.first_submitted_at, now()), NULL
        FROM city_app a ORDER BY a.rn LIMIT %(notices)s"""),
]


def load_child(scale: float) -> None:
    """In a child process on the demo database: add the city, print what was loaded and how long it took."""
    import django

    django.setup()
    from django.db import connection, transaction

    from medpause.accounts.models import User
    from medpause.policy.models import Region
    from medpause.policy.selectors import policy_version_in_force

    sizes = {name: max(1, int(n * scale)) for name, n in SIZES.items()}
    region = Region.objects.get(code="110000")
    params = {
        **sizes, "region": region.pk, "policy_version": policy_version_in_force(region=region).pk,
        "officer": User.objects.get(username="officer.beijing").pk, "hospital": User.objects.get(username="hospital").pk,
        "long_history": LONG_HISTORY, "pending_every": max(1, sizes["applications"] // sizes["pending"]),
    }
    timings = {}
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_pool (k int PRIMARY KEY, cipher text, masked text)")
        cur.executemany("INSERT INTO bench_pool VALUES (%s, %s, %s)", _pool())
        cur.execute("SELECT coalesce(max(id), 0) FROM registry_person")
        params["person_base"] = cur.fetchone()[0]
        cur.execute("SELECT coalesce(max(id), 0) FROM cases_application")
        params["application_base"] = cur.fetchone()[0]
        for label, sql in LOAD_SQL:
            t = time.perf_counter()
            cur.execute(sql, params)
            if label:
                timings[label] = (cur.rowcount, round(time.perf_counter() - t, 1))
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(json.dumps({"rows": timings, "seconds": round(time.perf_counter() - started, 1)}))


# --- the calls, timed in process ---------------------------------------------------------------

def _targets() -> dict:
    from django.core import signing
    from django.db.models import Count

    from medpause.accounts.models import User
    from medpause.cases.models import Application

    officer = User.objects.get(username="officer.beijing")
    person_id = (
        Application.objects.filter(region=officer.region).values("person_id").annotate(n=Count("id"))
        .order_by("-n").values_list("person_id", flat=True).first()
    )
    application_id = Application.objects.filter(person_id=person_id).order_by("-id").values_list("id", flat=True)[0]
    approved = Application.objects.filter(region=officer.region, status="approved").exclude(first_submitted_at=None)
    tail = list(approved.order_by("-first_submitted_at", "-id").values_list("id", "first_submitted_at")[:51])
    cursor = ""  # the last page is the first when there are few
    if len(tail) > 1:
        pk, submitted = tail[-1]
        state = {"m": "queue", "s": "approved", "u": officer.pk, "i": pk, "t": submitted.isoformat()}
        cursor = signing.Signer(salt="medpause.api.applications.cursor").sign_object(state, compress=True)
    return {"officer": officer, "person": person_id, "application": application_id, "last_cursor": cursor}


def measure_child(runs: int) -> None:
    """In a child process: time every call `runs` times after a warm-up; print the figures as JSON."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from medpause.accounts.models import User
    from medpause.accounts.services import token_issue

    t = _targets()
    officer, admin = Client(), Client()
    officer.force_login(t["officer"])
    admin.force_login(User.objects.get(username="admin"))
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=t['officer'])}"}
    null = open(os.devnull, "w")  # noqa: SIM115 - for the command's output, open for the whole run

    def page(client, url, **extra):
        def call():
            response = client.get(url, **extra)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
        return call

    calls = dict(zip(CALLS, [
        page(officer, "/officer/?status=all"),
        page(officer, "/officer/"),
        page(officer, "/officer/statistics/"),
        page(officer, f"/officer/persons/{t['person']}/"),
        page(officer, f"/officer/applications/{t['application']}/"),
        page(officer, "/api/v1/applications", **bearer),
        page(officer, f"/api/v1/applications?status=approved&cursor={t['last_cursor']}", **bearer),
        page(admin, "/admin/audit/auditevent/"),
        lambda: call_command("remind", stdout=null),
    ], strict=True))
    figures = {}
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as ctx:
            call()  # warm-up (and the reminders that are due, so that the timed runs find nothing new)
        if os.environ.get("BENCH_PROFILE") and os.environ["BENCH_PROFILE"] in name:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(call)
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        if os.environ.get("BENCH_QUERIES"):
            slow = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:3]
            print(f"{name}: {len(ctx.captured_queries)} queries; slowest:", file=sys.stderr)
            for q in slow:
                print(f"  {q['time']} s  {q['sql'][:600]}", file=sys.stderr)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
        times.sort()
        figures[name] = {"p50": statistics.median(times), "p99": times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]}
    print(json.dumps(figures))


def _child(env: dict, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], env=env, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.1 else f"{seconds * 1000:,.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="of the city's size (default 1.0)")
    parser.add_argument("--database", default=DEFAULT_DB, help="a PostgreSQL database: dropped and created again")
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each call (default 20)")
    parser.add_argument("--load-child", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--measure-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_child is not None:
        return load_child(args.load_child)
    if args.measure_child is not None:
        return measure_child(args.measure_child)

    _fresh_postgres(args.database)
    with tempfile.TemporaryDirectory(prefix="medpause-city-") as tmp:
        env = _env(Path(tmp), args.database)
        for command in ("setup", "demo"):
            subprocess.run([str(BIN / "medpause"), command], env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"demo loaded; timing {len(CALLS)} calls x {args.runs} runs", flush=True)
        demo = _child(env, "--measure-child", str(args.runs))
        print(f"loading the city at scale {args.scale} …", flush=True)
        loaded = _child(env, "--load-child", str(args.scale))
        for label, (rows, seconds) in loaded["rows"].items():
            print(f"  {label:<14} {rows:>12,} rows  {seconds:>7.1f} s")
        print(f"  loaded in {loaded['seconds']:.0f} s (with ANALYZE); timing again", flush=True)
        city = _child(env, "--measure-child", str(args.runs))
    print(f"\n| call | demo p50 / p99 | city ×{args.scale:g} p50 / p99 |\n|---|---:|---:|")
    for name in CALLS:
        d, c = demo[name], city[name]
        print(f"| {name} | {_ms(d['p50'])} / {_ms(d['p99'])} | {_ms(c['p50'])} / {_ms(c['p99'])} |")


if __name__ == "__main__":
    main()
