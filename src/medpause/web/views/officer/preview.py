"""The officer's inline preview of an uploaded PDF: its first pages drawn on the server as PNG
images (medpause.printing.preview), on a page of their own that the application page shows in a
sandboxed frame. Nothing of the PDF reaches the browser's PDF viewer; the original stays one
click away, as a download."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from medpause.accounts.permissions import documents_visible_to, get_visible
from medpause.audit.services import audit_read
from medpause.common.errors import NotFound
from medpause.printing.preview import PREVIEW_PAGES, pdf_page_count, pdf_page_png
from medpause.web.views.officer.common import application_or_404, officer_only

# The frame's page: its own images and the site's stylesheet, nothing else, and only inside
# the workbench's own pages.
PREVIEW_CSP = "default-src 'none'; img-src 'self'; style-src 'self'; frame-ancestors 'self'; base-uri 'none'"
PAGE_CSP = "default-src 'none'; frame-ancestors 'self'"


def _pdf(request, pk: int, document_pk: int):
    app = application_or_404(request, pk)
    try:
        doc = get_visible(documents_visible_to(request.user, app), document_pk, _("No such document."))
    except NotFound as exc:
        raise Http404 from exc
    if doc.content_type != "application/pdf":
        raise Http404
    try:
        with doc.file.open("rb") as fh:
            return app, doc, fh.read()
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc


def _private(response, policy: str):
    response["Content-Security-Policy"] = policy
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@officer_only
@require_GET
@xframe_options_sameorigin  # framed by the application page, also where every other page is DENY
def document_preview(request, pk: int, document_pk: int):
    app, doc, data = _pdf(request, pk, document_pk)
    try:
        count = pdf_page_count(data)
    except Exception:  # noqa: BLE001 - PDFium cannot read it: offer the download instead
        count = 0
    audit_read(request.user, "document.view", doc, application_id=app.pk, kind=doc.kind, channel="officer-preview")
    pages = [reverse("officer:document_page", args=[app.pk, doc.pk, n]) for n in range(1, min(count, PREVIEW_PAGES) + 1)]
    response = render(request, "web/officer/document_preview.html", {
        "pages": pages, "count": count, "more": max(count - PREVIEW_PAGES, 0),
        "download": reverse("officer:document", args=[app.pk, doc.pk]),
    })
    return _private(response, PREVIEW_CSP)


@officer_only
@require_GET
def document_page(request, pk: int, document_pk: int, number: int):
    _app, _doc, data = _pdf(request, pk, document_pk)
    if number > PREVIEW_PAGES:
        raise Http404
    try:
        png = pdf_page_png(data, number)
    except IndexError as exc:
        raise Http404 from exc
    return _private(HttpResponse(png, content_type="image/png"), PAGE_CSP)
