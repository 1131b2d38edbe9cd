"""Prometheus metrics, served at /metrics (medpause.ops.wsgi) to the addresses in
MEDPAUSE_METRICS_ALLOW.

Counted in each process: request latency by route name (never by path), settlements by
outcome. Read from the database at each scrape, so they are the same whichever process or
machine answers: the task queue's depth and oldest waiting task, and batch durations (from
upload to finish, a cumulative histogram over the finished batches).

Several worker processes: `medpause serve` sets PROMETHEUS_MULTIPROC_DIR (a folder under the
data folder, emptied at start) before the server forks, and each scrape adds up every
process's files (prometheus-client's multiprocess mode). Without it, one process's registry."""

from __future__ import annotations

import datetime as dt
import logging
import os

from django.db import transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily

from medpause.ops.queue import queue_state

logger = logging.getLogger(__name__)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

REQUEST_SECONDS = Histogram(
    "medpause_http_request_duration_seconds", "Time to answer a request, by route name, method and status.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SETTLEMENTS = Counter(
    "medpause_settlements", "Settlements recorded, by outcome: accepted or the refusal's code.", ["outcome"],
)
BATCH_BUCKETS = (1, 5, 15, 60, 300, 900, 3600)  # seconds


def observe_request(*, route: str, method: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(route=route, method=method, status=str(status)).observe(seconds)


def settlement_recorded(sender, instance, created, using, **kwargs) -> None:
    """post_save of coverage.Settlement: counted once its transaction has committed."""
    if created:
        outcome = instance.refusal_code or instance.status
        transaction.on_commit(lambda: SETTLEMENTS.labels(outcome=outcome).inc(), using=using)


class QueueCollector:
    def collect(self):
        try:
            state = queue_state()
        except Exception as exc:  # noqa: BLE001 - a scrape must not fail with the queue; readyz says so
            logger.warning("metrics: the task queue does not answer (%s)", type(exc).__name__)
            return
        depth = GaugeMetricFamily("medpause_task_queue_depth", "Tasks waiting to run.")
        age = GaugeMetricFamily("medpause_task_queue_oldest_age_seconds", "How long the oldest waiting task has waited.")
        depth.add_metric([], state.depth if state else 0)
        age.add_metric([], state.oldest_age_seconds(timezone.now()) if state else 0)
        yield depth
        yield age


def batch_durations() -> list[dict]:
    """Per (kind, status) of finished batches: count, total seconds and the count at most each bucket."""
    from medpause.batches.models import Batch

    took = ExpressionWrapper(F("finished_at") - F("created_at"), output_field=DurationField())
    buckets = {f"le_{i}": Count("pk", filter=Q(took__lte=dt.timedelta(seconds=b))) for i, b in enumerate(BATCH_BUCKETS)}
    return list(
        Batch.objects.filter(finished_at__isnull=False).annotate(took=took).order_by()
        .values("kind", "status").annotate(count=Count("pk"), total=Sum("took"), **buckets)
    )


class BatchCollector:
    def collect(self):
        family = HistogramMetricFamily(
            "medpause_batch_duration_seconds", "Batch files from upload to finish, by kind and outcome.",
            labels=["kind", "status"],
        )
        try:
            rows = batch_durations()
        except Exception as exc:  # noqa: BLE001 - a scrape must not fail with the database; readyz says so
            logger.warning("metrics: batch durations unavailable (%s)", type(exc).__name__)
            return
        for row in rows:
            buckets = [(str(float(b)), row[f"le_{i}"]) for i, b in enumerate(BATCH_BUCKETS)]
            buckets.append(("+Inf", row["count"]))
            total = row["total"].total_seconds() if row["total"] else 0.0
            family.add_metric([row["kind"], row["status"]], buckets, total)
        yield family


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def render() -> bytes:
    """The exposition text: this process's (or every worker's) counters, then the database's."""
    if multiprocess_dir():
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    from_database = CollectorRegistry()
    from_database.register(QueueCollector())
    from_database.register(BatchCollector())
    return generate_latest(counted) + generate_latest(from_database)
