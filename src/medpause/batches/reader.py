"""Reading a batch file row by row without holding it in memory.

CSV: the encoding is found by a streaming pass (UTF-8 with or without BOM, else GB18030),
then the csv module reads through a text wrapper. XLSX: openpyxl in read-only mode,
iter_rows over the first worksheet. Rows come out as (row number as the spreadsheet shows it,
{column: cell}); the header is row 1. Anything wrong with the file as a whole raises FileError
with a code, a message key (batches.messages) and its parameters."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

COLUMNS = ("id_number", "reason", "start_date", "end_date")
# Headers are matched without case and spaces; the template in Chinese uses these labels.
ALIASES = {
    "id_number": {"id_number", "idnumber", "id number", "身份证号码", "身份证号", "公民身份号码"},
    "reason": {"reason", "原因", "停保原因", "减员原因", "原因代码", "reason code"},
    "start_date": {"start_date", "start date", "开始日期", "停保开始日期", "恢复日期", "恢复参保日期", "resume date"},
    "end_date": {"end_date", "end date", "结束日期", "计划结束日期", "停保结束日期"},
}
_HEADER_INDEX = {alias.replace(" ", ""): column for column, names in ALIASES.items() for alias in names}
_CHUNK = 1 << 16

XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls
# Files that are plainly something else, even where their first bytes look like text.
OTHER_MAGIC = (b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"\x1f\x8b", b"Rar!",
               b"7z\xbc\xaf", b"<?xml", b"<html", b"<!DOCTYPE", b"{\\rtf")


class FileError(Exception):
    def __init__(self, code: str, key: str | None = None, params: dict | None = None, row: int | None = None):
        super().__init__(code)
        self.code, self.key, self.params, self.row = code, key or code, params or {}, row


def sniff_format(head: bytes) -> str | None:
    """'xlsx', 'csv', or None (not a file this feature reads), judged by content, never by name.
    'xls' for an old binary workbook so that the message can say what to do."""
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(OLE2_MAGIC):
        return "xls"
    if head.lstrip()[:16].lower().startswith(tuple(m.lower() for m in OTHER_MAGIC)):
        return None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"  # text, in an encoding we refuse with a clear message later
    sample = head[:4096]
    if not sample:
        return None
    if b"\x00" in sample:
        return None
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    if controls > 0:
        return None
    return "csv"


def check_xlsx(fileobj: IO[bytes]) -> bool:
    """A zip is an XLSX workbook only if it holds one (reads the zip directory, not the data)."""
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as zf:
            return "xl/workbook.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        fileobj.seek(0)


def check_inflation(fileobj: IO[bytes], *, max_unpacked: int, max_ratio: float) -> None:
    """Refuse a workbook that would inflate too far, before anything parses it: from the zip
    directory alone, the members' declared sizes in total (`max_unpacked` bytes) and the ratio of
    what they unpack to over what they weigh (`max_ratio`; judged past 1 MiB, where small files
    cannot hurt). A sheet of one cell repeated compresses about 1000:1."""
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileError("unreadable_file", "unreadable_file.xlsx") from exc
    finally:
        fileobj.seek(0)
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    mb = max(1, max_unpacked // (1024 * 1024))
    if unpacked > max_unpacked:
        raise FileError("unreadable_file", "unreadable_file.inflated", {"mb": mb})
    if unpacked > (1 << 20) and unpacked > max_ratio * max(packed, 1):
        raise FileError("unreadable_file", "unreadable_file.inflated", {"mb": mb})


def detect_encoding(fileobj: IO[bytes]) -> str:
    """Read the whole file once, in chunks, with incremental decoders: UTF-8 (BOM or not) first,
    GB18030 else. Memory stays at one chunk whatever the size."""
    fileobj.seek(0)
    head = fileobj.read(4)
    fileobj.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileError("wrong_encoding")
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        fileobj.seek(0)
        try:
            while chunk := fileobj.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        fileobj.seek(0)
        return encoding
    raise FileError("wrong_encoding")


def _header(cells: list[Any], row: int = 1) -> list[str | None]:
    """The column of each position, or wrong_columns."""
    names: list[str | None] = []
    unknown: list[str] = []
    for cell in cells:
        text = "" if cell is None else str(cell).strip().lstrip("\ufeff")
        if not text:
            names.append(None)
            continue
        column = _HEADER_INDEX.get(text.lower().replace(" ", ""))
        if column is None:
            unknown.append(text[:40])
        names.append(column)
    if unknown:
        raise FileError("wrong_columns", "wrong_columns.unknown", {"columns": ", ".join(unknown)}, row=row)
    present = [n for n in names if n]
    duplicate = sorted({n for n in present if present.count(n) > 1})
    if duplicate:
        raise FileError("wrong_columns", "wrong_columns.duplicate", {"columns": ", ".join(duplicate)}, row=row)
    # end_date may be left out of a resume file; the others are always needed.
    missing = [c for c in COLUMNS if c not in present and c != "end_date"]
    if missing:
        raise FileError("wrong_columns", "wrong_columns.missing", {"columns": ", ".join(missing)}, row=row)
    while names and names[-1] is None:
        names.pop()
    return names


class Row:
    __slots__ = ("number", "cells", "extra")

    def __init__(self, number: int, cells: dict[str, Any], extra: int):
        self.number, self.cells, self.extra = number, cells, extra


def _rows(raw_rows: Iterator[tuple[int, list[Any]]], max_rows: int) -> Iterator[Row]:
    first = next(raw_rows, None)
    if first is None:
        raise FileError("empty_file")
    number, cells = first
    names = _header(cells, number)
    width = len(names)
    seen = 0
    for number, cells in raw_rows:
        # Cells past the header's last column are tolerated when empty (spreadsheets pad rows).
        values = list(cells)
        while len(values) > width and (values[-1] is None or str(values[-1]).strip() == ""):
            values.pop()
        if not any(v is not None and str(v).strip() != "" for v in values):
            continue  # a blank row
        seen += 1
        if seen > max_rows:
            raise FileError("too_many_rows", params={"limit": max_rows})
        extra = max(0, len(values) - width)
        row = {name: values[i] if i < len(values) else None for i, name in enumerate(names) if name}
        yield Row(number, row, extra)
    if seen == 0:
        raise FileError("no_rows")


def _csv_records(fileobj: IO[bytes], encoding: str) -> Iterator[tuple[int, list[Any]]]:
    import io

    text = io.TextIOWrapper(fileobj, encoding=encoding, newline="")
    reader = csv.reader(text)
    number = 0
    try:
        for number, record in enumerate(reader, start=1):  # noqa: B007 - used after the loop on error
            yield number, record
    except csv.Error as exc:
        raise FileError("unreadable_file", "unreadable_file.csv", {"row": number + 1}, row=number + 1) from exc
    finally:
        try:
            text.detach()  # leave the binary file to its owner
        except ValueError:  # pragma: no cover - already closed
            pass


def _xlsx_records(fileobj: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except MemoryError:  # not a broken workbook: one too heavy for the reader's memory limit
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken workbook
        raise FileError("unreadable_file", "unreadable_file.xlsx") from exc
    try:
        if not workbook.worksheets:
            raise FileError("unreadable_file", "unreadable_file.xlsx")
        sheet = workbook.worksheets[0]
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(values)
        except (FileError, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001
            raise FileError("unreadable_file", "unreadable_file.xlsx") from exc
    finally:
        workbook.close()


@contextmanager
def open_rows(
    fileobj: IO[bytes], file_format: str, *, max_rows: int = 200_000, max_unpacked: int = 50 * 1024 * 1024,
    max_ratio: float = 100,
):
    """Yield an iterator of Row. Raises FileError (at open or while iterating). A workbook is
    judged by its zip directory first (check_inflation)."""
    if file_format == "xlsx":
        check_inflation(fileobj, max_unpacked=max_unpacked, max_ratio=max_ratio)
        rows = _rows(_xlsx_records(fileobj), max_rows)
    else:
        rows = _rows(_csv_records(fileobj, detect_encoding(fileobj)), max_rows)
    try:
        yield rows
    finally:
        rows.close()  # closes the reader (and its text wrapper) before the file goes


# --- cells -------------------------------------------------------------------------------------

_DATE_RE = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$")


class CellError(Exception):
    def __init__(self, code: str, key: str | None = None, params: dict | None = None):
        super().__init__(code)
        self.code, self.key, self.params = code, key or code, params or {}


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_date(value: Any, field: str) -> dt.date | None:
    """YYYY-MM-DD; also YYYY/MM/DD, YYYY.MM.DD (month and day may have one digit, as
    spreadsheets write them) and YYYYMMDD; a real date cell of a workbook. Else invalid_date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0, 0):
            raise CellError("invalid_date", params={"field": field})
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = text_of(value)
    if not text:
        return None
    try:
        if len(text) == 8 and text.isdigit():
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        match = _DATE_RE.match(text)
        if match:
            return dt.date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
    except ValueError:
        pass
    raise CellError("invalid_date", params={"field": field})
