"""Several worker processes: each counts in its own files under PROMETHEUS_MULTIPROC_DIR and a
scrape answered by any of them adds up all (prometheus-client's multiprocess mode)."""

from __future__ import annotations

import os
import subprocess
import sys

from prometheus_client.parser import text_string_to_metric_families

WORKER = """
import django
django.setup()
from medpause.ops import metrics
metrics.observe_request(route="api:regions", method="GET", status=200, seconds=0.02)
metrics.SETTLEMENTS.labels(outcome="accepted").inc()
"""
SCRAPE = """
import sys, django
django.setup()
from medpause.ops import metrics
sys.stdout.write(metrics.render().decode())
"""


def _run(code: str, env: dict) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_scrape_adds_up_every_worker_process(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "medpause.config.settings",
           "MEDPAUSE_DATA_DIR": str(tmp_path / "var"), "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    env.pop("DATABASE_URL", None)
    (tmp_path / "metrics").mkdir()
    for _worker in range(2):
        _run(WORKER, env)
    text = _run(SCRAPE, env)
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(text) for s in family.samples}
    count = ("medpause_http_request_duration_seconds_count",
             (("method", "GET"), ("route", "api:regions"), ("status", "200")))
    assert samples[count] == 2
    assert samples[("medpause_settlements_total", (("outcome", "accepted"),))] == 2


def test_serve_starts_with_an_empty_metrics_folder(tmp_path, monkeypatch):
    from medpause.ops.management.commands.serve import metrics_dir

    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_4242.db").write_bytes(b"a dead worker's counts")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    assert metrics_dir() == str(folder)
    assert list(folder.iterdir()) == []
