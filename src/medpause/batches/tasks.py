"""The batch file's task on the task queue (ADR 0008): enqueued when an upload commits
(batches.services.start), run by `medpause worker`."""

from __future__ import annotations

from django_tasks import task

from medpause.batches.services import batch_run
from medpause.common.requestctx import request_id_bound


@task()
def run_batch(batch_id: int, request_id: str | None = None) -> str:
    """Run the batch to its end; its outcome, or "held" when another worker has it. The log
    lines name the upload's request."""
    with request_id_bound(request_id):
        batch = batch_run(batch_id=batch_id)
        return batch.status if batch is not None else "held"
