"""Publishing a staged batch (docs/adr/0018-batch-staged-apply.md): one short transaction
writes what batches.apply staged into the real tables with set-based INSERT ... SELECT and
UPDATE ... FROM (no row passes through Python), marks the batch done if the lease is still
this worker's, and appends ONE audit event carrying the digest of the batch's rows. Readers
see all of it at the commit or none of it before.

`medpause audit verify` recomputes that digest from the published rows (`recompute`, registered
with audit.verify when the app is ready): a changed, added or removed application or history
row of the batch is found."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone

from medpause.audit.chain import RowsDigest, canonical
from medpause.audit.services import audit_record
from medpause.batches.models import (
    Batch,
    BatchRow,
    BatchStatus,
    Stage,
    StagedApplication,
    StagedMove,
    StagedSuspension,
)
from medpause.cases.models import Application, ApplicationEvent, Document, Kind, Suspension
from medpause.cases.services.history import HISTORY_COLUMNS, publish_history
from medpause.common.bulk import Inserter
from medpause.notices.models import Notice
from medpause.registry.models import Person

DOCUMENT_KIND = {Kind.STOP: "removal_form", Kind.RESUME: "addition_form"}
CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DIGEST_ACTION = "batch.apply"
_APP_COLUMNS = ["id", "reference", "person_id", "region_id", "reason", "start_date", "end_date", "suspension_id",
                "early_resume", "status", "policy_version_id", "due_date", "decided_at", "decision_rule"]
_NEW_SUSPENSION = ["person_id", "region_id", "reason", "terminating", "start_date", "planned_end_date",
                   "stop_application_id"]
_DISCARD_CHUNK = 5000
_STAGED = (StagedApplication, StagedMove, StagedSuspension)


class LeaseLost(Exception):
    """Another worker took the batch over meanwhile (this one's lease lapsed): nothing is applied."""


class Moved(Exception):
    """Other writers kept changing the batch's people between staging and publishing: nothing is
    applied this time (the worker retries the batch)."""


def new_run() -> int:
    """A fresh key for one staging attempt, so that a worker that lost its lease can only ever
    touch its own staged rows."""
    return secrets.randbits(62)


def discard(*, batch_id: int | None = None, run: int | None = None) -> None:
    """Delete staged rows (of a batch's every attempt, or of one run), a few thousand per short
    transaction so that no writer waits long."""
    where = {"batch_id": batch_id} if run is None else {"run": run}
    for model in _STAGED:
        while True:
            ids = list(model.objects.filter(**where).values_list("pk", flat=True)[:_DISCARD_CHUNK])
            if not ids:
                break
            with transaction.atomic():
                model.objects.filter(pk__in=ids).delete()


def row_record(app_id: int, reference: str, person_id: int, reason: str, start, end, history) -> list:
    """What the digest covers of one application a batch made: what identifies it and the
    history rows of its moves (HISTORY_COLUMNS order), as staged and as read back."""
    moves = sorted((list(h[1:]) for h in history), key=canonical)
    return [app_id, reference, person_id, reason, str(start), None if end is None else str(end), moves]


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _columns(names) -> list[str]:
    return [connection.ops.quote_name(n) for n in names]


def _people_moved(run: int, since: dt.datetime) -> bool:
    """Whether an application or suspension of the batch's people was written after staging
    began: the rows were judged on facts that may no longer hold."""
    people = StagedApplication.objects.filter(run=run).values("person_id")
    return (
        Application.objects.filter(person_id__in=people, updated_at__gte=since).exists()
        or Suspension.objects.filter(person_id__in=people, created_at__gte=since).exists()
    )


def publish(batch: Batch, run: int, totals, *, claim: str | None) -> bool:
    """Write the run's staged rows into the real tables, in one transaction; False (nothing
    written) when the batch's people moved meanwhile, LeaseLost when the lease is gone."""
    now, agent, kind = totals.now, batch.created_by, batch.kind
    staged_app, staged_move, staged_susp = _table(StagedApplication), _table(StagedMove), _table(StagedSuspension)
    by_run = "WHERE run = %s ORDER BY id"
    with transaction.atomic():
        if _people_moved(run, now):
            return False
        mine = Batch.objects.filter(pk=batch.pk, status=BatchStatus.VALIDATING)
        if claim is not None:
            mine = mine.filter(claimed_by=claim)
        if not mine.update(
            status=BatchStatus.DONE, stage=Stage.FINISHED, rows_applied=totals.applied, rows_decided=totals.decided,
            finished_at=timezone.now(), claimed_at=None, claimed_by="", lease_until=None,
        ):
            raise LeaseLost(batch.pk)
        Inserter(Application, _APP_COLUMNS, {
            "kind": kind, "applicant_type": "unit", "unit_id": batch.unit_id, "created_by_id": agent.pk,
            "submitted_at": now, "first_submitted_at": now,
            "consequences_acknowledged_at": now if kind == Kind.STOP else None,
        }, now=now).insert_select(staged_app, _columns(_APP_COLUMNS), by_run, [run])
        Inserter(Document, ["application_id"], {
            "kind": DOCUMENT_KIND[kind], "file": batch.file.name,
            "original_name": (batch.original_name or f"batch-{batch.pk}.{batch.file_format}")[-200:],
            "content_type": CONTENT_TYPES[batch.file_format], "size": batch.size, "sha256": batch.sha256,
            "uploaded_by_id": agent.pk,
        }, now=now).insert_select(staged_app, _columns(["id"]), by_run, [run])
        publish_history(staged_move, _columns(HISTORY_COLUMNS), at=now, where=by_run, params=[run])
        Inserter(
            Notice, ["person_id", "application_id", "region_id", "code", "params"], {"unit_id": batch.unit_id}, now=now,
        ).insert_select(
            staged_move, _columns(["person_id", "application_id", "notice_region_id", "notice_code", "notice_params"]),
            by_run, [run],
        )
        Inserter(Suspension, _NEW_SUSPENSION, now=now).insert_select(
            staged_susp, _columns(_NEW_SUSPENSION), "WHERE run = %s AND suspension_id IS NULL ORDER BY id", [run]
        )
        _update_suspensions(run)
        Person.objects.filter(
            pk__in=StagedApplication.objects.filter(run=run, retires=True).values("person_id")
        ).update(retired=True)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_table(BatchRow)} SET application_id = s.id FROM {staged_app} s "
                f"WHERE s.run = %s AND s.row_pk = {_table(BatchRow)}.id", [run],
            )
        if connection.vendor == "postgresql":
            # the deferred foreign-key checks of every row now, not at the commit: the audit head
            # (locked by the next line until the commit) then waits for no more than the commit
            connection.check_constraints()
        audit_record(actor=agent, action=DIGEST_ACTION, target=batch, data={
            "kind": kind, "applied": totals.applied, "decided_on_the_spot": totals.decided, "sha256": batch.sha256,
            "rows_sha256": totals.digest.hexdigest(), "written_at": now.isoformat(),
        })
    return True


