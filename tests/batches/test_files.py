"""Bad files get a clear error with a stable code, never a 500; accepted encodings and date
formats are read."""

import datetime as dt
import io
import zipfile

import pytest

from medpause.batches.selectors import batch_errors
from medpause.batches.services import batch_create
from medpause.common.errors import DomainError
from tests.batches.conftest import HEADER, csv_bytes, upload, xlsx_bytes
from tests.factories import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def _codes(batch):
    return [(e["row"], e["code"]) for e in batch_errors(batch)[0]]


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"", 422, "empty_file"),
        (pdf_bytes(), 415, "unsupported_file_type"),
        (png_bytes(), 415, "unsupported_file_type"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, 415, "unsupported_file_type"),  # old .xls
    ],
)
def test_files_that_are_not_csv_or_xlsx_are_refused_at_upload(beijing, data, status, code):
    with pytest.raises(DomainError) as caught:
        batch_create(actor=beijing.agent, kind="stop", upload=upload(data), filename="x.csv")
    assert (caught.value.status, caught.value.code) == (status, code)


def test_a_zip_that_is_not_a_workbook_is_refused(beijing):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(DomainError) as caught:
        batch_create(actor=beijing.agent, kind="stop", upload=upload(buffer.getvalue(), "x.xlsx"), filename="x.xlsx")
    assert caught.value.code == "unsupported_file_type"


def test_a_file_over_the_limit_is_refused_with_413(beijing, settings):
    settings.MEDPAUSE_BATCH_MAX_BYTES = 100
    with pytest.raises(DomainError) as caught:
        batch_create(actor=beijing.agent, kind="stop", upload=upload(csv_bytes([("x", "y", "z", "")] * 10)))
    assert (caught.value.status, caught.value.code) == (413, "file_too_large")


def test_a_broken_workbook_fails_the_batch_with_a_clear_error(beijing):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("xl/workbook.xml", "this is not xml")
    batch = beijing.run(buffer.getvalue(), name="broken.xlsx")
    assert batch.status == "failed"
    assert _codes(batch) == [(None, "unreadable_file")]


@pytest.mark.parametrize(
    ("header", "key"),
    [
        (["id_number", "reason", "end_date"], "missing"),
        (["id_number", "reason", "start_date", "end_date", "salary"], "unknown"),
        (["id_number", "reason", "start_date", "start_date"], "duplicate"),
        (["id_number;reason;start_date;end_date"], "unknown"),
    ],
)
def test_wrong_columns_fail_the_batch_at_row_1(beijing, day, header, key):
    person = beijing.people[0]
    batch = beijing.run(csv_bytes([(person.id_number, "resignation", day.isoformat(), "")], header=header))
    assert batch.status == "failed"
    assert _codes(batch) == [(1, "wrong_columns")]
    assert batch.file_error_key == f"wrong_columns.{key}"
    assert batch.rows_applied == 0


def test_a_header_without_rows_fails(beijing):
    batch = beijing.run(csv_bytes([]))
    assert _codes(batch) == [(None, "no_rows")]


def test_bytes_neither_utf8_nor_gb18030_fail_with_wrong_encoding(beijing, day):
    person = beijing.people[0]
    data = csv_bytes([(person.id_number, "resignation", day.isoformat(), "")]) + b"\xff\xff,\x80\r\n"
    batch = beijing.run(data)
    assert batch.status == "failed"
    assert _codes(batch) == [(None, "wrong_encoding")]


def test_utf16_text_is_refused_with_wrong_encoding(beijing, day):
    data = "\ufeffid_number,reason,start_date,end_date\r\n".encode("utf-16-le")
    batch = beijing.run(b"\xff\xfe" + data[2:])
    assert _codes(batch) == [(None, "wrong_encoding")]


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("gb18030", False)])
def test_utf8_with_or_without_bom_and_gb18030_are_read(beijing, day, encoding, bom):
    header = ["身份证号码", "停保原因", "停保开始日期", "计划结束日期"]
    rows = [(p.id_number, "解除或终止劳动合同（离职）", day.isoformat(), "") for p in beijing.people]
    batch = beijing.run(csv_bytes(rows, header=header, encoding=encoding, bom=bom))
    assert batch.status == "done", _codes(batch)
    assert batch.rows_applied == 3


def test_a_row_with_too_many_cells_is_a_row_error(beijing, day):
    a, b, c = beijing.people
    rows = [
        (a.id_number, "resignation", day.isoformat(), ""),
        (b.id_number, "resignation", day.isoformat(), "", "surplus"),
        (c.id_number, "resignation", day.isoformat(), "", "", ""),  # empty padding is fine
    ]
    batch = beijing.run(csv_bytes(rows))
    assert _codes(batch) == [(3, "too_many_cells")]
    assert batch.rows_applied == 0


@pytest.mark.parametrize("written", ["{d:%Y/%m/%d}", "{d:%Y%m%d}", "{d.year}/{d.month}/{d.day}", "{d:%Y-%m-%d}"])
def test_accepted_date_formats(beijing, day, written):
    person = beijing.people[0]
    batch = beijing.run(csv_bytes([(person.id_number, "resignation", written.format(d=day), "")]))
    assert batch.status == "done", _codes(batch)
    assert batch.rows.get().start_date == day


@pytest.mark.parametrize("written", ["{d:%d.%m.%Y}", "{d:%m/%d/%Y}", "tomorrow", "{d:%Y}-13-01", "{d:%Y}0230"])
def test_other_date_formats_are_row_errors(beijing, day, written):
    person = beijing.people[0]
    batch = beijing.run(csv_bytes([(person.id_number, "resignation", written.format(d=day), "")]))
    assert _codes(batch) == [(2, "invalid_date")]


def test_xlsx_date_cells_and_text_dates_are_read_blank_rows_skipped(beijing, day):
    a, b, _c = beijing.people
    rows = [(a.id_number, "resignation", dt.datetime.combine(day, dt.time()), None), (None, None, None, None),
            (b.id_number, "6301", day.strftime("%Y/%m/%d"), None)]
    batch = beijing.run(xlsx_bytes(rows), name="rows.xlsx")
    assert batch.status == "done", _codes(batch)
    assert list(batch.rows.values_list("row", flat=True)) == [2, 4]


def test_an_id_number_typed_as_a_number_gets_a_hint(beijing, day):
    batch = beijing.run(xlsx_bytes([(1.10105198503141e17, "resignation", day, None)], header=HEADER), name="r.xlsx")
    errors = batch_errors(batch)[0]
    assert [(e["row"], e["code"]) for e in errors] == [(2, "invalid_id_number")]
    assert batch.rows.get().message_key == "invalid_id_number.numeric"
    assert "text" in errors[0]["message"] or "文本" in errors[0]["message"]
