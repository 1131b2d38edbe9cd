"""The request id of the work in hand, for log lines: set per request by the WSGI entry point
(medpause.ops.wsgi) and carried into background tasks by whoever enqueues them.

Enqueuing code passes `task_context()` along with the task's arguments; the task runs its body
inside `with request_id_bound(...)` (or is decorated with `carries_request_id`), and every log
line it writes then carries the id of the request that caused it."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
import uuid

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("medpause_request_id", default=None)

# What a caller may send as X-Request-ID: a short token of letters, digits and . _ : -; anything
# else (too long, spaces, personal data in disguise) is replaced by an id of our own.
_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")
TASK_KWARG = "request_id"
# Where a handler leaves the route name and the user of a request, in its WSGI environ, for the
# request's log line (medpause.ops.wsgi reads them once the answer is sent).
ROUTE_KEY, USER_KEY = "medpause.route", "medpause.user"


def note_route(environ, route: str) -> None:
    environ[ROUTE_KEY] = route


def note_user(environ, user) -> None:
    """The signed-in user of this request, for its log line (id and role only)."""
    if user is not None and getattr(user, "pk", None) is not None:
        environ[USER_KEY] = (user.pk, getattr(user, "role", None))


def well_formed(value: str | None) -> bool:
    return bool(value) and _WELL_FORMED.fullmatch(value) is not None


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return _request_id.get()


def bind(request_id: str) -> None:
    """Name the request in hand (the WSGI entry point does this as a request comes in)."""
    _request_id.set(request_id)


def unbind() -> None:
    _request_id.set(None)


@contextlib.contextmanager
def request_id_bound(request_id: str | None):
    """Within the block, log lines carry `request_id` (a new one if it is missing or malformed)."""
    token = _request_id.set(request_id if well_formed(request_id) else new_request_id())
    try:
        yield _request_id.get()
    finally:
        _request_id.reset(token)


def task_context() -> dict:
    """Keyword arguments to pass to a task when enqueuing it: the current request id."""
    return {TASK_KWARG: current_request_id()}


def carries_request_id(func):
    """For a task function: takes the `request_id` keyword that task_context() gave the enqueuer
    and runs the task with it bound, so the task's log lines name the request behind it."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with request_id_bound(kwargs.pop(TASK_KWARG, None)):
            return func(*args, **kwargs)

    return wrapper
