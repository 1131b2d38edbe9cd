"""`medpause worker`: one process that runs the background work (ADR 0008).

Each turn of its loop it
- takes one task from the task queue (django-tasks' database backend: a row of its table,
  locked with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, in an exclusive transaction on
  SQLite, so two workers never take the same task) and runs it: batch files, the reminders;
- every `tick` seconds, does the housekeeping: enqueues the daily jobs that are due (the
  reminders once a day from MEDPAUSE_REMIND_AT, local time), takes over the batch files
  whose worker's lease lapsed (a worker that died: batches.lease) and sends the notices'
  deliveries whose task was lost (notices.delivery.deliveries_stranded).

Run as many as the work needs, on any machine that reaches the database; they share nothing
else. The daily job is enqueued once per day: a worker first looks whether today's is in the
task table already (two workers starting in the same second may both enqueue it; the job is
idempotent, every notice it makes has a dedupe key)."""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.db import close_old_connections, connections
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from medpause.batches.lease import lease_length, worker_name
from medpause.batches.services import batch_run, unfinished
from medpause.cases.tasks import remind
from medpause.notices.delivery import deliveries_stranded, delivery_attempt

logger = logging.getLogger("medpause.worker")
BACKEND = "default"


def remind_at() -> dt.time:
    return dt.time.fromisoformat(getattr(settings, "MEDPAUSE_REMIND_AT", "06:15"))


def schedule_daily(now: dt.datetime | None = None) -> list[str]:
    """Enqueue the daily jobs that are due and not yet enqueued for today; the days enqueued."""
    local = timezone.localtime(now or timezone.now())
    if local.time() < remind_at():
        return []
    day = local.date().isoformat()
    if DBTaskResult.objects.filter(task_path=remind.module_path, args_kwargs__kwargs__day=day).exists():
        return []
    remind.enqueue(day=day)
    logger.info("daily reminders for %s queued", day)
    return [day]


def take_over_lapsed() -> int:
    """Run the batch files nobody holds any more (their worker's lease lapsed, or they waited a
    whole lease for their task); how many this worker finished."""
    done = 0
    for batch_id in unfinished(waited=lease_length()):
        try:
            if batch_run(batch_id=batch_id) is not None:
                logger.info("batch %s taken over and finished", batch_id)
                done += 1
        except Exception:  # noqa: BLE001 - the batch is released; the next turn tries again
            logger.exception("batch %s stopped with an error", batch_id)
    return done


def send_stranded() -> int:
    """Attempt the deliveries whose task was lost; how many were attempted."""
    stranded = deliveries_stranded()
    for delivery_id in stranded:
        try:
            delivery_attempt(delivery_id)
        except Exception:  # noqa: BLE001 - the row stays as it was; the next turn tries again
            logger.exception("delivery %s stopped with an error", delivery_id)
    return len(stranded)


def _fresh_connections() -> None:
    """Drop connections that broke or outlived CONN_MAX_AGE, as after a request; not inside a
    transaction (a worker run in-process by a test)."""
    if not any(conn.in_atomic_block for conn in connections.all(initialized_only=True)):
        close_old_connections()


class Worker(DatabaseWorker):
    """django-tasks' database worker (its task claiming and running, its signal handling), with
    this product's housekeeping in the loop."""

    def __init__(self, *, interval: float = 1.0, tick: float = 5.0, max_tasks: int | None = None,
                 burst: bool = False, schedule: bool = True, worker_id: str | None = None):
        super().__init__(
            queue_names=["*"], interval=interval, batch=burst, backend_name=BACKEND, startup_delay=False,
            max_tasks=max_tasks, worker_id=worker_id or worker_name(), excluded_queue_names=[],
        )
        self.tick, self.schedule = tick, schedule
        self._last_housekeeping = float("-inf")

    @property
    def tasks_run(self) -> int:
        return self._run_tasks

    def housekeeping(self, *, force: bool = False) -> int:
        """The daily jobs and the takeovers, at most every `tick` seconds; batches taken over."""
        if not force and time.monotonic() - self._last_housekeeping < self.tick:
            return 0
        self._last_housekeeping = time.monotonic()
        try:
            if self.schedule:
                schedule_daily()
            send_stranded()
            return take_over_lapsed()
        except OperationalError as exc:
            if not is_locked_database_exception(exc):
                raise
            return 0

    def next_task(self) -> DBTaskResult | None:
        """Claim the next ready task, as django-tasks' worker does; None when there is none (or
        the database is busy: try again next turn)."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        try:
            with exclusive_transaction(tasks.db):
                found = tasks.get_locked()
                if found is not None:
                    found.claim(self.worker_id)
                return found
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None
            raise

    def run(self) -> None:
        logger.info("worker %s started", self.worker_id)
        while self.running:
            _fresh_connections()
            took_over = self.housekeeping()
            found = self.next_task()
            if found is not None:
                self.run_task(found)
            _fresh_connections()
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info("worker %s ran %d tasks, stops", self.worker_id, self._run_tasks)
                return
            if self.batch and found is None and not took_over:
                return  # burst: nothing left to do
            if self.running and found is None:
                time.sleep(self.interval)
