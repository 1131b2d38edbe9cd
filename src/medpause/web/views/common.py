"""Helpers shared by the web views: domain errors, labels, downloads. Who may open a page is
decided by medpause.accounts.permissions.role_required."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

from medpause.common.errors import DomainError, NotFound
from medpause.coverage.account import account_get

# Card status today, in words a person understands.
CARD_STATUS_LABELS = {
    "active": _("Active"),
    "suspended": _("Stopped"),
    "terminated": _("Ended"),
    "waiting": _("Waiting period"),
    "unknown": _("Unknown"),
}
ACCOUNT_KIND_LABELS = {
    "contribution": _("Month's contribution credited"),
    "back_payment": _("Back-paid month credited"),
    "settlement": _("Care paid from the account"),
    "transfer_in": _("Transferred in"),
    "transfer_out": _("Transferred out"),
}
ACCOUNT_ENTRIES_SHOWN = 24


def account_context(viewer, person) -> dict:
    """The personal account of a person `viewer` may see: balance and the latest entries."""
    _person, balance, entries = account_get(user=viewer, person_id=person.pk)
    return {"account": {
        "balance": balance, "total": len(entries),
        "entries": [{"e": e, "label": ACCOUNT_KIND_LABELS.get(e.kind, e.kind)} for e in entries[:ACCOUNT_ENTRIES_SHOWN]],
    }}


CARD_STATUS_HINTS = {
    "active": _("The card can be used to settle medical expenses."),
    "suspended": _("Insurance is stopped: the card cannot settle medical expenses."),
    "terminated": _("Insurance has ended: the card can no longer be used here."),
    "waiting": _("Insurance is resumed, but benefits start only after the waiting period."),
    "unknown": _("There is no card on record."),
}

# Domain error codes that belong to one form field (the error summary links to that field).
FIELD_OF_CODE = {
    "invalid_dates": "start_date",
    "duration_exceeds_limit": "end_date",
    "start_date_too_early": "start_date",
    "start_date_too_late": "start_date",
    "missing_field": None,
    "reason_not_allowed_for_applicant": "reason",
    "reason_not_allowed_for_category": "reason",
    "unknown_reason": "reason",
    "consequences_not_acknowledged": "acknowledge",
}


def or_404(func, **kwargs):
    """Call a selector; its NotFound becomes a 404 page."""
    try:
        return func(**kwargs)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def error_field(exc: DomainError, default: str | None = None) -> str | None:
    """The form field a domain error belongs to, or None for the summary only."""
    field = exc.details.get("field") if isinstance(exc.details, dict) else None
    if field:
        return field
    return FIELD_OF_CODE.get(exc.code, default)


def add_domain_error(form, exc: DomainError, default: str | None = None) -> None:
    """Attach a domain error to the form field it is about (or to the whole form)."""
    field = error_field(exc, default)
    if field not in form.fields:
        field = None
    form.add_error(field, str(exc.message))


def pdf_response(data: bytes, filename: str, inline: bool = True):
    from django.http import HttpResponse

    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def document_response(document):
    """Serve an uploaded document as an attachment (never inline, never from a public URL)."""
    ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(document.content_type, "bin")
    response = FileResponse(
        document.file.open("rb"), content_type=document.content_type, as_attachment=True,
        filename=f"{document.application.reference}-{document.kind}-{document.pk}.{ext}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def status_label(status: str) -> str:
    from medpause.cases.states import Status

    try:
        return Status(status).label
    except ValueError:
        return status