def _update_suspensions(run: int) -> None:
    """Suspensions an approval ends: a resume (with its application and the day benefits come
    back) or a stop a death or retirement supersedes."""
    table, staged = _table(Suspension), _table(StagedSuspension)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET end_date = s.end_date FROM {staged} s WHERE s.run = %s "
            f"AND s.suspension_id = {table}.id AND s.resume_application_id IS NULL", [run],
        )
        cursor.execute(
            f"UPDATE {table} SET end_date = s.end_date, resume_application_id = s.resume_application_id, "
            f"benefits_from = s.benefits_from FROM {staged} s WHERE s.run = %s "
            f"AND s.suspension_id = {table}.id AND s.resume_application_id IS NOT NULL", [run],
        )


def recompute(target_id: str, data: dict) -> str | None:
    """The digest of a published batch's rows as they stand now (for audit.verify); None when
    the event carries no digest (written before digests were)."""
    if "rows_sha256" not in data or "written_at" not in data:
        return None
    written_at = dt.datetime.fromisoformat(data["written_at"])
    digest = RowsDigest()
    ids = sorted(
        BatchRow.objects.filter(batch_id=int(target_id), application_id__isnull=False)
        .values_list("application_id", flat=True)
    )
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        history = defaultdict(list)
        for h in ApplicationEvent.objects.filter(application_id__in=chunk, at=written_at).values_list(*HISTORY_COLUMNS):
            history[h[0]].append(h)
        for values in Application.objects.filter(pk__in=chunk).order_by("pk").values_list(
            "pk", "reference", "person_id", "reason", "start_date", "end_date"
        ):
            digest.add(row_record(*values, history[values[0]]))
    return digest.hexdigest()
