"""Benchmark: what the personal account and back-payment add to the hospitals' hot path.

    .venv/bin/python bench/account.py                         # SQLite in a temporary data folder
    .venv/bin/python bench/account.py --database postgres://postgres@127.0.0.1:5432/account_bench
    .venv/bin/python bench/account.py --calls 2000

Steps: a fresh data folder (and, for PostgreSQL, the named database dropped and created again),
`medpause setup` and `medpause demo`; every demo person gets a year of contributions (so the
account has entries) and one demo person a paid back-payment. Then, in process, each --calls
times after a warm-up, alternating in rounds so both sides see the same machine:

  eligibility   baseline: the release-one query (card LEFT JOIN suspensions) on a cursor;
                product: `coverage.selectors.eligibility` (that join and the paid back-payments,
                one UNION ALL query, and the status computed)
  settlement    baseline: `settlement_create` from the pooled fund;
                product: the same from the personal account (the person's lock, the balance,
                the debit entry)

and prints the median time per call of each side and the ratio product/baseline per round, with
the median and spread of the ratios."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

BIN = Path(sys.executable).parent


def _env(data_dir: str, database: str | None) -> dict:
    env = {**os.environ, "MEDPAUSE_DATA_DIR": data_dir, "MEDPAUSE_LOG_LEVEL": "WARNING",
           "DJANGO_SETTINGS_MODULE": "medpause.config.settings"}
    if database:
        env["DATABASE_URL"] = database
    return env


def _fresh_postgres(database: str) -> None:
    url = urlsplit(database)
    name = url.path.lstrip("/")
    admin = database.replace(url.path, "/postgres")
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", admin, "-qc", sql], check=True)


def _timed(call, n: int) -> float:
    """Median seconds per call over n calls (in 10 batches)."""
    batch = max(n // 10, 1)
    times = []
    for _ in range(10):
        start = time.perf_counter()
        for _ in range(batch):
            call()
        times.append((time.perf_counter() - start) / batch)
    return statistics.median(times)


def _prepare():
    import datetime as dt

    from medpause.cases.models import Suspension
    from medpause.common.dates import add_months, month_start, today
    from medpause.coverage.models import BackPayment
    from medpause.coverage.services import contribution_record
    from medpause.registry.models import Person

    first = add_months(month_start(today()), -12)
    persons = list(Person.objects.select_related("card", "region").filter(retired=False))
    for person in persons:
        for i in range(12):
            try:
                contribution_record(person=person, month=add_months(first, i))
            except Exception:  # noqa: BLE001 - a month the person was stopped
                continue
    someone = persons[0]
    start = add_months(month_start(today()), -20)
    Suspension.objects.create(person=someone, region=someone.region, reason="unpaid_leave", start_date=start,
                              end_date=add_months(start, 2) - dt.timedelta(days=1))
    BackPayment.objects.create(person=someone, region=someone.region, from_month=start,
                               to_month=add_months(start, 1), amount=1, late_fee=0, status="paid",
                               restores_care=True)
    return persons


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default=None)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="medpause-account-") as tmp:
        if args.database:
            _fresh_postgres(args.database)
        env = _env(tmp, args.database)
        for command in ("setup", "demo"):
            subprocess.run([str(BIN / "medpause"), command], env=env, check=True, stdout=subprocess.DEVNULL)
        os.environ.update(env)
        import django

        django.setup()
        run(args)


def run(args) -> None:
    from django.db import connection

    from medpause.accounts.models import User
    from medpause.cases.models import Suspension
    from medpause.common.dates import today
    from medpause.coverage.selectors import eligibility
    from medpause.coverage.services import settlement_create
    from medpause.registry.models import Card

    persons = _prepare()
    cards = [p.card.number for p in persons]
    card_table, suspension = Card._meta.db_table, Suspension._meta.db_table
    old_sql = (
        f'SELECT c."number", c."id", c."person_id", c."issued_on", s."id", s."start_date", s."end_date", '
        f's."terminating", s."benefits_from" FROM "{card_table}" c LEFT JOIN "{suspension}" s '
        f'ON s."person_id" = c."person_id" WHERE c."number" IN (%s) ORDER BY s."start_date", s."id"'
    )
    day = today()
    state = {"i": 0}

    def next_card():
        state["i"] += 1
        return cards[state["i"] % len(cards)]

    def baseline_eligibility():
        with connection.cursor() as cursor:
            cursor.execute(old_sql, [next_card()])
            cursor.fetchall()

    def product_eligibility():
        eligibility(card_number=next_card(), day=day)

    hospital = User.objects.get(username="hospital")
    counter = {"n": 0}
    funded = [p.card.number for p in persons]

    def settle(fund):
        def call():
            counter["n"] += 1
            settlement_create(institution=hospital, card_number=funded[counter["n"] % len(funded)], date=day,
                              amount="0.01", institution_reference=f"bench-{counter['n']}", fund=fund)
        return call

    print(f"database: {connection.vendor}; {len(cards)} cards; {args.calls} calls a side a round")
    for name, baseline, product, calls in (
        ("eligibility", baseline_eligibility, product_eligibility, args.calls),
        ("settlement", settle("pooled"), settle("personal_account"), max(args.calls // 5, 50)),
    ):
        _timed(baseline, calls // 10 or 1)
        _timed(product, calls // 10 or 1)
        ratios, base_t, prod_t = [], [], []
        for _ in range(args.rounds):
            b, p = _timed(baseline, calls), _timed(product, calls)
            base_t.append(b)
            prod_t.append(p)
            ratios.append(p / b)
        print(f"{name:12s} baseline {statistics.median(base_t) * 1e3:.3f} ms, product "
              f"{statistics.median(prod_t) * 1e3:.3f} ms: ratio product/baseline {statistics.median(ratios):.2f} "
              f"({min(ratios):.2f}-{max(ratios):.2f})")


if __name__ == "__main__":
    main()
