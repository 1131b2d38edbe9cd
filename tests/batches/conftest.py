"""Batch fixtures: a unit with employees in Beijing (review queue) and Chengdu (on the spot),
its agent, and helpers that build CSV / XLSX files and run a batch to its end."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medpause.batches.services import batch_create, batch_run
from medpause.common.dates import today
from tests.factories import COUNTY, id_number, make_person, make_unit, make_user

# 1995: the Chengdu county code of the factories (510104) is unknown to python-stdnum for 1985 births
BORN = dt.date(1995, 7, 19)
HEADER = ["id_number", "reason", "start_date", "end_date"]


@pytest.fixture(autouse=True)
def _inline_runner(settings):
    settings.MEDPAUSE_BATCH_RUNNER = "inline"


def csv_bytes(rows, header=HEADER, encoding="utf-8", bom=False) -> bytes:
    lines = [",".join(header)] + [",".join("" if c is None else str(c) for c in r) for r in rows]
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(data: bytes, name: str = "batch.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


class Place:
    def __init__(self, region: str, employees: int = 3):
        self.unit = make_unit(region)
        self.agent = make_user("unit_agent", unit=self.unit)
        self.people = [
            make_person(region, unit=self.unit, id_number=id_number(COUNTY[region], born=BORN)) for _ in range(employees)
        ]

    def run(self, data: bytes, kind: str = "stop", name: str = "batch.csv"):
        batch = batch_create(actor=self.agent, kind=kind, upload=upload(data, name), filename=name)
        batch_run(batch_id=batch.pk)
        batch.refresh_from_db()
        return batch


@pytest.fixture
def beijing(db):
    return Place("110000")


@pytest.fixture
def chengdu(db):
    return Place("510100")


@pytest.fixture
def day() -> dt.date:
    return today()
