"""Hostile spreadsheets: a workbook that inflates far is refused before anything parses it,
an oversized cell fails its row, and the file is read by a child process under a memory limit
whose exhaustion is the same clean refusal."""

from __future__ import annotations

import io
import secrets
import zipfile

import pytest
from django.utils import translation

from medpause.batches.reader import FileError, check_inflation
from medpause.batches.selectors import batch_errors
from medpause.batches.services import batch_create
from medpause.common.dates import today
from medpause.common.errors import DomainError
from tests.batches.conftest import upload, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield

MiB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
TAIL = b"</sheetData></worksheet>"


def _with_sheet(write_rows) -> bytes:
    """A real workbook (openpyxl's) whose first sheet is replaced by what `write_rows` streams."""
    original = zipfile.ZipFile(io.BytesIO(xlsx_bytes([])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for info in original.infolist():
            if info.filename == SHEET:
                with zf.open(SHEET, "w", force_zip64=True) as sheet:
                    sheet.write(HEAD)
                    write_rows(sheet)
                    sheet.write(TAIL)
            else:
                zf.writestr(info, original.read(info.filename))
    return out.getvalue()


def bomb(unpacked_mib: int) -> bytes:
    """A sheet of one cell repeated: some hundreds to one, so 200 MiB of XML weigh well under 1 MB."""
    row = b'<row><c t="inlineStr"><is><t>A</t></is></c></row>' * 1000
    def rows(sheet):
        for _ in range(unpacked_mib * MiB // len(row) + 1):
            sheet.write(row)
    return _with_sheet(rows)


def header_and_rows(cells: list[list[str]]) -> bytes:
    def rows(sheet):
        for number, values in enumerate(cells, start=1):
            inner = b"".join(b'<c t="inlineStr"><is><t>' + v.encode() + b"</t></is></c>" for v in values)
            sheet.write(b'<row r="%d">' % number + inner + b"</row>")
    return _with_sheet(rows)


@pytest.fixture(scope="module")
def big_bomb() -> bytes:
    return bomb(200)


def test_the_bomb_is_small_and_declares_its_size(big_bomb):
    assert len(big_bomb) < 1024 * 1024
    declared = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(big_bomb)).infolist())
    assert declared > 200 * MiB and declared > 300 * len(big_bomb)


def test_a_workbook_inflating_to_200_mib_is_refused_at_upload(beijing, big_bomb):
    with pytest.raises(DomainError) as caught:
        batch_create(actor=beijing.agent, kind="stop", upload=upload(big_bomb, "bomb.xlsx"), filename="bomb.xlsx")
    error = caught.value
    assert (error.status, error.code) == (422, "unreadable_file")
    assert "50 MB" in str(error.message)
    assert error.details == {"max_unpacked_bytes": 50 * MiB, "max_ratio": 100.0}


def test_the_ratio_alone_refuses_a_bomb_under_the_total(beijing, settings):
    small = bomb(20)  # 20 MiB: under the 50 MiB total, but ~1000:1
    with pytest.raises(FileError) as caught:
        check_inflation(io.BytesIO(small), max_unpacked=50 * MiB, max_ratio=100)
    assert caught.value.key == "unreadable_file.inflated"
    check_inflation(io.BytesIO(small), max_unpacked=50 * MiB, max_ratio=2000)  # the ratio is what refused it


def test_the_api_answers_in_the_error_shape(beijing, big_bomb):
    from django.test import Client

    from medpause.accounts.services import token_issue
    from tests.api.conftest import error_of

    response = Client().post(
        "/api/v1/batches", {"kind": "stop", "file": upload(big_bomb, "bomb.xlsx")},
        HTTP_AUTHORIZATION=f"Bearer {token_issue(user=beijing.agent)}", HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "unreadable_file" and "50" in error["message"]


def test_a_stored_bomb_is_refused_by_the_worker_before_parsing(beijing, settings):
    """Limits lowered after the upload (or a file stored before them): the run refuses it too."""
    settings.MEDPAUSE_BATCH_MAX_RATIO = 10_000
    data = bomb(20)
    batch = batch_create(actor=beijing.agent, kind="stop", upload=upload(data, "b.xlsx"), filename="b.xlsx")
    settings.MEDPAUSE_BATCH_MAX_RATIO = 100
    from medpause.batches.services import batch_run

    batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert [(e["row"], e["code"]) for e in batch_errors(batch)[0]] == [(None, "unreadable_file")]
    assert "compressed beyond" in batch_errors(batch)[0][0]["message"]


def test_an_oversized_cell_is_a_row_error(beijing, day):
    person = beijing.people[0]
    data = header_and_rows([
        ["id_number", "reason", "start_date", "end_date"],
        [person.id_number, "resignation" + "x" * 5000, day.isoformat(), ""],
    ])
    batch = beijing.run(data, name="long.xlsx")
    assert batch.status == "failed"
    errors = batch_errors(batch)[0]
    assert [(e["row"], e["code"]) for e in errors] == [(2, "cell_too_long")]
    assert "longer than 1000 characters" in errors[0]["message"]


def test_a_cell_of_exactly_the_limit_is_read(beijing, day):
    person = beijing.people[0]
    data = header_and_rows([
        ["id_number", "reason", "start_date", "end_date"],
        [person.id_number, "r" * 1000, day.isoformat(), ""],
    ])
    batch = beijing.run(data, name="edge.xlsx")
    assert [e["code"] for e in batch_errors(batch)[0]] != ["cell_too_long"]


def heavy_cell(unpacked_mib: int) -> bytes:
    """One cell of `unpacked_mib` MiB that compresses ~50:1 (under the ratio limit): harmless to
    the zip directory checks, but reading it needs several times its size in memory."""
    random = secrets.token_hex(unpacked_mib * MiB // 100)
    text = "".join(random[i:i + 8] + "a" * 392 for i in range(0, len(random), 8)).encode()

    def rows(sheet):
        sheet.write(b'<row r="1"><c t="inlineStr"><is><t>id_number</t></is></c><c t="inlineStr"><is><t>reason</t>'
                    b'</is></c><c t="inlineStr"><is><t>start_date</t></is></c></row>')
        sheet.write(b'<row r="2"><c t="inlineStr"><is><t>110105199001010011</t></is></c><c t="inlineStr"><is><t>')
        sheet.write(text)
        sheet.write(b'</t></is></c><c t="inlineStr"><is><t>2026-01-01</t></is></c></row>')
    return _with_sheet(rows)


def test_a_file_needing_more_memory_than_the_limit_is_refused_cleanly(beijing, settings):
    """Within the inflation limits, but reading it needs more address space than allowed: the
    child process reading it runs out, and the batch fails with a clear file error."""
    data = heavy_cell(40)
    members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    unpacked, packed = sum(m.file_size for m in members), sum(m.compress_size for m in members)
    assert 40 * MiB < unpacked < 50 * MiB and unpacked < 100 * packed  # the upload checks let it through

    read = beijing.run(data, name="heavy.xlsx")  # the default limit (1024 MiB): read, the row refused
    assert [(e["row"], e["code"]) for e in batch_errors(read)[0]] == [(2, "cell_too_long")]

    settings.MEDPAUSE_BATCH_MEMORY_MB = 120
    person = beijing.people[0]
    small = xlsx_bytes([(person.id_number, "resignation", today().isoformat(), "")])
    assert beijing.run(small, name="small.xlsx").file_error_code == ""  # 120 MiB reads an ordinary file
    batch = beijing.run(data, name="heavy.xlsx")
    assert batch.status == "failed"
    errors = batch_errors(batch)[0]
    assert [(e["row"], e["code"]) for e in errors] == [(None, "unreadable_file")]
    assert "more memory to read than the service allows" in errors[0]["message"]
