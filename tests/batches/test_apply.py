"""Applying: all at once or not at all, once even after a crash; a batch row is the same
application a single one would be; documents are the batch file and the unit's declaration."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from medpause.audit.models import AuditEvent
from medpause.audit.services import audit_verify
from medpause.batches import apply as apply_module
from medpause.batches import services as batch_services
from medpause.batches.models import Batch
from medpause.batches.services import batch_create, batch_run
from medpause.cases.models import Application, Suspension
from medpause.cases.selectors import missing_documents
from medpause.cases.services import application_create, application_submit, document_add
from medpause.notices.models import Notice
from tests.batches.conftest import BORN, csv_bytes, upload
from tests.factories import COUNTY, PNG_1PX, id_number, make_person

pytestmark = pytest.mark.django_db


def _stop_rows(place, day):
    return csv_bytes([(p.id_number, "resignation", day.isoformat(), "") for p in place.people])


def test_a_crash_in_the_middle_of_apply_leaves_nothing_and_the_rerun_applies_once(chengdu, day, monkeypatch):
    monkeypatch.setattr(apply_module, "CHUNK", 2)  # 3 rows: two chunks, the crash after the first
    batch = batch_create(actor=chengdu.agent, kind="stop", upload=upload(_stop_rows(chengdu, day)))
    events_before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        batch_run(batch_id=batch.pk, crash_after=2)
    batch.refresh_from_db()
    assert batch.status == "validating" and batch.claimed_at is None  # released: the command takes it up
    assert not Application.objects.filter(unit=chengdu.unit).exists()
    assert not Suspension.objects.filter(person__in=chengdu.people).exists()
    assert AuditEvent.objects.count() == events_before

    call_command("batches", "run")
    call_command("batches", "run")  # a second run finds nothing to do
    batch.refresh_from_db()
    assert batch.status == "done" and batch.rows_applied == 3 and batch.attempts == 2
    assert Application.objects.filter(unit=chengdu.unit).count() == 3
    assert Suspension.objects.filter(person__in=chengdu.people).count() == 3
    assert audit_verify().ok


def test_the_command_takes_over_only_batches_whose_workers_lease_lapsed(beijing, day, settings):
    settings.MEDPAUSE_BATCH_RUNNER = "off"
    batch = batch_create(actor=beijing.agent, kind="stop", upload=upload(_stop_rows(beijing, day)))
    Batch.objects.filter(pk=batch.pk).update(
        claimed_by="alive", claimed_at=timezone.now(), lease_until=timezone.now() + dt.timedelta(seconds=30)
    )
    call_command("batches", "run")
    assert Batch.objects.get(pk=batch.pk).status == "validating"
    Batch.objects.filter(pk=batch.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    call_command("batches", "run")
    assert Batch.objects.get(pk=batch.pk).status == "done"


def test_a_batch_that_keeps_failing_is_given_up_with_a_message(beijing, day, settings, monkeypatch):
    settings.MEDPAUSE_BATCH_RUNNER = "off"
    batch = batch_create(actor=beijing.agent, kind="stop", upload=upload(_stop_rows(beijing, day)))
    Batch.objects.filter(pk=batch.pk).update(attempts=batch_services.max_attempts())
    batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.file_error_code == "internal_error"
    assert not Application.objects.filter(unit=beijing.unit).exists()


def test_a_row_that_became_invalid_after_validation_fails_the_whole_batch(beijing, day, monkeypatch):
    """Rows are judged again inside the apply transaction."""
    a = beijing.people[0]
    original = batch_services._validate

    def validate_then_world_moves(batch):
        ok = original(batch)
        other = application_create(actor=beijing.agent, kind="stop", person=a, reason="resignation", start_date=day)
        for kind in ("removal_form", "contract_termination_certificate", "id_card", "legal_rep_id_card"):
            document_add(actor=beijing.agent, application=other, kind=kind, data=PNG_1PX, filename="x.png")
        application_submit(actor=beijing.agent, application=other)
        return ok

    monkeypatch.setattr(batch_services, "_validate", validate_then_world_moves)
    batch = beijing.run(_stop_rows(beijing, day))
    assert batch.status == "failed"
    assert list(batch.rows.exclude(code="").values_list("row", "code")) == [(2, "overlapping_suspension")]
    assert Application.objects.filter(unit=beijing.unit).count() == 1  # only the single one


def test_a_batch_application_is_what_a_single_one_would_be(chengdu, day, django_capture_on_commit_callbacks):
    single_person = make_person("510100", unit=chengdu.unit, id_number=id_number(COUNTY["510100"], born=BORN))
    with django_capture_on_commit_callbacks(execute=True):  # the single path's notices come on commit
        single = application_create(
            actor=chengdu.agent, kind="stop", person=single_person, reason="resignation", start_date=day
        )
        for kind in ("removal_form", "contract_termination_certificate", "id_card", "legal_rep_id_card"):
            document_add(actor=chengdu.agent, application=single, kind=kind, data=PNG_1PX, filename="x.png")
        single = application_submit(actor=chengdu.agent, application=single)
    batch = chengdu.run(csv_bytes([(chengdu.people[0].id_number, "resignation", day.isoformat(), "")]))
    made = Application.objects.get(person=chengdu.people[0])
    rule = made.decision_rule
    single.refresh_from_db()  # submitted, then decided by rule at once (application_submit does both)

    fields = ("kind", "status", "applicant_type", "unit_id", "region_id", "reason", "start_date", "end_date",
              "policy_version_id", "due_date", "decision_rule", "created_by_id", "early_resume")
    assert {f: getattr(made, f) for f in fields} == {f: getattr(single, f) for f in fields}
    assert made.reference[:10] == single.reference[:10] and len(made.reference) == len(single.reference)
    assert made.submitted_at and made.first_submitted_at and made.decided_at and made.consequences_acknowledged_at

    def history(app):
        return [(e.action, e.from_status, e.to_status, e.actor_role) for e in app.events.all()]

    assert history(made) == history(single) == [
        ("submit", "draft", "submitted", "unit_agent"), ("approve", "submitted", "approved", "system"),
    ]

    # the single path chains an event per step; a batch chains ONE event for all its rows,
    # carrying their digest (docs/adr/0015-batch-staged-apply.md), and the history keeps each step
    assert AuditEvent.objects.filter(target_type="cases.application", target_id=str(single.pk)).exists()
    assert not AuditEvent.objects.filter(target_type="cases.application", target_id=str(made.pk)).exists()
    published = AuditEvent.objects.get(target_type="batches.batch", target_id=str(batch.pk), action="batch.apply")
    assert published.data["applied"] == 1 and len(published.data["rows_sha256"]) == 64
    assert list(made.events.values_list("note", flat=True)) == [
        made.events.get(action="submit").note, rule] and made.created_suspension is not None
    s1, s2 = made.created_suspension, single.created_suspension
    assert (s1.reason, s1.start_date, s1.planned_end_date, s1.terminating) == (
        s2.reason, s2.start_date, s2.planned_end_date, s2.terminating)
    codes = lambda app: sorted(Notice.objects.filter(application=app).values_list("code", flat=True))  # noqa: E731
    assert codes(made) == codes(single) == ["application.approve", "application.submit"]
    assert batch.rows.get().application_id == made.pk
    assert audit_verify().ok


def test_the_batch_file_is_the_removal_form_and_the_rest_is_declared_visibly(beijing, day):
    batch = beijing.run(_stop_rows(beijing, day))
    app = Application.objects.filter(unit=beijing.unit).first()
    document = app.documents.get()
    assert (document.kind, document.sha256, document.file.name) == ("removal_form", batch.sha256, batch.file.name)
    missing = missing_documents(app)
    assert "unit_removal_form" not in missing
    assert {"contract_ended", "identity"} <= set(missing)  # honest: not uploaded
    assert "legal_representative_identity" not in missing  # on file with the bureau since the unit registered
    event = app.events.get(action="submit")
    assert event.note == f"batch-file:{batch.pk}:{event.note.rsplit(':', 1)[1]}"  # stored in no language
    with translation.override("en"):
        assert f"#{batch.pk}" in event.note_text and "declared held by the unit" in event.note_text
    with translation.override("zh-hans"):
        assert f"#{batch.pk}" in event.note_text and "单位声明" in event.note_text


def test_the_upload_is_queued_as_a_task_after_commit_and_a_worker_runs_it(
    beijing, day, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from medpause.ops.worker import Worker

    settings.MEDPAUSE_BATCH_RUNNER = "task"
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_create(actor=beijing.agent, kind="stop", upload=upload(_stop_rows(beijing, day)))
    task = DBTaskResult.objects.get(task_path="medpause.batches.tasks.run_batch")
    assert (task.status, task.args_kwargs["args"]) == ("READY", [batch.pk])
    assert Batch.objects.get(pk=batch.pk).state_at(timezone.now()) == "queued"  # nothing ran in the request

    Worker(interval=0, max_tasks=1, schedule=False).run()
    task.refresh_from_db()
    assert (task.status, task.return_value) == ("SUCCESSFUL", "done")
    assert Batch.objects.get(pk=batch.pk).status == "done"
    assert Application.objects.filter(unit=beijing.unit).count() == 3
