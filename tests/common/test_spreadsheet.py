"""The one helper every CSV/XLSX writer uses: texts a spreadsheet would run are neutralised."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from medpause.common.spreadsheet import append_row, csv_writer, safe_cell

HOSTILE = ["=1+2", "+SUM(A1)", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")']


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_triggers_get_a_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["张伟", "2026-01-01", "a=b", "", None, 12, -5, 3.5])
def test_other_values_are_left_alone(value):
    assert safe_cell(value) == value


def test_csv_writer_neutralises_every_cell():
    buffer = io.StringIO()
    csv_writer(buffer).writerow(["ok", *HOSTILE])
    cells = next(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert cells[0] == "ok"
    assert all(c.startswith("'") for c in cells[1:])


def test_xlsx_rows_store_strings_never_formulas():
    workbook = Workbook()
    append_row(workbook.active, ["ok", *HOSTILE, 7])
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    cells = list(sheet.iter_rows(values_only=False))[0]
    assert all(cell.data_type != "f" for cell in cells)
    # (XML reads a carriage return back as a line feed)
    assert [c.value for c in cells[1:-1]] == ["'" + t.replace("\r", "\n") for t in HOSTILE]
    assert cells[-1].value == 7
