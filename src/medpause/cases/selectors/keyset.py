"""Keyset pagination: a page starts after (or ends before) a row's key, compared as a row value
`(a, b) > (%s, %s)` that one composite index answers, on SQLite and PostgreSQL alike; no
OFFSET and no count of everything that matches."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import BooleanField, F, Func, QuerySet, Value

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class _Row(Func):
    function = ""
    template = "(%(expressions)s)"


class RowCompare(Func):
    """`(fields...) <op> (values...)`: a row-value comparison, usable in `filter()`."""

    output_field = BooleanField()
    template = "%(expressions)s"

    def __init__(self, fields: tuple[str, ...], op: str, values: tuple):
        if op not in ("<", ">") or len(fields) != len(values):
            raise ValueError((fields, op, values))
        self.arg_joiner = f" {op} "
        super().__init__(_Row(*[F(f) for f in fields]), _Row(*[Value(v) for v in values]))


def rows_after(qs: QuerySet, fields: tuple[str, ...], values: tuple) -> QuerySet:
    return qs.filter(RowCompare(fields, ">", values))


def rows_before(qs: QuerySet, fields: tuple[str, ...], values: tuple) -> QuerySet:
    return qs.filter(RowCompare(fields, "<", values))


@dataclass(frozen=True)
class Position:
    """A row's place in a list ordered by (a timestamp that may be empty, id): where a page
    starts or ends. As a URL token: microseconds since 1970 (or `n` for no time) and the id;
    no personal data."""

    at: dt.datetime | None
    pk: int

    @property
    def token(self) -> str:
        stamp = "n" if self.at is None else str((self.at - _EPOCH) // dt.timedelta(microseconds=1))
        return f"{stamp}.{self.pk}"

    @classmethod
    def from_token(cls, token: str | None) -> Position | None:
        """The position of a token, None when there is none or it is not one."""
        stamp, _sep, pk = (token or "").partition(".")
        try:
            at = None if stamp == "n" else _EPOCH + dt.timedelta(microseconds=int(stamp))
            number = int(pk)
        except (ValueError, OverflowError):
            return None
        return cls(at, number) if 0 < number < 2**63 else None


@dataclass
class Page:
    items: list
    next: Position | None  # the last item, when more follow
    previous: Position | None  # the first item, when more come before

    @property
    def has_other_pages(self) -> bool:
        return self.next is not None or self.previous is not None


def newest_first_page(
    qs: QuerySet, field: str, *, limit: int, after: Position | None = None, before: Position | None = None,
) -> Page:
    """One page of `qs` newest first by (`field`, id), a column that is never empty: the `limit`
    rows after `after` (older), or the `limit` before `before` (newer)."""
    key = (field, "id")
    if before is not None and before.at is not None:
        items = list(rows_after(qs, key, (before.at, before.pk)).order_by(field, "id")[: limit + 1])
        more = len(items) > limit
        items = list(reversed(items[:limit]))
        return Page(items, _at(items[-1], field) if items else None, _at(items[0], field) if more else None)
    if after is not None and after.at is not None:
        qs = rows_before(qs, key, (after.at, after.pk))
    items = list(qs.order_by(f"-{field}", "-id")[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    return Page(items, _at(items[-1], field) if more else None, _at(items[0], field) if after and items else None)


def _at(row, field: str) -> Position:
    return Position(getattr(row, field), row.pk)
