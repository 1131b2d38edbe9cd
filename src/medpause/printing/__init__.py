"""Printed documents (PDF, A4, in the active language): the blank stop / resume application
form, the same form filled in from an application, the certificates the bureau issues and the
receipt of a submitted application; the last two carry a verification code (IssuedDocument).

The functions are loaded on first use, so that this package can be an installed app (its
models-free import must not touch the app registry before Django is ready)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__all__ = ["blank_form_pdf", "application_form_pdf", "certificate_pdf", "receipt_pdf", "transfer_sheet_pdf"]

_HOMES = {
    "blank_form_pdf": "medpause.printing.forms",
    "application_form_pdf": "medpause.printing.filled",
    "certificate_pdf": "medpause.printing.certificates",
    "receipt_pdf": "medpause.printing.receipt",
    "transfer_sheet_pdf": "medpause.printing.transfer_sheet",
}

if TYPE_CHECKING:  # pragma: no cover
    from medpause.printing.certificates import certificate_pdf
    from medpause.printing.filled import application_form_pdf
    from medpause.printing.forms import blank_form_pdf
    from medpause.printing.receipt import receipt_pdf
    from medpause.printing.transfer_sheet import transfer_sheet_pdf


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
