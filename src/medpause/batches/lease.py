"""A worker's lease on a batch file: who runs it (claimed_by) and until when (lease_until).

A worker takes a batch with one conditional UPDATE: the batch is still in progress and nobody
holds it, or the holder's lease has lapsed. The database decides between two workers racing
for it: on PostgreSQL the second UPDATE waits for the first to commit and then finds the lease
taken (READ COMMITTED checks the WHERE again on the new row); on SQLite writers take turns.
So exactly one worker gets it. While it works, a heartbeat thread renews the lease every third
of its length; a worker that dies stops renewing, and once the lease lapses another worker
takes the batch over (`medpause worker` looks every few seconds). Nothing the dead worker had
staged was ever visible: the taker deletes it and stages anew; only the publish, one short
transaction conditional on the lease, makes a batch visible (batches.publish, ADR 0018).

The length is the setting MEDPAUSE_BATCH_LEASE_SECONDS (default 30)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from medpause.batches.models import Batch, BatchStatus

logger = logging.getLogger("medpause.batches")


def lease_length() -> dt.timedelta:
    return dt.timedelta(seconds=max(1, int(getattr(settings, "MEDPAUSE_BATCH_LEASE_SECONDS", 30))))


def worker_name() -> str:
    """This worker's name on its claims: host, process and a random part (at most 64 characters)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def free(now: dt.datetime) -> Q:
    """Batches in progress that nobody holds: never claimed, released, or their lease lapsed."""
    return Q(status=BatchStatus.VALIDATING) & (
        Q(claimed_by="") | Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    )


def claim(batch_id: int, *, length: dt.timedelta | None = None) -> str | None:
    """Take the batch for a new claim; its name, or None when another worker holds it (or it is
    finished)."""
    name = worker_name()
    now = timezone.now()
    taken = Batch.objects.filter(free(now), pk=batch_id).update(
        claimed_by=name, claimed_at=now, lease_until=now + (length or lease_length()),
    )
    return name if taken else None


def renew(batch_id: int, name: str, *, length: dt.timedelta | None = None) -> bool:
    """Extend this worker's lease; False when it is no longer this worker's (lapsed and taken
    over, or the batch finished)."""
    until = timezone.now() + (length or lease_length())
    return bool(
        Batch.objects.filter(pk=batch_id, claimed_by=name, status=BatchStatus.VALIDATING).update(lease_until=until)
    )


def release(batch_id: int, name: str) -> None:
    """Give the batch back at once (an error: any worker may take it up again)."""
    Batch.objects.filter(pk=batch_id, claimed_by=name).update(claimed_at=None, claimed_by="", lease_until=None)


def held(batch_id: int, name: str | None) -> bool:
    """Whether the claim `name` still holds the batch (None: no claim to check)."""
    if name is None:
        return True
    return Batch.objects.filter(pk=batch_id, claimed_by=name, lease_until__gt=timezone.now()).exists()


class Heartbeat:
    """Renews a lease from a thread of its own (its own database connection) while the batch
    runs, every third of the lease, until stopped."""

    def __init__(self, batch_id: int, name: str, *, length: dt.timedelta | None = None):
        self.batch_id, self.name, self.length = batch_id, name, length or lease_length()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease-{batch_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=self.length.total_seconds())

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.length.total_seconds() / 3):
                try:
                    if not renew(self.batch_id, self.name, length=self.length):
                        return
                except Exception as exc:  # noqa: BLE001 - a busy database: try again at the next beat
                    logger.warning("batch %s: lease not renewed (%s)", self.batch_id, type(exc).__name__)
        finally:
            connection.close()
