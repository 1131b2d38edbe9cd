"""The downloadable blank batch file, CSV or XLSX, in the reader's language.

The Chinese template names its columns in Chinese (身份证号码, 停保原因, ...); the reader accepts
those labels as well as the column names of the API (id_number, reason, start_date,
end_date). The XLSX template formats the ID column as text, so that spreadsheet programs keep
all 18 characters, and has a second sheet explaining each column and listing the reasons the
unit may use in its region."""

from __future__ import annotations

import io

from django.utils.translation import get_language, gettext

from medpause.cases.models import Kind
from medpause.common.spreadsheet import append_row, csv_writer
from medpause.policy.selectors import reasons_for

HEADERS = {
    ("zh", Kind.STOP): ["身份证号码", "停保原因", "停保开始日期", "计划结束日期"],
    ("zh", Kind.RESUME): ["身份证号码", "原因", "恢复日期", "结束日期"],
    ("en", Kind.STOP): ["id_number", "reason", "start_date", "end_date"],
    ("en", Kind.RESUME): ["id_number", "reason", "start_date", "end_date"],
}


def _lang() -> str:
    return "en" if (get_language() or "zh-hans").startswith("en") else "zh"


def headers(kind: str) -> list[str]:
    return HEADERS[(_lang(), kind if kind in Kind.values else Kind.STOP)]


def template_csv(kind: str) -> bytes:
    """Only the header row: a sample row would be applied if the file came back unchanged."""
    buffer = io.StringIO()
    csv_writer(buffer, lineterminator="\r\n").writerow(headers(kind))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def help_lines(kind: str) -> list[tuple[str, str]]:
    if kind == Kind.RESUME:
        return [
            (headers(kind)[0], gettext("The employee's 18-character resident ID number.")),
            (headers(kind)[1], gettext("Optional: the reason of the stop being resumed; leave it empty.")),
            (headers(kind)[2], gettext("The first day insured again, written YYYY-MM-DD.")),
            (headers(kind)[3], gettext("Leave empty: a resumption has no end date.")),
        ]
    return [
        (headers(kind)[0], gettext("The employee's 18-character resident ID number.")),
        (headers(kind)[1], gettext("The reason: its code, its four-digit table code or its name (see the list below).")),
        (headers(kind)[2], gettext("The first day without insurance, written YYYY-MM-DD.")),
        (headers(kind)[3], gettext("The planned last day, YYYY-MM-DD; empty when the reason has no end date.")),
    ]


def template_xlsx(kind: str, region_code: str | None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = gettext("rows")
    append_row(sheet, headers(kind))
    sheet.column_dimensions["A"].number_format = "@"
    for column, width in zip("ABCD", (24, 28, 16, 16), strict=True):
        sheet.column_dimensions[column].width = width
    guide = workbook.create_sheet(gettext("help"))
    append_row(guide, [gettext("Column"), gettext("What to write")])
    for line in help_lines(kind):
        append_row(guide, list(line))
    append_row(guide, [])
    append_row(guide, [gettext("Dates are also accepted as YYYY/MM/DD or YYYYMMDD, or as date cells.")])
    append_row(guide, [gettext("Only the first sheet is read. Keep the header row; blank rows are skipped.")])
    if region_code:
        append_row(guide, [])
        append_row(guide, [gettext("Code"), gettext("Table code"), gettext("Reason")])
        for reason in reasons_for(region_code=region_code, kind=kind):
            if "unit" in reason.filed_by:
                append_row(guide, [reason.code, reason.table_code, reason.name])
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 70
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
