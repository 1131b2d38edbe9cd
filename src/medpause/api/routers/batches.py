"""Batches API (API.md, "Batches"): a unit's agent uploads a CSV or XLSX file of stop or resume
rows; the work runs outside the request and its progress, errors and per-row report are read
here. Other roles: 403 `forbidden`; another unit's batch: 404."""

from __future__ import annotations

from typing import Literal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import translation
from ninja import File, Form, Path, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from medpause.accounts.models import Role
from medpause.accounts.permissions import require_role
from medpause.api.errors import errors
from medpause.api.schemas import ObjectId, Timestamp
from medpause.batches import blank
from medpause.batches.selectors import batch_errors, batch_get, batch_progress, report_lines
from medpause.batches.services import batch_create

router = Router(tags=["batches"])

BatchStatus = Literal["validating", "done", "failed"]
BatchState = Literal["queued", "validating", "applying", "done", "failed"]
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BatchCreated(Schema):
    id: int
    status: BatchStatus
    state: BatchState = Field(description="queued until a worker takes the batch")


class BatchError(Schema):
    row: int | None = Field(description="the row as the spreadsheet shows it (header = 1); null for the whole file")
    code: str
    message: str = Field(description="in the request's language")


class BatchOut(Schema):
    id: int
    kind: Literal["stop", "resume"]
    status: BatchStatus
    stage: Literal["queued", "validating", "applying", "finished"]
    state: BatchState = Field(
        description="what is happening now: queued (waiting for a worker: not yet taken, or its worker "
        "stopped and another will take it over), validating, applying (a worker holds it), done, failed"
    )
    file_name: str
    rows_total: int = Field(description="data rows in the file, known once all are read")
    rows_validated: int = Field(description="rows checked so far")
    rows_ok: int
    rows_failed: int
    rows_applied: int = Field(description="applications made; all rows are applied in one go")
    rows_decided_on_the_spot: int = Field(description="approved at once by the policy's on-the-spot rule")
    rows_sent_for_review: int
    errors: list[BatchError]
    errors_truncated: bool = Field(description="more errors than listed: report.csv has them all")
    created_at: Timestamp
    finished_at: Timestamp | None


def _out(batch) -> dict:
    listed, truncated = batch_errors(batch)
    return {**batch_progress(batch), "errors": listed, "errors_truncated": truncated}


@router.post(
    "", response={202: BatchCreated, **errors(400, 401, 403, 413, 415, 422)}, summary="Upload a batch file"
)
def batch_upload(request, kind: Form[Literal["stop", "resume"]], file: File[UploadedFile]):
    """Multipart `kind` (`stop` | `resume`) and `file` (CSV in UTF-8 or GB18030, or XLSX) with the
    columns `id_number`, `reason`, `start_date`, `end_date`. Answers 202 at once; follow
    `GET /batches/{id}`. Refused at once: an empty file (422 `empty_file`), one too large (413
    `file_too_large`), one that is neither CSV nor XLSX (415 `unsupported_file_type`), a workbook
    that would inflate too far when unpacked (422 `unreadable_file`, judged from its zip directory
    before anything parses it). Every other problem is reported on the batch with its row number."""
    user = require_role(request.auth, Role.UNIT_AGENT)
    batch = batch_create(actor=user, kind=kind, upload=file, filename=(file.name or "")[-200:])
    return Status(202, {"id": batch.pk, "status": batch.status, "state": batch.state})


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/template.csv", response={200: None, **errors(401, 403)}, summary="Blank batch file (CSV)")
def template_csv(request, kind: Literal["stop", "resume"] = "stop"):
    """The header row in the request's language (Chinese labels or the column names)."""
    require_role(request.auth, Role.UNIT_AGENT)
    return _download(blank.template_csv(kind), CSV_TYPE, f"batch-{kind}.csv")


@router.get("/template.xlsx", response={200: None, **errors(401, 403)}, summary="Blank batch file (XLSX)")
def template_xlsx(request, kind: Literal["stop", "resume"] = "stop"):
    user = require_role(request.auth, Role.UNIT_AGENT)
    region = user.unit.region.code if user.unit_id else None
    return _download(blank.template_xlsx(kind, region), XLSX_TYPE, f"batch-{kind}.xlsx")


@router.get("/{batch_id}", response={200: BatchOut, **errors(401, 403, 404)}, summary="A batch's progress")
def batch_detail(request, batch_id: Path[ObjectId]):
    user = require_role(request.auth, Role.UNIT_AGENT)
    return Status(200, _out(batch_get(user=user, batch_id=batch_id)))


@router.get("/{batch_id}/report.csv", response={200: None, **errors(401, 403, 404)}, summary="Per-row outcome")
def batch_report(request, batch_id: Path[ObjectId]):
    """One line per row: row, masked ID number, outcome, code, message (request's language),
    application reference and status. UTF-8 with BOM."""
    user = require_role(request.auth, Role.UNIT_AGENT)
    batch = batch_get(user=user, batch_id=batch_id)
    language = translation.get_language()

    def lines():
        with translation.override(language):
            yield from report_lines(batch)

    response = StreamingHttpResponse(lines(), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="batch-{batch.pk}-report.csv"'
    return response
