"""Which reads may go to the database's read replica: those inside a function decorated with
`replica_reads` (the hospitals' eligibility checks), unless a caller that is about to write on
what it reads asked for the primary with `primary_reads()` (a settlement decides on the card's
status: it must see the latest approval). config/routers.py routes by this; without a replica
configured everything stays on the primary."""

from __future__ import annotations

import contextlib
import contextvars
import functools

_replica_ok: contextvars.ContextVar[bool] = contextvars.ContextVar("medpause_replica_ok", default=False)
_primary_only: contextvars.ContextVar[bool] = contextvars.ContextVar("medpause_primary_only", default=False)


def replica_allowed() -> bool:
    return _replica_ok.get() and not _primary_only.get()


def replica_reads(func):
    """The decorated selector's reads may be answered by the read replica (a little behind)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        token = _replica_ok.set(True)
        try:
            return func(*args, **kwargs)
        finally:
            _replica_ok.reset(token)

    return wrapper


@contextlib.contextmanager
def primary_reads():
    """Within the block every read goes to the primary, replica_reads or not."""
    token = _primary_only.set(True)
    try:
        yield
    finally:
        _primary_only.reset(token)
