from __future__ import annotations

import hashlib
import io
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from medpause.accounts.permissions import is_applicant, is_reviewer
from medpause.audit.services import audit_record
from medpause.cases.models import Application, Document
from medpause.cases.selectors import application_policy
from medpause.cases.states import EDITABLE_STATUSES
from medpause.common.errors import Conflict, DomainError, Forbidden, Refused

EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def sniff_content_type(head: bytes) -> str | None:
    """The type of a file judged by its first bytes, never by its name."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def _unsupported():
    return DomainError(
        "unsupported_file_type", _("Only PDF, JPEG and PNG files can be uploaded."), status=415
    )


def validate_content(data: bytes) -> str:
    content_type = sniff_content_type(data[:16])
    if content_type is None:
        raise _unsupported()
    if content_type == "application/pdf":
        if b"%%EOF" not in data[-2048:]:
            raise _unsupported()
    else:
        from PIL import Image

        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
        except Exception as exc:  # noqa: BLE001 - any decoder failure means "not a usable image"
            raise _unsupported() from exc
    return content_type


@transaction.atomic
def document_add(*, actor, application: Application, kind: str, data: bytes, filename: str = "") -> Document:
    """Attach one document. Judged by its content; only while the application is a draft or
    answering a request for more documents."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not (is_applicant(actor=actor, application=application) or is_reviewer(actor=actor, application=application)):
        raise Forbidden("forbidden", _("Only the applicant can add documents."))
    if application.status not in EDITABLE_STATUSES:
        raise Conflict(
            "not_editable", _("Documents can be added only to a draft or when more documents were asked for.")
        )
    policy = application_policy(application)
    if kind not in policy.kinds:
        raise Refused("unknown_document_kind", _("Unknown kind of document."), details={"kind": kind})
    limit = settings.MEDPAUSE_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise DomainError(
            "file_too_large",
            _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
            status=413,
            details={"max_bytes": limit},
        )
    if not data:
        raise Refused("empty_file", _("The file is empty."))
    content_type = validate_content(data)
    digest = hashlib.sha256(data).hexdigest()
    document = Document(
        application=application,
        kind=kind,
        original_name=(filename or "")[-200:],
        content_type=content_type,
        size=len(data),
        sha256=digest,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    # Stored under a random name: nothing personal in paths.
    document.file.save(f"{uuid.uuid4().hex}.{EXTENSIONS[content_type]}", ContentFile(data), save=False)
    document.save()
    audit_record(
        actor=actor, action="document.add", target=application,
        data={"document_id": document.pk, "kind": kind, "sha256": digest, "size": len(data)},
    )
    return document
