"""Staged apply (docs/adr/0015-batch-staged-apply.md), with real connections on SQLite and on
PostgreSQL: while a batch is being staged a reader in another connection sees none of it (the
services and the hospital's eligibility API alike) and other writers go on; at the publish it
sees all of it; a worker killed mid-way leaves nothing visible and the takeover publishes once;
other writers touching the batch's people meanwhile make it judge its rows again."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connections

from medpause.accounts.services import token_issue
from medpause.audit.models import AuditEvent
from medpause.audit.services import audit_verify
from medpause.batches import apply as apply_module
from medpause.batches import publish as publish_module
from medpause.batches.models import Batch, StagedApplication, StagedMove, StagedSuspension
from medpause.batches.services import batch_create, batch_run
from medpause.cases.models import Application, ApplicationEvent, Suspension
from medpause.cases.services import application_create
from medpause.notices.models import Notice
from tests.api.conftest import Api
from tests.batches.conftest import BORN, Place, csv_bytes, upload
from tests.factories import COUNTY, id_number, make_person, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def elsewhere(call):
    """Run `call` in another thread, on a connection of its own; its result (or its error)."""
    out = {}

    def run():
        try:
            out["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            out["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if "error" in out:
        raise out["error"]
    return out["value"]


def _visible(unit) -> tuple[int, int, int, int]:
    """What any reader sees of the batch: applications, their history, notices, suspensions."""
    apps = Application.objects.filter(unit=unit)
    return (
        apps.count(), ApplicationEvent.objects.filter(application__unit=unit).count(),
        Notice.objects.filter(application__unit=unit).count(),
        Suspension.objects.filter(stop_application__unit=unit).count(),
    )


def _staged() -> int:
    return sum(m.objects.count() for m in (StagedApplication, StagedMove, StagedSuspension))


@pytest.fixture
def chengdu():  # on the spot: the stop suspends the card at once
    return Place("510100", employees=5)


def _rows(place, day):
    return csv_bytes([(p.id_number, "resignation", day.isoformat(), "") for p in place.people])


def test_a_reader_elsewhere_sees_none_of_the_batch_until_it_is_published_then_all(chengdu, day, monkeypatch):
    monkeypatch.setattr(apply_module, "CHUNK", 2)  # 5 rows: three chunks, three commits before the publish
    hospital = Api(token_issue(user=make_user("institution", institution_name="Chengdu Hospital")))
    card = chengdu.people[0].card.number
    outsider = make_person("510100", unit=chengdu.unit, id_number=id_number(COUNTY["510100"], born=BORN))
    seen = []
    stage_chunk = apply_module._stage_chunk

    def watching(batch, agent, *args):
        stage_chunk(batch, agent, *args)
        # a chunk is committed: another connection looks, through the services and the API
        seen.append(elsewhere(lambda: (
            _visible(chengdu.unit), _staged() > 0,
            hospital.get("/eligibility", {"card_number": card, "date": day.isoformat()}).json()["status"],
        )))
        # and another writer is not held up: a single application, its id not one reserved
        elsewhere(lambda: application_create(
            actor=agent, kind="stop", person=outsider, reason="resignation", start_date=day,
        ) if not Application.objects.filter(person=outsider).exists() else None)

    monkeypatch.setattr(apply_module, "_stage_chunk", watching)
    batch = chengdu.run(_rows(chengdu, day))

    assert len(seen) == 3
    assert seen[0] == ((0, 0, 0, 0), True, "active")
    assert all(s == ((1, 0, 0, 0), True, "active") for s in seen[1:]), seen  # only the outsider's draft
    assert batch.status == "done" and batch.rows_applied == 5 and batch.rows_decided == 5
    counts, staged_left, status = elsewhere(lambda: (
        _visible(chengdu.unit), _staged(),
        hospital.get("/eligibility", {"card_number": card, "date": day.isoformat()}).json()["status"],
    ))
    assert counts == (6, 10, 10, 5) and staged_left == 0 and status == "suspended"
    assert len({*Application.objects.values_list("reference", flat=True)}) == 6
    assert audit_verify(full=True).ok


def test_a_worker_killed_mid_batch_leaves_nothing_visible_and_the_takeover_publishes_once(
    chengdu, day, monkeypatch, settings,
):
    settings.MEDPAUSE_BATCH_RUNNER = "off"
    monkeypatch.setattr(apply_module, "CHUNK", 2)
    events = AuditEvent.objects.count()
    batch = batch_create(actor=chengdu.agent, kind="stop", upload=upload(_rows(chengdu, day)))
    # a killed process cleans nothing up: its staged chunks stay behind, invisible
    original_discard = publish_module.discard
    monkeypatch.setattr(publish_module, "discard", lambda **kw: None)
    with pytest.raises(RuntimeError):
        batch_run(batch_id=batch.pk, crash_after=4)
    assert elsewhere(lambda: (_visible(chengdu.unit), StagedApplication.objects.filter(batch_id=batch.pk).count())) \
        == ((0, 0, 0, 0), 4)
    assert AuditEvent.objects.count() == events + 1  # the upload's, nothing of the apply
    assert Batch.objects.get(pk=batch.pk).state == "queued"
    monkeypatch.setattr(publish_module, "discard", original_discard)

    call_command("batches", "run")  # the takeover: discards the dead attempt's rows, stages and publishes
    call_command("batches", "run")
    batch.refresh_from_db()
    assert batch.status == "done" and batch.rows_applied == 5 and batch.attempts == 2
    assert elsewhere(lambda: (_visible(chengdu.unit), _staged())) == ((5, 10, 10, 5), 0)
    assert AuditEvent.objects.filter(action="batch.apply", target_id=str(batch.pk)).count() == 1
    assert audit_verify(full=True).ok


def test_a_batch_whose_people_were_written_meanwhile_is_judged_again(chengdu, day, monkeypatch):
    first = chengdu.people[0]
    original = publish_module.publish
    calls = []

    def someone_writes_first(batch, run, totals, **kw):
        if not calls:  # the person's own stop, submitted while the batch was staged
            elsewhere(lambda: Application.objects.filter(pk=application_create(
                actor=batch.created_by, kind="stop", person=first, reason="resignation", start_date=day,
            ).pk).update(status="submitted"))
        calls.append(run)
        return original(batch, run, totals, **kw)

    monkeypatch.setattr(publish_module, "publish", someone_writes_first)
    batch = chengdu.run(_rows(chengdu, day))
    assert len(calls) == 1  # it found the person moved and wrote nothing; judged again, the row fails
    assert batch.status == "failed" and batch.rows_failed == 1
    assert batch.rows.get(row=2).code == "overlapping_suspension"
    assert Application.objects.filter(unit=chengdu.unit).count() == 1 and _staged() == 0
