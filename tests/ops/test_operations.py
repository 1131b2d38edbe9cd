"""GET /healthz, /readyz and /metrics: no authentication, no personal data, /metrics only for
the addresses in MEDPAUSE_METRICS_ALLOW."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import OperationalError, connections
from django.utils import timezone

from medpause.ops.queue import QueueState

pytestmark = pytest.mark.django_db(transaction=True)

_queue = {"state": None, "fail": False}


def configured_queue():
    """A queue probe as a deployment configures one (MEDPAUSE_QUEUE_PROBE)."""
    if _queue["fail"]:
        raise ConnectionError("queue down")
    return _queue["state"]


@pytest.fixture
def queue(settings):
    settings.MEDPAUSE_QUEUE_PROBE = f"{__name__}.configured_queue"
    _queue.update(state=None, fail=False)
    yield _queue
    _queue.update(state=None, fail=False)


def test_healthz_answers_while_the_process_runs(call):
    r = call("/healthz")
    assert r.status == 200
    assert r.json() == {"status": "ok"}
    assert r.headers["Cache-Control"] == "no-store"


def test_readyz_names_each_check_and_says_no_queue_is_ok(call):
    r = call("/readyz")
    assert r.status == 200, r.json()
    assert r.json() == {"status": "ready", "checks": {"database": "ok", "storage": "ok", "task_queue": "ok"}}


def test_readyz_is_503_naming_the_database_when_it_does_not_answer(call, monkeypatch):
    """The database's connection refuses (as a server that is down would): its settings point
    nowhere for the length of the call."""
    wrapper = connections["default"]
    monkeypatch.setattr(wrapper, "connect", lambda: (_ for _ in ()).throw(OperationalError("refused")))
    monkeypatch.setattr(wrapper, "connection", None)
    r = call("/readyz")
    assert r.status == 503
    assert r.json()["failing"] == ["database", "task_queue"]  # the queue is a table of that database
    assert r.json()["checks"]["storage"] == "ok"


def test_readyz_is_503_naming_the_storage_when_its_folder_cannot_be_made(call, settings, tmp_path):
    in_the_way = tmp_path / "files"
    in_the_way.write_text("a file where the folder should be")
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": in_the_way}}}
    r = call("/readyz")
    assert r.status == 503
    assert r.json()["failing"] == ["storage"]


def test_readyz_is_503_naming_the_task_queue_when_it_does_not_answer(call, queue):
    queue["fail"] = True
    r = call("/readyz")
    assert r.status == 503
    assert r.json() == {"status": "unavailable", "failing": ["task_queue"],
                        "checks": {"database": "ok", "storage": "ok", "task_queue": "ConnectionError"}}
    queue["fail"] = False
    assert call("/readyz").status == 200


def test_a_database_backend_queue_is_read_only_when_configured(settings):
    from medpause.ops.queue import database_queue

    assert database_queue() is not None  # the product's queue: django-tasks' database backend
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert database_queue() is None  # another backend: nothing to read here
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "django_tasks_db"]
    with pytest.raises(LookupError):  # configured but its app is missing: the check fails, named
        database_queue()


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
def test_operations_endpoints_refuse_other_methods(call, path):
    r = call(path, method="POST")
    assert r.status == 405
    assert r.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "::ffff:127.0.0.1"])
def test_metrics_are_served_to_loopback_by_default(call, address):
    r = call("/metrics", remote_addr=address)
    assert r.status == 200
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert b"# TYPE medpause_http_request_duration_seconds histogram" in r.body


@pytest.mark.parametrize("address", ["203.0.113.9", "10.1.2.3", "not-an-address", ""])
def test_metrics_are_404_to_anyone_else(call, address):
    assert call("/metrics", remote_addr=address).status == 404


def test_metrics_allow_takes_addresses_and_networks(call, settings):
    settings.MEDPAUSE_METRICS_ALLOW = "10.20.0.0/16, 192.0.2.7"
    assert call("/metrics", remote_addr="10.20.3.4").status == 200
    assert call("/metrics", remote_addr="192.0.2.7").status == 200
    assert call("/metrics", remote_addr="192.0.2.8").status == 404
    assert call("/metrics", remote_addr="127.0.0.1").status == 404  # the default is replaced, not extended


def test_metrics_relayed_by_a_proxy_are_404_even_from_loopback(call):
    assert call("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1").status == 404
    assert call("/metrics", HTTP_FORWARDED="for=127.0.0.1").status == 404


def test_latency_is_observed_by_route_name_not_by_path(call):
    call("/api/v1/regions")
    call("/api/v1/requirements", data={"region": "110000", "reason": "nope"})
    call("/api/v1/applications/98765")  # an id in the path
    text = call("/metrics").body.decode()
    assert 'method="GET",route="api:regions",status="200"' in text
    assert 'method="GET",route="api:requirements",status="404"' in text
    assert 'method="GET",route="api:application_detail",status="401"' in text
    assert "98765" not in text and "/api/v1/" not in text


def test_queue_depth_and_oldest_waiting_task_are_metrics(call, queue):
    queue["state"] = QueueState(depth=7, oldest_enqueued_at=timezone.now() - dt.timedelta(minutes=5))
    text = call("/metrics").body.decode()
    assert "medpause_task_queue_depth 7.0" in text
    age = float(re.search(r"^medpause_task_queue_oldest_age_seconds (\S+)$", text, re.M).group(1))
    assert 299 <= age <= 400


def test_no_queue_configured_is_depth_zero(call):
    text = call("/metrics").body.decode()
    assert "medpause_task_queue_depth 0.0" in text
