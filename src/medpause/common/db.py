"""Database helpers.

SQLite admits one writer at a time. A writer that finds the lock taken polls it with growing
sleeps (1, 2, 5, 10 … up to 100 ms) until the busy timeout, so under concurrent writes most of
the time goes in sleeping past the moment the lock was free. `write_gate()` queues writers on
an exclusive file lock next to the data instead (a thread lock within the process, `flock`
across processes): a waiting writer sleeps in the kernel and wakes as soon as the previous one
commits. On PostgreSQL it does nothing: row locks queue writers there."""

from __future__ import annotations

import fcntl
import os
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

_thread_lock = threading.Lock()
_fd: list[int] = []


def _gate_fd() -> int:
    if not _fd:
        _fd.append(os.open(settings.DATA_DIR / "sqlite-write.lock", os.O_RDWR | os.O_CREAT, 0o600))
    return _fd[0]


@contextmanager
def write_gate():
    """Hold the writers' gate for a write transaction opened inside it (SQLite only; not
    inside a transaction already begun, which may hold the database's lock itself)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with _thread_lock:
        fd = _gate_fd()
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
