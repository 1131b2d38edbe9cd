"""History notes the system writes, stored as a language-neutral marker and told in the reader's
language when read (a note an officer or an applicant types is kept as they typed it).

A batch file's application carries `batch-file:<batch id>:<row>`: the file is the unit's removal
or re-enrolment list, and the other documents are declared held by the unit (ADR 0005). Notes
stored before the marker existed (both languages in one string) are shown as they are."""

from __future__ import annotations

import re

from django.utils.translation import gettext

_BATCH = re.compile(r"^batch-file:(\d+):(\d+)$")


def batch_file_note(batch_id: int, row: int) -> str:
    """The note stored on each application a batch file made."""
    return f"batch-file:{batch_id}:{row}"


def batch_of_note(note: str) -> int | None:
    """The batch a stored note names, if it is a batch file's note."""
    match = _BATCH.match(note or "")
    return int(match.group(1)) if match else None


def note_text(note: str) -> str:
    """A stored note as the reader reads it, in the active language."""
    match = _BATCH.match(note or "")
    if match is None:
        return note
    return gettext(
        "Unit batch file #%(batch)s, row %(row)s: the file is the unit's removal or re-enrolment list; "
        "the other documents are declared held by the unit."
    ) % {"batch": match.group(1), "row": match.group(2)}
