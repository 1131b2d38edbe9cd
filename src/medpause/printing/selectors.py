"""Reads of the printing app: what a verification code confirms, to anyone holding it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from medpause.common.errors import NotFound
from medpause.common.masking import mask_name
from medpause.printing.models import IssuedDocument
from medpause.printing.verification import normalize_code


def issued_document_by_code(*, code: str | None) -> IssuedDocument:
    """The issued document with this verification code (any case, separators allowed); NotFound
    `unknown_verification_code` otherwise, whether the text cannot be a code or no document has it."""
    normalized = normalize_code(code)
    document = None
    if normalized is not None:
        document = IssuedDocument.objects.select_related("person", "region").filter(code=normalized).first()
    if document is None:
        raise NotFound(
            "unknown_verification_code",
            _("No certificate or receipt has this verification code. Check the code and try again."),
        )
    return document


def person_masked(document: IssuedDocument) -> str:
    """The person as the public may see them: 张* (110105********002X)."""
    person = document.person
    return f"{mask_name(person.name)} ({person.id_number_masked})"


def verification_of(*, code: str | None) -> dict:
    """What a verification code confirms: kind, when it was issued, by which region's bureau, and
    the person masked. Raises NotFound for an unknown code."""
    document = issued_document_by_code(code=code)
    return {
        "valid": True,
        "code": document.code,
        "kind": document.kind,
        "kind_label": document.get_kind_display(),
        "issued_at": document.issued_at,
        "region": document.region,
        "person_masked": person_masked(document),
    }
