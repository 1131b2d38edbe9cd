"""Plain multi-row INSERTs (a batch file's applications, their history and audit events), without
building a model instance per row.

Django's bulk_create prepares every value of every object through the field machinery; for
hundreds of thousands of rows that, not the database, is most of the time. Here the columns
that differ per row are adapted once per value by a converter chosen once per column, and
every other column takes its constant (or the field's default, or `now` for auto_now fields),
adapted once. Works on SQLite and PostgreSQL (RETURNING keeps the insertion order there, as
bulk_create relies on too)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence

from django.db import connection, models, transaction
from django.utils import timezone

_MAX_PARAMS = 30000  # below SQLite's 32766 and PostgreSQL's 65535


def _converter(field) -> Callable | None:
    """How a value of this field is passed to the database; None: as it is."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return lambda v: json.dumps(v, ensure_ascii=False)
    if isinstance(field, models.DecimalField):
        return lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
    return None


class Inserter:
    def __init__(self, model, varying: Sequence[str], constants: dict | None = None, *, now=None):
        constants = constants or {}
        now = now or timezone.now()
        self.model = model
        self.table = connection.ops.quote_name(model._meta.db_table)
        self.varying_names = list(varying)
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        by_name = {}
        for f in model._meta.concrete_fields:  # the primary key may vary too (ids reserved ahead)
            by_name[f.attname] = f
            by_name[f.name] = f
        self.varying = [by_name[n] for n in varying]
        fixed = []
        for f in fields:
            if f in self.varying:
                continue
            if f.attname in constants or f.name in constants:
                value = constants.get(f.attname, constants.get(f.name))
                if isinstance(value, models.Model):
                    value = value.pk
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            elif f.has_default() or (f.empty_strings_allowed and not f.null):
                value = f.get_default()
            elif f.null:
                value = None
            else:
                raise ValueError(f"{model.__name__}.{f.name} needs a value")
            conv = _converter(f)
            fixed.append((f, value if value is None or conv is None else conv(value)))
        self.columns = [f.column for f in self.varying] + [f.column for f, _v in fixed]
        self.fixed_values = tuple(v for _f, v in fixed)
        self.fixed_fields = [f for f, _v in fixed]
        self.converters = [_converter(f) for f in self.varying]

    def _rows(self, rows: Iterable[Sequence]) -> list[tuple]:
        fixed = self.fixed_values
        converting = [(i, c) for i, c in enumerate(self.converters) if c is not None]
        if not converting:
            return [tuple(row) + fixed for row in rows]
        out = []
        for row in rows:
            values = list(row)
            for i, c in converting:
                if values[i] is not None:
                    values[i] = c(values[i])
            out.append(tuple(values) + fixed)
        return out

    def insert(self, rows: Iterable[Sequence]) -> int:
        data = self._rows(rows)
        if not data:
            return 0
        qn = connection.ops.quote_name
        cols = ", ".join(qn(c) for c in self.columns)
        marks = ", ".join(["%s"] * len(self.columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {self.table} ({cols}) VALUES ({marks})", data)
        return len(data)

    def insert_returning(self, rows: Iterable[Sequence]) -> list[int]:
        """The new primary keys, in the order of the rows."""
        data = self._rows(rows)
        qn = connection.ops.quote_name
        cols = ", ".join(qn(c) for c in self.columns)
        one = "(" + ", ".join(["%s"] * len(self.columns)) + ")"
        per = max(1, min(1000, _MAX_PARAMS // len(self.columns)))
        pk = qn(self.model._meta.pk.column)
        ids: list[int] = []
        with connection.cursor() as cursor:
            for start in range(0, len(data), per):
                part = data[start:start + per]
                params = [v for row in part for v in row]
                cursor.execute(
                    f"INSERT INTO {self.table} ({cols}) VALUES {', '.join([one] * len(part))} RETURNING {pk}", params
                )
                ids += [r[0] for r in cursor.fetchall()]
        return ids


    def insert_select(self, source: str, expressions: Sequence[str], where: str = "", params: Sequence = ()) -> int:
        """One set-based INSERT ... SELECT: the varying columns from `expressions` over the SQL
        `source` (a staging table), every other column its constant, as `insert` writes it.
        `where` (with `params`) may end in ORDER BY to keep the ids in the staged order."""
        if len(expressions) != len(self.varying):
            raise ValueError("one expression per varying column")
        qn = connection.ops.quote_name
        cols = ", ".join(qn(c) for c in self.columns)
        if connection.vendor == "postgresql":  # a bare parameter in a SELECT list is text there
            marks = [f"CAST(%s AS {f.db_type(connection)})" for f in self.fixed_fields]
        else:
            marks = ["%s"] * len(self.fixed_values)
        select = ", ".join([*expressions, *marks])
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {self.table} ({cols}) SELECT {select} FROM {source} {where}",
                [*self.fixed_values, *params],
            )
            return cursor.rowcount


def reserve_ids(model, count: int) -> list[int]:
    """Take `count` primary keys of `model` that no other insert will take, without writing a
    row: from the column's sequence on PostgreSQL, by moving the table's AUTOINCREMENT counter
    on SQLite (in a short transaction of its own). Rows inserted later with these ids keep the
    order of the list."""
    if count <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count]
            )
            return sorted(r[0] for r in cursor.fetchall())
        with transaction.atomic():
            qn = connection.ops.quote_name
            cursor.execute(f"SELECT COALESCE(MAX({qn(pk)}), 0) FROM {qn(table)}")
            floor = cursor.fetchone()[0]
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            found = cursor.fetchone()
            last = max(floor, found[0] if found else 0)
            if found:
                cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [last + count, table])
            else:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last + count])
    return list(range(last + 1, last + count + 1))


def update_many(model, column_names: Sequence[str], rows: Iterable[Sequence]) -> None:
    """UPDATE ... SET columns WHERE pk = ?, as one executemany: rows are (values..., pk)."""
    qn = connection.ops.quote_name
    fields = [model._meta.get_field(n) for n in column_names]
    conv = [_converter(f) or (lambda v: v) for f in fields]
    sets = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    data = [
        tuple(None if v is None else c(v) for c, v in zip(conv, row[:-1], strict=True)) + (row[-1],) for row in rows
    ]
    if data:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn(model._meta.pk.column)} = %s", data
            )
