"""Reads on batches: visibility, progress, errors and the per-row report, rendered in the
reader's language at read time."""

from __future__ import annotations

import io
from collections.abc import Iterator

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from medpause.accounts.models import Role
from medpause.accounts.permissions import batches_visible_to, get_visible, require_role
from medpause.batches.messages import render
from medpause.batches.models import Batch, BatchRow, BatchStatus
from medpause.cases.models import Application
from medpause.common.spreadsheet import csv_writer
from medpause.policy.selectors import reasons_for

ERRORS_SHOWN = 1000


def batch_get(*, user, batch_id) -> Batch:
    require_role(user, Role.UNIT_AGENT, message=_("Only a unit's agent can use batch files."))
    return get_visible(batches_visible_to(user), batch_id, _("No such batch."))


def batch_errors(batch: Batch, *, limit: int = ERRORS_SHOWN) -> tuple[list[dict], bool]:
    """[{"row", "person", "code", "message"}] in row order, the file's own error first (the
    person: the row's ID number, masked); and whether the list was cut at `limit` (the report
    has them all)."""
    out = []
    if batch.file_error_code:
        out.append({
            "row": batch.file_error_row, "person": "", "code": batch.file_error_code,
            "message": render(batch.file_error_key or batch.file_error_code, batch.file_error_params),
        })
    qs = BatchRow.objects.filter(batch=batch).exclude(code="").order_by("row")
    rows = list(qs.values_list("row", "id_masked", "code", "message_key", "params")[: limit + 1])
    for row, person, code, key, params in rows[:limit]:
        out.append({"row": row, "person": person, "code": code, "message": render(key or code, params)})
    return out, len(rows) > limit


def valid_reasons(batch: Batch, errors: list[dict]) -> list:
    """When a row names a reason the region does not know: the reasons a unit may write in a
    file of this kind, to show beside the errors."""
    if not any(error["code"] == "unknown_reason" for error in errors):
        return []
    reasons = reasons_for(region_code=batch.unit.region.code, kind=batch.kind)
    return [reason for reason in reasons if "unit" in reason.filed_by]


def batch_progress(batch: Batch) -> dict:
    queued = batch.rows_applied - batch.rows_decided
    return {
        "id": batch.pk,
        "kind": batch.kind,
        "status": batch.status,
        "stage": batch.stage,
        "state": batch.state,
        "file_name": batch.original_name,
        "rows_total": batch.rows_total,
        "rows_validated": batch.rows_validated,
        "rows_ok": batch.rows_ok,
        "rows_failed": batch.rows_failed,
        "rows_applied": batch.rows_applied,
        "rows_decided_on_the_spot": batch.rows_decided,
        "rows_sent_for_review": max(queued, 0),
        "created_at": batch.created_at,
        "finished_at": batch.finished_at,
    }


REPORT_COLUMNS = ("row", "id_number", "outcome", "code", "message", "reference", "application_status")


def _outcome(batch: Batch, row: BatchRow, status: str) -> str:
    if row.code:
        return gettext("error")
    if row.application_id:
        return gettext("approved on the spot") if status == "approved" else gettext("sent for review")
    if batch.status == BatchStatus.FAILED:
        return gettext("valid, not applied")
    return gettext("valid")


def report_lines(batch: Batch, *, chunk: int = 2000) -> Iterator[str]:
    """The per-row outcome as CSV (UTF-8 with BOM so that spreadsheet programs read Chinese),
    streamed chunk by chunk. ID numbers are masked: the unit has the file it uploaded."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(REPORT_COLUMNS)
    yield "\ufeff" + flush()
    if batch.file_error_code:
        writer.writerow([
            batch.file_error_row or "", "", gettext("error"), batch.file_error_code,
            render(batch.file_error_key or batch.file_error_code, batch.file_error_params), "", "",
        ])
        yield flush()
    last = 0
    while True:
        rows = list(BatchRow.objects.filter(batch=batch, row__gt=last).order_by("row")[:chunk])
        if not rows:
            break
        last = rows[-1].row
        apps = {
            pk: (reference, status)
            for pk, reference, status in Application.objects.filter(
                pk__in=[r.application_id for r in rows if r.application_id]
            ).values_list("pk", "reference", "status")
        }
        for r in rows:
            reference, status = apps.get(r.application_id, ("", ""))
            writer.writerow([
                r.row, r.id_masked, _outcome(batch, r, status), r.code,
                render(r.message_key or r.code, r.params) if r.code else "",
                reference, status,
            ])
        yield flush()
