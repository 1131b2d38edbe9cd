"""A batch under a worker's lease: one claim at a time, renewed while it works, taken over once it
lapses; the unit sees the truth meanwhile (queued, validating, applying, done, failed) in the API
and on its page."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from medpause.accounts.services import token_issue
from medpause.batches import lease
from medpause.batches.apply import LeaseLost, apply_batch
from medpause.batches.models import Batch
from medpause.batches.services import batch_create, batch_run
from medpause.cases.models import Application
from tests.batches.conftest import csv_bytes, upload

pytestmark = pytest.mark.django_db


def _rows(place, day):
    return csv_bytes([(p.id_number, "resignation", day.isoformat(), "") for p in place.people])


def _state(client, agent, batch_id):
    api = client.get(f"/api/v1/batches/{batch_id}", HTTP_AUTHORIZATION=f"Bearer {token_issue(user=agent)}").json()
    client.force_login(agent)
    page = client.get(reverse("batches:detail", args=[batch_id]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    return api["status"], api["state"], page


def test_the_unit_sees_queued_then_the_workers_step_then_queued_again_when_its_worker_dies(
    client, beijing, day, settings
):
    settings.MEDPAUSE_BATCH_RUNNER = "off"
    answer = client.post(
        "/api/v1/batches", {"kind": "stop", "file": SimpleUploadedFile("b.csv", _rows(beijing, day))},
        HTTP_AUTHORIZATION=f"Bearer {token_issue(user=beijing.agent)}",
    ).json()
    assert (answer["status"], answer["state"]) == ("validating", "queued")
    status, state, page = _state(client, beijing.agent, answer["id"])
    assert (status, state) == ("validating", "queued") and "Waiting for a worker" in page

    name = lease.claim(answer["id"])
    Batch.objects.filter(pk=answer["id"]).update(stage="applying")
    status, state, page = _state(client, beijing.agent, answer["id"])
    assert (status, state) == ("validating", "applying") and "Applying the rows" in page

    Batch.objects.filter(pk=answer["id"]).update(lease_until=timezone.now() - dt.timedelta(seconds=1))  # it died
    assert _state(client, beijing.agent, answer["id"])[:2] == ("validating", "queued")
    assert not lease.renew(answer["id"], "someone-else")
    assert lease.renew(answer["id"], name)  # its own, while nobody took it over

    Batch.objects.filter(pk=answer["id"]).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert batch_run(batch_id=answer["id"]).status == "done"
    assert _state(client, beijing.agent, answer["id"])[:2] == ("done", "done")


def test_one_claim_at_a_time_and_a_lapsed_one_is_taken_over(beijing, day, settings):
    settings.MEDPAUSE_BATCH_RUNNER = "off"
    batch = batch_create(actor=beijing.agent, kind="stop", upload=upload(_rows(beijing, day)))
    first = lease.claim(batch.pk)
    assert first and lease.claim(batch.pk) is None  # held
    assert batch_run(batch_id=batch.pk) is None  # a second worker leaves it alone
    Batch.objects.filter(pk=batch.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    second = lease.claim(batch.pk)
    assert second and second != first
    assert not lease.renew(batch.pk, first)  # the first worker has lost it


def test_a_worker_that_lost_its_lease_applies_nothing(beijing, day, settings):
    settings.MEDPAUSE_BATCH_RUNNER = "off"
    batch = batch_create(actor=beijing.agent, kind="stop", upload=upload(_rows(beijing, day)))
    lost = lease.claim(batch.pk)
    Batch.objects.filter(pk=batch.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    lease.claim(batch.pk)  # taken over
    from medpause.batches.services import _validate

    assert _validate(Batch.objects.get(pk=batch.pk))
    with pytest.raises(LeaseLost):
        apply_batch(batch.pk, claim=lost)
    assert not Application.objects.filter(unit=beijing.unit).exists()
    assert Batch.objects.get(pk=batch.pk).status == "validating"


def test_the_heartbeat_renews_the_lease_while_the_batch_runs(beijing, day, settings):
    settings.MEDPAUSE_BATCH_RUNNER = "off"
    batch = batch_create(actor=beijing.agent, kind="stop", upload=upload(_rows(beijing, day)))
    renewed = []
    original = lease.renew

    def counting(batch_id, name, **kw):
        renewed.append(batch_id)
        return True

    lease.renew = counting
    try:
        with lease.Heartbeat(batch.pk, "me", length=dt.timedelta(seconds=0.3)):
            time.sleep(0.5)
    finally:
        lease.renew = original
    assert len(renewed) >= 3 and set(renewed) == {batch.pk}
