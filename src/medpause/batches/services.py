"""Writes on batches: the upload (store the file, create the Batch, queue the work after
commit), and running a batch: claim it under a lease (batches.lease), validate every row, then
apply all rows at once or fail with each row's errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from contextlib import closing

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medpause.accounts.models import Role
from medpause.accounts.permissions import require_role
from medpause.audit.services import audit_record
from medpause.batches import lease
from medpause.batches.apply import LeaseLost, Rejudged, apply_batch
from medpause.batches.isolation import isolated_rows
from medpause.batches.messages import MESSAGES, render
from medpause.batches.models import Batch, BatchRow, BatchStatus, Stage
from medpause.batches.reader import FileError, check_inflation, check_xlsx, sniff_format
from medpause.batches.validate import CHUNK, MAX_CELL, Policies, parse_row, stage_chunk, write_chunk
from medpause.batches.validate import check_rows_together as _check_rows_together
from medpause.cases.models import Kind
from medpause.common.dates import today
from medpause.common.errors import DomainError, Refused
from medpause.common.requestctx import task_context

logger = logging.getLogger("medpause.batches")


def _setting(name: str, default):
    return getattr(settings, name, default)


def max_bytes() -> int:
    return int(_setting("MEDPAUSE_BATCH_MAX_BYTES", 20 * 1024 * 1024))


def max_rows() -> int:
    return int(_setting("MEDPAUSE_BATCH_MAX_ROWS", 200_000))


def unpack_limits() -> dict:
    """How far a workbook may inflate: its members' declared sizes in total, and their ratio."""
    return {
        "max_unpacked": int(_setting("MEDPAUSE_BATCH_MAX_UNPACKED_MB", 50)) * 1024 * 1024,
        "max_ratio": float(_setting("MEDPAUSE_BATCH_MAX_RATIO", 100)),
    }


def memory_mb() -> int:
    """The address space the process reading a batch file may use (batches.isolation)."""
    return int(_setting("MEDPAUSE_BATCH_MEMORY_MB", 1024))


def max_attempts() -> int:
    return int(_setting("MEDPAUSE_BATCH_MAX_ATTEMPTS", 5))


def _unsupported(key: str = "unsupported_file_type") -> DomainError:
    return DomainError("unsupported_file_type", MESSAGES[key], status=415)


def batch_create(*, actor, kind: str, upload, filename: str = "") -> Batch:
    """Store the uploaded file and queue the batch. Only what can be told at once is refused
    here (role, kind, empty, too large, not a CSV or XLSX file); everything else is reported
    on the batch, row by row."""
    require_role(actor, Role.UNIT_AGENT, message=_("Only a unit's agent can upload a batch file."))
    if kind not in Kind.values:
        raise Refused("invalid_kind", MESSAGES["invalid_kind"], details={"field": "kind"})
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise Refused("empty_file", MESSAGES["empty_file"])
    limit = max_bytes()
    if size > limit:
        raise DomainError(
            "file_too_large", MESSAGES["file_too_large"] % {"mb": limit // (1024 * 1024)}, status=413,
            details={"max_bytes": limit},
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    file_format = sniff_format(head)
    if file_format == "xls":
        raise _unsupported("unsupported_file_type.xls")
    if file_format is None or (file_format == "xlsx" and not check_xlsx(upload)):
        raise _unsupported()
    if file_format == "xlsx":
        limits = unpack_limits()
        try:  # a workbook that inflates far is refused before anything parses it
            check_inflation(upload, **limits)
        except FileError as exc:
            raise Refused(exc.code, render(exc.key, exc.params), details={
                "max_unpacked_bytes": limits["max_unpacked"], "max_ratio": limits["max_ratio"],
            }) from None
    digest = hashlib.sha256()
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 16), b""):
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        batch = Batch(
            unit_id=actor.unit_id, created_by=actor, kind=kind, file_format=file_format,
            original_name=(filename or getattr(upload, "name", "") or "")[-200:], size=size, sha256=digest.hexdigest(),
        )
        # Stored under a random name: nothing personal in paths. The file is kept: it is the
        # unit's removal list the applications point at (docs/adr/0005-batch-documents.md).
        batch.file.save(f"{uuid.uuid4().hex}.{file_format}", File(upload), save=False)
        batch.save()
        audit_record(
            actor=actor, action="batch.upload", target=batch,
            data={"kind": kind, "format": file_format, "size": size, "sha256": batch.sha256},
        )
        transaction.on_commit(lambda: start(batch.pk))
    return batch


def start(batch_id: int) -> None:
    """Hand the batch to the workers, once the upload has committed (MEDPAUSE_BATCH_RUNNER):
    "task" (default) enqueues it on the task queue (`medpause worker` runs it), "inline" runs it
    here and now (tests, `medpause batches run`), "off" leaves it for a worker to find."""
    mode = _setting("MEDPAUSE_BATCH_RUNNER", "task")
    if mode == "inline":
        batch_run(batch_id=batch_id)
    elif mode == "task":
        from medpause.batches.tasks import run_batch

        run_batch.enqueue(batch_id, **task_context())


