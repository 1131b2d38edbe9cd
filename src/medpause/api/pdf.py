"""PDF answers: the document itself, described in the OpenAPI document as application/pdf."""

from __future__ import annotations

from django.http import HttpResponse

PDF_OPENAPI = {
    "responses": {
        200: {
            "description": "The PDF document",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
