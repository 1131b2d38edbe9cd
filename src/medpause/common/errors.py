"""Domain errors: a stable machine code, a translated sentence, and the HTTP status that
interfaces should answer with. Services raise them; views and routers only translate."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 422

    def __init__(self, code: str, message: Any, *, details: dict | None = None, status: int | None = None):
        super().__init__(code)
        self.code = code
        self.message = message  # a lazy translation, rendered in the request's language
        self.details = details or {}
        if status is not None:
            self.status = status

    def __str__(self) -> str:  # pragma: no cover - debugging aid
        return f"{self.code}: {self.message}"


class Refused(DomainError):
    """Well-formed but refused by a rule (422)."""

    status = 422


class Conflict(DomainError):
    """Conflicts with the current state (409)."""

    status = 409


class NotFound(DomainError):
    """Absent, or not visible to the caller (404)."""

    status = 404


class TooManyAttempts(DomainError):
    """Refused for now: too many attempts; `retry_after` seconds until the next may succeed (429)."""

    status = 429

    def __init__(self, code: str, message: Any, *, retry_after: int, details: dict | None = None):
        super().__init__(code, message, details={"retry_after": retry_after, **(details or {})})
        self.retry_after = retry_after


class Forbidden(DomainError):
    """The caller's role may not do this at all (403)."""

    status = 403
