"""Writes of the printing app: recording an issued certificate or receipt."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from medpause.printing.models import IssuedDocument
from medpause.printing.verification import content_digest, new_code


def document_issue(*, kind: str, person, region, fields: dict, application=None) -> IssuedDocument:
    """The issued-document record of this content: the one already issued for the same kind and
    content (same digest), else a new one with a fresh random code. Safe when two requests print
    the same document at once: one record wins, both get its code."""
    digest = content_digest({"kind": kind, **fields})
    existing = IssuedDocument.objects.filter(kind=kind, digest=digest).first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return IssuedDocument.objects.create(
                    kind=kind, person=person, region=region, application=application, digest=digest,
                    code=new_code(),
                )
        except IntegrityError:
            existing = IssuedDocument.objects.filter(kind=kind, digest=digest).first()
            if existing is not None:
                return existing
            # else: the random code collided with another document's (about 1 in 2**79): draw again
    raise RuntimeError("could not draw a unique verification code")
