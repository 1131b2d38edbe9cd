from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from medpause.accounts.permissions import is_applicant, is_reviewer
from medpause.audit.services import audit_record
from medpause.cases.content import validate_content
from medpause.cases.models import Application, Document
from medpause.cases.selectors import application_policy
from medpause.cases.states import EDITABLE_STATUSES, Status
from medpause.common.errors import Conflict, DomainError, Forbidden, NotFound, Refused

EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def removable(application: Application, document: Document) -> bool:
    """A document the applicant may still take back: any while the application is a draft;
    while answering a request for more documents, only those added since the request (what
    the bureau has seen stays on the record)."""
    if application.status == Status.DRAFT:
        return True
    if application.status == Status.SUPPLEMENT_REQUESTED and application.supplement_requested_at:
        return document.uploaded_at > application.supplement_requested_at
    return False


@transaction.atomic
def document_remove(*, actor, application: Application, document_id: int) -> None:
    """Take back a document uploaded by mistake (see `removable`); its file goes with it."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not is_applicant(actor=actor, application=application):
        raise Forbidden("forbidden", _("Only the applicant can remove documents."))
    document = application.documents.filter(pk=document_id).first()
    if document is None:
        raise NotFound("not_found", _("No such document."))
    if not removable(application, document):
        raise Conflict("not_removable", _("This document is part of the submitted application and stays on it."))
    audit_record(
        actor=actor, action="document.remove", target=application,
        data={"document_id": document.pk, "kind": document.kind, "sha256": document.sha256, "size": document.size},
    )
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))  # the file goes once the row is surely gone


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
