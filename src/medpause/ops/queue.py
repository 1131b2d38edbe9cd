"""How the task queue is doing: how many tasks wait and since when. The readiness check, the
metrics and the admin index ask `queue_state()`, which runs the probe named by the setting
MEDPAUSE_QUEUE_PROBE (a dotted path to a function of no arguments).

The default probe, `database_queue`, reads the table of django-tasks' database backend when
settings.TASKS names that backend, and answers None -- no queue configured, nothing to check --
otherwise. A deployment with another queue points the setting at its own probe."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_PROBE = "medpause.ops.queue.database_queue"
# django-tasks' database backend: in django-tasks before 0.12 and in django-tasks-db since
TASK_MODELS = (("django_tasks_database", "DBTaskResult"),)
WAITING = "READY"


@dataclass(frozen=True, slots=True)
class QueueState:
    depth: int  # tasks waiting to run
    oldest_enqueued_at: dt.datetime | None  # the longest waiting one's enqueue time

    def oldest_age_seconds(self, now: dt.datetime) -> float:
        return max(0.0, (now - self.oldest_enqueued_at).total_seconds()) if self.oldest_enqueued_at else 0.0


def _database_backend() -> bool:
    backend = (getattr(settings, "TASKS", None) or {}).get("default", {}).get("BACKEND", "")
    return backend.endswith("DatabaseBackend")


def database_queue() -> QueueState | None:
    """The waiting tasks of django-tasks' database backend; None when no queue is configured."""
    if not _database_backend():
        return None
    model = None
    for label, name in TASK_MODELS:
        try:
            model = apps.get_model(label, name)
            break
        except LookupError:
            continue
    if model is None:
        raise LookupError("settings.TASKS names the database backend, but its app is not installed")
    waiting = model.objects.filter(status=WAITING)
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return QueueState(depth=waiting.count(), oldest_enqueued_at=oldest)


def queue_state() -> QueueState | None:
    """The queue's state from the configured probe; None when there is no queue. Raises what the
    probe raises when the queue does not answer."""
    return import_string(getattr(settings, "MEDPAUSE_QUEUE_PROBE", DEFAULT_PROBE))()
