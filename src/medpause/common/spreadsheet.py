"""Cells that cannot attack the spreadsheet program that opens them (CSV/formula injection).

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return may be taken for
a formula by Excel, WPS or LibreOffice (`=HYPERLINK(...)`, `=cmd|...`, `@SUM(...)`). Every CSV
or XLSX file the product writes passes its cells through here: such a text gets a leading `'`,
and in a workbook every text is stored as a string, never as a formula. Numbers, dates and
empty cells are left as they are."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, with a `'` in front of a text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


class SafeCsvWriter:
    """csv.writer whose every cell goes through safe_cell."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **kwargs) -> SafeCsvWriter:
    return SafeCsvWriter(stream, **kwargs)


def append_row(sheet, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl worksheet with its texts neutralised: openpyxl stores a
    text as a formula only when it starts with `=`, which a neutralised text never does."""
    sheet.append(safe_row(values))
