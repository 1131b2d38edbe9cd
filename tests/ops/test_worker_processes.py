"""Real `medpause worker` processes on a database of their own (a SQLite file, or a PostgreSQL
database next to the test database when DATABASE_URL names PostgreSQL): an upload's task run by a
worker; two workers racing for one batch; a worker killed (SIGKILL) in the middle of applying a
batch, and another taking it over once the lease lapses, applying it exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LEASE = 3  # seconds: MEDPAUSE_BATCH_LEASE_SECONDS for these workers

SETUP = """
from django.core.management import call_command
from medpause.policy.services import policies_load
call_command("migrate", interactive=False, verbosity=0)
call_command("createcachetable", verbosity=0)
policies_load()
"""
# A unit in Chengdu (decided on the spot) with three employees, and their stop batch uploaded as
# the web does: the task is enqueued when the upload commits.
UPLOAD = """
import itertools
from django.db import transaction
from django.test import override_settings
from medpause.batches.services import batch_create
from medpause.common.dates import today
from tests import factories
from tests.batches.conftest import Place, csv_bytes, upload
factories._seq = itertools.count(SEQ)  # numbers no earlier upload of this database used
with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MEDPAUSE_BATCH_RUNNER=RUNNER):
    place = Place("510100")
    rows = csv_bytes([(p.id_number, "resignation", today().isoformat(), "") for p in place.people])
    with transaction.atomic():
        batch = batch_create(actor=place.agent, kind="stop", upload=upload(rows))
out = {"batch": batch.pk, "unit": place.unit.pk}
"""
STATE = """
from django_tasks_db.models import DBTaskResult
from medpause.batches.models import Batch
from medpause.cases.models import Application, Suspension
b = Batch.objects.get(pk=BATCH)
out = {
    "status": b.status, "state": b.state, "stage": b.stage, "attempts": b.attempts, "claimed_by": b.claimed_by,
    "applications": Application.objects.filter(unit_id=b.unit_id).count(),
    "suspensions": Suspension.objects.filter(person__unit_id=b.unit_id).count(),
    "tasks": sorted(DBTaskResult.objects.values_list("status", flat=True)),
}
"""
# Wait for the start signal, then claim: every racer asks at the same moment.
CLAIM = """
import time
from medpause.batches.lease import claim
while time.time() < START:
    time.sleep(0.001)
out = {"claim": claim(BATCH)}
"""
# A worker whose apply stops after writing its rows (inside the transaction): it is killed there.
SLOW_WORKER = """
import time
from django.core.management import call_command
from medpause.batches import apply
original = apply._stage_chunk
def stage_then_hang(*args, **kwargs):
    original(*args, **kwargs)  # a chunk staged and committed: nothing published yet
    print("WRITTEN", flush=True)
    time.sleep(600)
