"""Around every request (medpause.ops.wsgi): a request id, one JSON log line without personal
data, latency by route name, settlements by outcome; the request id follows work into tasks."""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading

import pytest
from django.test import Client
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from medpause.accounts.services import token_issue
from medpause.batches.models import Batch
from medpause.common.dates import today
from medpause.common.requestctx import carries_request_id, current_request_id, request_id_bound, task_context
from medpause.ops.logging import JsonFormatter
from medpause.ops.queue import QueueState
from tests.cases.helpers import paused_flexible
from tests.factories import make_person, make_unit, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def json_lines(caplog, logger: str | None = None) -> list[dict]:
    """The records as the configured console handler writes them (its filters and formatter)."""
    handler = next(h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter))
    lines = []
    for record in caplog.records:
        if logger and record.name != logger:
            continue
        handler.filter(record)
        lines.append(json.loads(handler.format(record)))
    return lines


@pytest.fixture
def hospital():
    user = make_user("institution", institution_name="Peking Union Hospital")
    return user, {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=user)}"}


def test_one_json_line_per_request_names_route_user_role_and_never_the_card_number(call, caplog, hospital):
    user, auth = hospital
    person = make_person("110000")
    card = person.card.number
    caplog.set_level(logging.INFO)
    r = call("/api/v1/eligibility", data={"card_number": card, "date": today().isoformat()}, **auth)
    assert r.status == 200
    [line] = json_lines(caplog, "medpause.request")
    assert line["method"] == "GET"
    assert line["route"] == "api:eligibility_check"
    assert line["status"] == 200
    assert line["duration_ms"] > 0
    assert line["user_id"] == user.pk and line["role"] == "institution"
    assert line["query"] == ["card_number", "date"]
    assert line["request_id"] == r.headers["X-Request-ID"]
    everything = json.dumps(json_lines(caplog))
    assert card not in everything and person.id_number not in everything


def test_a_well_formed_request_id_is_kept_and_anything_else_replaced(call, caplog):
    caplog.set_level(logging.INFO)
    kept = call("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c21-0001")
    assert kept.headers["X-Request-ID"] == "lb-7f3a9c21-0001"
    for bad in ["short", "has spaces in it ok", "110105199203140021 <script>", "x" * 200]:
        replaced = call("/healthz", HTTP_X_REQUEST_ID=bad)
        assert replaced.headers["X-Request-ID"] != bad
        assert len(replaced.headers["X-Request-ID"]) == 32
    ids = [line["request_id"] for line in json_lines(caplog, "medpause.request")]
    assert ids[0] == "lb-7f3a9c21-0001" and len(set(ids)) == len(ids)


def test_lines_written_during_a_request_carry_its_id(call, caplog):
    caplog.set_level(logging.INFO)
    r = call("/api/v1/requirements", data={"region": "110000", "reason": "no-such-reason"},
             HTTP_X_REQUEST_ID="trace-0000000042")
    assert r.status == 404
    lines = json_lines(caplog)
    assert {line["logger"] for line in lines} >= {"django.request", "medpause.request"}
    assert {line["request_id"] for line in lines} == {"trace-0000000042"}
    assert current_request_id() is None  # unbound once the response is closed


def test_id_and_card_numbers_in_any_log_line_are_masked(caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("medpause.test").warning("person 110105199203140021 card 3100001234567890 refused")
    [line] = json_lines(caplog, "medpause.test")
    assert line["message"] == "person 110105********0021 card 310000******7890 refused"


def test_a_task_enqueued_by_a_request_logs_with_that_requests_id(caplog):
    caplog.set_level(logging.INFO)

    @carries_request_id
    def reminder_task(suspension_id):
        logging.getLogger("medpause.tasks").info("reminding for stop %s", suspension_id)

    with request_id_bound("req-enqueuer-0001"):
        enqueued = {"args": (41,), "kwargs": task_context()}  # what the enqueuer hands the queue
    assert enqueued["kwargs"] == {"request_id": "req-enqueuer-0001"}
    worker = threading.Thread(target=reminder_task, args=enqueued["args"], kwargs=enqueued["kwargs"])
    worker.start()
    worker.join()
    [line] = json_lines(caplog, "medpause.tasks")
    assert line["request_id"] == "req-enqueuer-0001"
    assert line["message"] == "reminding for stop 41"


def _settled(outcome: str) -> float:
    return REGISTRY.get_sample_value("medpause_settlements_total", {"outcome": outcome}) or 0.0


def test_settlements_are_counted_by_outcome_once_committed(call, hospital):
    _user, auth = hospital
    covered = make_person("110000")
    stopped, *_rest = paused_flexible("310000")
    before = {o: _settled(o) for o in ("accepted", "card_suspended", "unknown_card")}
    for number, reference in [(covered.card.number, "A-1"), (stopped.card.number, "A-2"),
                              ("1100009999999999", "A-3"), (covered.card.number, "A-1")]:  # the last a replay
        body = {"card_number": number, "date": today().isoformat(), "amount": "12.50", "institution_reference": reference}
        r = call("/api/v1/settlements", method="POST", data=json.dumps(body), **auth)
        assert r.status in (200, 201, 409), r.body
    after = {o: _settled(o) for o in before}
    assert {o: after[o] - before[o] for o in before} == {"accepted": 1, "card_suspended": 1, "unknown_card": 1}


def test_batch_durations_are_a_histogram_by_kind_and_outcome(call):
    unit = make_unit("110000")
    agent = make_user("unit_agent", unit=unit)
    now = dt.datetime.now(dt.UTC)
    for seconds, status in [(3, "done"), (40, "done"), (4000, "failed")]:
        batch = Batch.objects.create(unit=unit, created_by=agent, kind="stop", file="batches/x.csv", file_format="csv",
                                     sha256="0" * 64, status=status, finished_at=now)
        Batch.objects.filter(pk=batch.pk).update(created_at=now - dt.timedelta(seconds=seconds))
    Batch.objects.create(unit=unit, created_by=agent, kind="stop", file="batches/y.csv", file_format="csv", sha256="1" * 64)
    families = {f.name: f for f in text_string_to_metric_families(call("/metrics").body.decode())}
    samples = {(s.name, s.labels.get("status"), s.labels.get("le")): s.value
               for s in families["medpause_batch_duration_seconds"].samples}
    assert samples[("medpause_batch_duration_seconds_bucket", "done", "5.0")] == 1
    assert samples[("medpause_batch_duration_seconds_bucket", "done", "60.0")] == 2
    assert samples[("medpause_batch_duration_seconds_count", "done", None)] == 2
    assert samples[("medpause_batch_duration_seconds_sum", "done", None)] == pytest.approx(43, abs=0.01)
    assert samples[("medpause_batch_duration_seconds_bucket", "failed", "3600.0")] == 0
    assert samples[("medpause_batch_duration_seconds_bucket", "failed", "+Inf")] == 1


_state = QueueState(depth=3, oldest_enqueued_at=None)


def three_waiting():
    return _state


def test_the_admin_index_shows_the_task_queue(settings):
    admin = make_user("admin")
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Task queue" in page and "0 tasks waiting" in page  # the real queue: empty
    settings.MEDPAUSE_QUEUE_PROBE = f"{__name__}.three_waiting"
    globals()["_state"] = QueueState(depth=3, oldest_enqueued_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=12))
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "3 tasks waiting" in page
    assert "(12 min)" in page
    zh = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "任务队列" in zh and "3 个任务在等待" in zh
