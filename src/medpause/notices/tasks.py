"""Sending a notice by SMS or e-mail as a task on the task queue (ADR 0008): enqueued when the
notice's transaction commits (notices.delivery), run by `medpause worker`; a failed attempt
enqueues the next after its backoff. Safe to run twice: the row is claimed before sending."""

from __future__ import annotations

from django_tasks import task

from medpause.notices.delivery import delivery_attempt


@task()
def deliver(delivery_id: int) -> str:
    return delivery_attempt(delivery_id)