apply._stage_chunk = stage_then_hang
call_command("worker", "--tick", "0.5", "--interval", "0.2", "--no-schedule")
"""


class Env:
    """The environment of the worker processes: their own database, data folder and lease."""

    def upload(self, runner: str) -> dict:
        self.uploads += 1
        return self.python(UPLOAD, RUNNER=runner, SEQ=100 * self.uploads)

    def __init__(self, tmp: Path):
        self.uploads = 0
        self.env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "medpause.config.settings", "MEDPAUSE_DATA_DIR": str(tmp / "var"),
            "MEDPAUSE_BATCH_LEASE_SECONDS": str(LEASE), "PYTHONPATH": str(ROOT), "MEDPAUSE_REMIND_AT": "23:59:59",
        }
        self.pg_name = None
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith("postgres"):
            base, _, _name = url.rpartition("/")
            self.pg_name = f"medpause_workers_{uuid.uuid4().hex[:8]}"
            self.admin_url = f"{base}/postgres"
            self._pg(f'CREATE DATABASE "{self.pg_name}"')
            self.env["DATABASE_URL"] = f"{base}/{self.pg_name}"
        else:
            self.env.pop("DATABASE_URL", None)

    def _pg(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(statement)

    def drop(self) -> None:
        if self.pg_name:
            self._pg(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    def python(self, code: str, **values) -> dict:
        """Run `code` after django.setup() with `values` bound; what it left in `out`."""
        bound = "".join(f"{k} = {v!r}\n" for k, v in values.items())
        script = f"import django, json\ndjango.setup()\nout = {{}}\n{bound}{textwrap.dedent(code)}\nprint('OUT' + json.dumps(out))\n"
        done = subprocess.run([sys.executable, "-c", script], env=self.env, cwd=ROOT, capture_output=True, text=True,
                              timeout=180)
        assert done.returncode == 0, done.stderr[-3000:]
        line = [x for x in done.stdout.splitlines() if x.startswith("OUT")][-1]
        return json.loads(line[3:])

    def start(self, *argv: str, code: str | None = None) -> subprocess.Popen:
        command = [sys.executable, "-c", "import django\ndjango.setup()\n" + code] if code else [
            sys.executable, "-m", "medpause.config.cli", *argv]
        return subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)

    def state(self, batch: int) -> dict:
        return self.python(STATE, BATCH=batch)

    def wait_for(self, batch: int, predicate, timeout: float = 90) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            state = self.state(batch)
            if predicate(state) or time.monotonic() > deadline:
                return state
            time.sleep(0.5)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    e = Env(tmp_path_factory.mktemp("workers"))
    try:
        e.python(SETUP)
        yield e
    finally:
        e.drop()


def _stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    return out + err


def test_a_worker_process_runs_the_task_an_upload_queued(env):
    made = env.upload("task")
    before = env.state(made["batch"])
    assert (before["status"], before["state"], before["applications"]) == ("validating", "queued", 0)
    assert "READY" in before["tasks"]
    worker = env.start("worker", "--max-tasks", "1", "--interval", "0.2", "--no-schedule")
    assert worker.wait(timeout=120) == 0, _stop(worker)
    after = env.state(made["batch"])
    assert (after["status"], after["state"], after["applications"], after["attempts"]) == ("done", "done", 3, 1)
    assert "READY" not in after["tasks"]


def test_two_processes_racing_for_one_batch_only_one_claims_it(env):
    made = env.upload("off")
    start = time.time() + 6  # every racer has set up Django by then
    racers = [env.start(code=f"out = {{}}\nSTART = {start!r}\nBATCH = {made['batch']!r}\n{CLAIM}"
                        "\nimport json\nprint('OUT' + json.dumps(out))") for _ in range(3)]
    claims = []
    for racer in racers:
        out, err = racer.communicate(timeout=120)
        assert racer.returncode == 0, err[-3000:]
        claims.append(json.loads([x for x in out.splitlines() if x.startswith("OUT")][-1][3:])["claim"])
    assert sum(1 for c in claims if c) == 1, claims
    state = env.state(made["batch"])
    assert state["claimed_by"] == next(c for c in claims if c)


def test_two_workers_racing_for_one_batch_apply_it_once(env):
    made = env.upload("off")  # no task: the workers find it once it waited a lease
    time.sleep(LEASE + 0.5)
    workers = [env.start("worker", "--burst", "--tick", "0", "--interval", "0", "--no-schedule") for _ in range(2)]
    for worker in workers:
        assert worker.wait(timeout=120) == 0, _stop(worker)
    state = env.state(made["batch"])
    assert (state["status"], state["applications"], state["suspensions"], state["attempts"]) == ("done", 3, 3, 1)


def test_a_worker_killed_in_the_middle_of_a_batch_is_replaced_and_the_batch_applied_once(env):
    made = env.upload("task")
    doomed = env.start(code=SLOW_WORKER)
    try:
        assert doomed.stdout.readline().strip() == "WRITTEN"  # its rows are staged, not published
        held = env.state(made["batch"])
        assert (held["status"], held["stage"], held["applications"]) == ("validating", "applying", 0)
        assert held["claimed_by"].split(":")[1] == str(doomed.pid)
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=30)
    killed_at = time.monotonic()
    after_kill = env.state(made["batch"])
    assert (after_kill["status"], after_kill["applications"], after_kill["suspensions"]) == ("validating", 0, 0)

    successor = env.start("worker", "--tick", "0.5", "--interval", "0.2", "--no-schedule")
    try:
        done = env.wait_for(made["batch"], lambda s: s["status"] != "validating", timeout=60)
    finally:
        log = _stop(successor)
    assert done["status"] == "done", log[-3000:]
    assert time.monotonic() - killed_at < 60  # taken over within a minute
    assert (done["applications"], done["suspensions"], done["attempts"]) == (3, 3, 2)
    assert done["claimed_by"] == ""