def unfinished(*, waited: dt.timedelta | None = None) -> list[int]:
    """Batches in progress that no worker holds: never started, given back, or their worker's
    lease lapsed. With `waited`, a batch nobody has claimed yet counts only once it has waited
    that long (its task may be on its way)."""
    now = timezone.now()
    found = Batch.objects.filter(lease.free(now))
    if waited is not None:
        found = found.filter(~Q(claimed_by="") | Q(created_at__lte=now - waited))
    return list(found.order_by("created_at", "id").values_list("pk", flat=True))


def batch_run(*, batch_id: int, crash_after: int | None = None) -> Batch | None:
    """Run one batch to its end under a lease (batches.lease). Safe to call twice, from two
    workers at once: the second finds it held or finished (None). After a crash, the rerun
    validates again and applies once."""
    claim = lease.claim(batch_id)
    if claim is None:
        return None
    try:
        with lease.Heartbeat(batch_id, claim):
            return _run_claimed(batch_id, claim, crash_after)
    except LeaseLost:
        logger.warning("batch %s: taken over by another worker, nothing applied here", batch_id)
        return None
    except BaseException:
        lease.release(batch_id, claim)  # so that a worker takes it up again at once
        raise


def _run_claimed(batch_id: int, claim: str, crash_after: int | None) -> Batch | None:
    Batch.objects.filter(pk=batch_id).update(attempts=F("attempts") + 1)
    batch = Batch.objects.get(pk=batch_id)
    if batch.attempts > max_attempts():  # it failed every time: stop retrying, say so
        Batch.objects.filter(pk=batch_id).update(file_error_code="internal_error", file_error_key="internal_error")
        return _finish_failed(batch, claim)
    if not _validate(batch):
        return _finish_failed(batch, claim)
    if not lease.held(batch_id, claim):
        raise LeaseLost(batch_id)
    try:
        return apply_batch(batch.pk, crash_after=crash_after, claim=claim)
    except Rejudged as exc:
        _record_rejudged(batch, exc)
        return _finish_failed(batch, claim)


def _validate(batch: Batch) -> bool:
    """Stage and judge every row; True if all are valid."""
    BatchRow.objects.filter(batch=batch).delete()  # a rerun starts the stage again
    Batch.objects.filter(pk=batch.pk).update(
        stage=Stage.VALIDATING, rows_total=0, rows_validated=0, rows_ok=0, rows_failed=0, file_error_code="",
        file_error_key="", file_error_params={}, file_error_row=None,
    )
    policies = Policies(today())
    validated = 0
    with batch.file.open("rb") as fh:
        data = fh.read()  # at most MEDPAUSE_BATCH_MAX_BYTES: read by a child process under a memory limit
    try:
        with closing(isolated_rows(
            data, batch.file_format, memory_mb=memory_mb(), max_cell=MAX_CELL, max_rows=max_rows(), **unpack_limits()
        )) as rows:
            del data
            chunk = []
            for row in rows:
                chunk.append(parse_row(row, batch.kind))
                if len(chunk) >= CHUNK:
                    validated += len(chunk)
                    write_chunk(batch, stage_chunk(batch, chunk, policies), validated)
                    chunk = []
            if chunk:
                validated += len(chunk)
                write_chunk(batch, stage_chunk(batch, chunk, policies), validated)
    except FileError as exc:
        BatchRow.objects.filter(batch=batch).delete()
        Batch.objects.filter(pk=batch.pk).update(
            file_error_code=exc.code, file_error_key=exc.key, file_error_params=exc.params,
            file_error_row=exc.row, rows_total=0, rows_validated=0,
        )
        return False
    _check_rows_together(batch)
    failed = BatchRow.objects.filter(batch=batch).exclude(code="").count()
    Batch.objects.filter(pk=batch.pk).update(
        rows_total=validated, rows_validated=validated, rows_ok=validated - failed, rows_failed=failed,
        validated_at=timezone.now(), stage=Stage.APPLYING if not failed else Stage.VALIDATING,
    )
    return failed == 0


def _record_rejudged(batch: Batch, exc: Rejudged) -> None:
    with transaction.atomic():
        objs = [BatchRow(pk=pk, code=e.code, message_key=e.key, params=e.params) for pk, e in exc.failures]
        BatchRow.objects.bulk_update(objs, ["code", "message_key", "params"], batch_size=500)
        failed = BatchRow.objects.filter(batch=batch).exclude(code="").count()
        total = BatchRow.objects.filter(batch=batch).count()
        Batch.objects.filter(pk=batch.pk).update(rows_ok=total - failed, rows_failed=failed)


def _finish_failed(batch: Batch, claim: str) -> Batch:
    with transaction.atomic():
        if not Batch.objects.filter(pk=batch.pk, status=BatchStatus.VALIDATING, claimed_by=claim).update(
            status=BatchStatus.FAILED, stage=Stage.FINISHED, finished_at=timezone.now(), claimed_at=None,
            claimed_by="", lease_until=None,
        ):
            raise LeaseLost(batch.pk)
        batch.refresh_from_db()
        audit_record(
            actor=batch.created_by, action="batch.fail", target=batch,
            data={"rows_failed": batch.rows_failed, "file_error": batch.file_error_code},
        )
    return batch
