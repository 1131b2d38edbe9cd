"""Every message a batch can show, by key. Errors are stored as (code, key, params) and
rendered when read, in the reader's language. Where the rule is the core's, the sentence is
the core's own (same msgid, so the same translation a single application shows)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MESSAGES = {
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
    # --- the rules of a single application (cases.services.create) -------------------------
    "reason_not_allowed_for_applicant": _("In this region this reason cannot be filed by this applicant."),
    "reason_not_allowed_for_category": _("This reason does not apply to this person's kind of insurance."),
    "invalid_dates.end_before_start": _("The end date must not be before the start date."),
    "invalid_dates.no_end_for_reason": _("A stop for this reason has no end date: leave it empty."),
    "invalid_dates.resume_has_no_end": _("A resumption has no end date."),
    "invalid_dates.resume_before_stop": _("The resume date must be after the first day of the stop."),
    "duration_exceeds_limit": _(
        "For this reason a stop may last at most %(months)d months: give an end date no later than %(limit)s."
    ),
    "start_date_too_early": _(
        "The start date may be at most %(days)d days in the past: the earliest is %(earliest)s."
    ),
    "start_date_too_early.resume": _(
        "The resume date may be at most %(days)d days in the past: the earliest is %(earliest)s."
    ),
    "already_retired": _("This person is already recorded as retired."),
    "overlapping_suspension": _(
        "This period overlaps a stop already recorded for this person (from %(start)s)."
    ),
    "overlapping_suspension.pending": _(
        "Another stop application for this period is already being handled (%(reference)s)."
    ),
    "not_resumable.terminated": _("Insurance ended for this reason cannot be resumed."),
    "not_resumable": _("Insurance stopped for this reason cannot be resumed."),
    "application_pending": _("A resumption of this stop is already being handled."),
    "no_policy": _("No policy is in force for this employee's region today."),
    # --- batch-only rules ------------------------------------------------------------------
    "overlapping_in_file": _("This period overlaps row %(other_row)d of the same file for the same person."),
    "duplicate_in_file": _("This person is already in row %(other_row)d of the same file."),
    "not_suspended.none": _("This person has no stop in progress to resume."),
    "reason_mismatch": _(
        "The stop in progress for this person is for another reason (%(reason)s): leave the reason empty or "
        "correct it."
    ),
}


def render(key: str, params: dict | None = None) -> str:
    """The sentence of a stored error, in the active language."""
    template = MESSAGES.get(key)
    if template is None:
        return key
    try:
        return str(template) % (params or {})
    except (KeyError, TypeError, ValueError):  # a stored error from an older message: never a 500
        return str(template)
