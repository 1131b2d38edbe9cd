"""Every message a batch can show, by key. Errors are stored as (code, key, params) and
rendered when read, in the reader's language. Here only what a file, a cell or a batch can
get wrong; a row refused by a rule shows the rulebook's own sentence (cases.rules.MESSAGES,
read through, not copied), the one a single application shows."""

from __future__ import annotations

from collections import ChainMap

from django.utils.translation import gettext_lazy as _

from medpause.cases import rules

_BATCH_MESSAGES = {
    # --- file ----------------------------------------------------------------------------
    "empty_file": _("The file is empty."),
    "no_rows": _("The file has a header row but no data rows."),
    "wrong_columns.missing": _(
        "The first row must name the columns id_number, reason, start_date and end_date; missing: %(columns)s."
    ),
    "wrong_columns.unknown": _(
        "The first row names columns this file cannot have: %(columns)s. The columns are id_number, reason, "
        "start_date and end_date."
    ),
    "wrong_columns.duplicate": _("The first row names a column twice: %(columns)s."),
    "wrong_encoding": _(
        "The file's text could not be read: save it as CSV in UTF-8 (with or without BOM) or GB18030."
    ),
    "unreadable_file.csv": _(
        "The CSV file could not be read at row %(row)d: look for an unclosed quotation mark or an oversized cell."
    ),
    "unreadable_file.xlsx": _(
        "The file could not be opened as an XLSX workbook: save it again from your spreadsheet program as .xlsx "
        "or .csv."
    ),
    "unreadable_file.inflated": _(
        "The workbook unpacks to far more than it weighs (more than %(mb)d MB, or compressed beyond what a "
        "spreadsheet program writes): it was not opened. Save it again as .xlsx or .csv."
    ),
    "unreadable_file.memory": _(
        "The file needs more memory to read than the service allows: split it into smaller files or save it "
        "as .csv."
    ),
    "too_many_rows": _("The file has more than %(limit)d rows: split it into several files."),
    "unsupported_file_type": _("Only CSV and XLSX files can be uploaded."),
    "unsupported_file_type.xls": _("Old .xls workbooks cannot be read: save the file as .xlsx or .csv."),
    "file_too_large": _("The file is larger than %(mb)d MB: split it into several files."),
    "invalid_kind": _("The kind must be stop or resume."),
    "internal_error": _(
        "The batch could not be processed because of an error on our side; nothing was applied. Upload it again "
        "later or contact the bureau."
    ),
    # --- cells ---------------------------------------------------------------------------
    "too_many_cells": _("This row has %(cells)d cells but the header names only %(columns)d columns."),
    "missing_field": _("The %(field)s cell of this row is empty."),
    "cell_too_long": _("The %(field)s cell of this row is longer than %(limit)d characters."),
    "invalid_date": _(
        "%(field)s is not a date: write it as YYYY-MM-DD (YYYY/MM/DD and YYYYMMDD are accepted too)."
    ),
    "invalid_id_number": _(
        "The ID number is not valid: check its 18 characters and the last check character."
    ),
    "invalid_id_number.numeric": _(
        "The ID number was stored as a number and lost its last digits: format the id_number column as text and "
        "enter it again."
    ),
    "not_unit_employee": _("No employee of your unit has this ID number."),
    "unknown_reason": _("There is no such reason in this region's policy."),
    "no_policy": _("No policy is in force for this employee's region today."),
    # --- rows against each other and the stop in progress ------------------------------------
    "overlapping_in_file": _("This period overlaps row %(other_row)d of the same file for the same person."),
    "duplicate_in_file": _("This person is already in row %(other_row)d of the same file."),
    "reason_mismatch": _(
        "The stop in progress for this person is for another reason (%(reason)s): leave the reason empty or "
        "correct it."
    ),
}
# A row a rule refuses shows the rulebook's own sentence: its table is read, not copied.
MESSAGES = ChainMap(_BATCH_MESSAGES, rules.MESSAGES)


def render(key: str, params: dict | None = None) -> str:
    """The sentence of a stored error, in the active language."""
    return rules.render(key, params, MESSAGES)
