"""Issued documents: the public check of a verification code (no authentication, rate-limited
per client) and the receipt of a submitted application."""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Path, Router, Schema, Status
from pydantic import Field

from medpause.accounts.permissions import CASEWORK, require_role
from medpause.api.errors import errors
from medpause.api.pdf import PDF_OPENAPI, pdf_response
from medpause.api.schemas import ObjectId, Timestamp
from medpause.cases.selectors import application_get
from medpause.common.throttle import verify_throttle
from medpause.printing import labels
from medpause.printing.selectors import verification_of

router = Router(tags=["certificates"])
receipts = Router(tags=["applications"])

Code = Annotated[str, Field(min_length=1, max_length=64, examples=["ABCD-EFGH-JKMN-PQRS"])]


class CertificateOut(Schema):
    valid: Literal[True]
    kind: Literal["participation", "payment", "receipt"]
    issued_at: Timestamp
    person_masked: str = Field(examples=["张* (110105********002X)"],
                               description="name and ID number, masked")
    issued_by: str = Field(examples=["北京市医疗保障局"], description="the issuing bureau")


@router.get(
    "/{code}", auth=None, throttle=[verify_throttle()], response={200: CertificateOut, **errors(400, 404, 429)},
    summary="Check a verification code",
)
def certificate_verify(request, code: Path[Code]):
    """What the verification code printed on a certificate or receipt (and in its QR code)
    confirms: the kind of document, when it was issued, by whom, and the person, masked. Codes
    are accepted in any case, with or without hyphens. An unknown code answers 404
    `unknown_verification_code`; more than 30 look-ups a minute from one client answer 429
    `too_many_requests` with Retry-After."""
    info = verification_of(code=code)
    return Status(200, {
        "valid": True, "kind": info["kind"], "issued_at": info["issued_at"], "person_masked": info["person_masked"],
        "issued_by": labels.bureau_name(info["region"]),
    })


@receipts.get(
    "/{application_id}/receipt.pdf", response=errors(400, 401, 403, 404, 409), openapi_extra=PDF_OPENAPI,
    summary="The receipt of a submitted application (PDF)",
)
def application_receipt(request, application_id: Path[ObjectId]):
    """The receipt (受理回执): reference, submission date, documents received, review deadline,
    bureau, verification code and QR code. Visible to whoever may see the application; a draft
    has none: 409 `not_submitted`."""
    from medpause.printing import receipt_pdf

    user = require_role(request.auth, *CASEWORK)
    app = application_get(user=user, application_id=application_id)
    data = receipt_pdf(application=app, base_url=request.build_absolute_uri("/"))
    return pdf_response(data, f"{app.reference}-receipt.pdf")
