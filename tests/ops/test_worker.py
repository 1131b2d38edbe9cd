"""`medpause worker` in this process: it runs what the task queue holds (django-tasks' database
backend, as in production), enqueues the daily reminders once a day, and takes over a batch
whose worker's lease lapsed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from medpause.batches.models import Batch
from medpause.batches.services import batch_create
from medpause.cases.models import Application
from medpause.cases.tasks import remind
from medpause.common.dates import today
from medpause.notices.models import Notice
from medpause.ops.worker import Worker, schedule_daily
from tests.batches.conftest import Place, csv_bytes, upload
from tests.cases.helpers import paused_flexible

pytestmark = pytest.mark.django_db


def _remind_tasks():
    return DBTaskResult.objects.filter(task_path="medpause.cases.tasks.remind")


def _burst() -> Worker:
    worker = Worker(interval=0, tick=0, burst=True)
    worker.run()
    return worker


def test_the_daily_reminders_are_queued_once_a_day_and_run_by_the_worker(settings):
    _person, _me, _officer, suspension = paused_flexible("310000", start=today(), months=1)
    type(suspension).objects.filter(pk=suspension.pk).update(planned_end_date=today() + dt.timedelta(days=7))
    settings.MEDPAUSE_REMIND_AT = "23:59:59"
    early = timezone.make_aware(dt.datetime.combine(today(), dt.time(6, 0)))
    assert schedule_daily(early) == []  # not yet time
    settings.MEDPAUSE_REMIND_AT = "00:00"

    assert _burst().tasks_run == 1
    task = _remind_tasks().get()
    assert (task.status, task.args_kwargs["kwargs"]["day"], task.return_value) == ("SUCCESSFUL", today().isoformat(), 1)
    assert Notice.objects.filter(code="suspension.planned_end", person_id=suspension.person_id).count() == 1

    assert _burst().tasks_run == 0  # today's is done: not queued again
    assert _remind_tasks().count() == 1
    remind.enqueue(day=today().isoformat())  # queued twice anyway (two workers at once): harmless
    assert _burst().tasks_run == 1
    assert Notice.objects.filter(code="suspension.planned_end").count() == 1


def test_medpause_remind_runs_now_or_leaves_it_to_a_worker(settings, capsys):
    settings.MEDPAUSE_REMIND_AT = "23:59:59"  # the worker's own schedule out of the way
    call_command("remind")
    assert "0 notices made" in capsys.readouterr().out
    assert not _remind_tasks().exists()
    call_command("remind", "--enqueue")
    assert _remind_tasks().get().status == "READY"
    assert _burst().tasks_run == 1
    assert _remind_tasks().get().status == "SUCCESSFUL"


def test_a_batch_whose_lease_lapsed_is_taken_over_by_the_worker(settings, day):
    settings.MEDPAUSE_BATCH_RUNNER = "off"
    settings.MEDPAUSE_REMIND_AT = "23:59:59"
    place = Place("510100")
    rows = csv_bytes([(p.id_number, "resignation", day.isoformat(), "") for p in place.people])
    batch = batch_create(actor=place.agent, kind="stop", upload=upload(rows))
    now = timezone.now()
    Batch.objects.filter(pk=batch.pk).update(
        claimed_by="dead-worker", claimed_at=now - dt.timedelta(seconds=60), lease_until=now + dt.timedelta(seconds=5),
        stage="applying",
    )
    assert Batch.objects.get(pk=batch.pk).state == "applying"  # a worker holds it: the unit sees it at work
    _burst()
    assert Batch.objects.get(pk=batch.pk).status == "validating"  # its lease runs: left alone

    Batch.objects.filter(pk=batch.pk).update(lease_until=now - dt.timedelta(seconds=1))
    assert Batch.objects.get(pk=batch.pk).state == "queued"  # lapsed: waiting for another worker
    _burst()
    batch.refresh_from_db()
    assert (batch.status, batch.state, batch.claimed_by, batch.lease_until) == ("done", "done", "", None)
    assert Application.objects.filter(unit=place.unit).count() == 3


@pytest.fixture
def day():
    return today()


@pytest.mark.django_db(transaction=True)  # the WSGI entry point ends its request's connection
def test_the_real_queue_is_in_metrics_and_on_the_admin_index(call, settings):
    from django.test import Client

    from medpause.batches.tasks import run_batch
    from tests.factories import make_user

    settings.MEDPAUSE_REMIND_AT = "23:59:59"
    waiting = run_batch.enqueue(999_999)  # a batch that is not there: the task finds nothing to do
    DBTaskResult.objects.filter(pk=waiting.id).update(enqueued_at=timezone.now() - dt.timedelta(minutes=12))
    text = call("/metrics").body.decode()
    assert "medpause_task_queue_depth 1.0" in text
    age = float(next(line for line in text.splitlines() if line.startswith("medpause_task_queue_oldest_age_seconds "))
                .split()[1])
    assert 12 * 60 <= age < 13 * 60
    client = Client()
    client.force_login(make_user("admin"))
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 task waiting" in page and "(12 min)" in page
    tasks = client.get("/admin/django_tasks_database/dbtaskresult/", HTTP_ACCEPT_LANGUAGE="en")
    assert tasks.status_code == 200 and "medpause.batches.tasks.run_batch" in tasks.content.decode()

    assert _burst().tasks_run == 1
    assert "medpause_task_queue_depth 0.0" in call("/metrics").body.decode()
    assert "0 tasks waiting" in client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
