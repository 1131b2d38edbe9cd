"""Verification codes of issued documents: how they are made, written, read back and pointed
to. A code is 16 characters of an alphabet without look-alikes (no 0/O, 1/I/L): 80 random bits,
printed in groups of four and accepted in any case, with or without separators."""

from __future__ import annotations

import hashlib
import json
import re
import secrets

from django.conf import settings
from django.urls import reverse

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 characters, no 0 O 1 I L
LENGTH = 16
_SEPARATORS = re.compile(r"[\s\-_.·]+")
_VALID = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_code(text: str | None) -> str | None:
    """The code as stored, from what a person typed or a URL carried; None if it cannot be one."""
    if not text or len(text) > 64:
        return None
    code = _SEPARATORS.sub("", text).upper()
    return code if _VALID.match(code) else None


def format_code(code: str) -> str:
    """ABCD-EFGH-JKMN-PQRS: easier to read out and to type."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def content_digest(fields: dict) -> str:
    """SHA-256 of the content fields of a document, language-free, so that the Chinese and the
    English copy of one document have the same digest."""
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def public_base_url(base_url: str | None = None) -> str:
    """Where the public reaches this service: MEDPAUSE_PUBLIC_URL when set (behind a proxy the
    request's host may be an internal one), else the address the request came in on."""
    configured = getattr(settings, "MEDPAUSE_PUBLIC_URL", "")
    return (configured or base_url or "http://localhost:8000").rstrip("/")


def verify_path(code: str | None = None) -> str:
    if code is None:
        return reverse("printing:verify")
    return reverse("printing:verify_code", kwargs={"code": code})


def verify_url(code: str | None = None, *, base_url: str | None = None) -> str:
    """The absolute address of the public verification page (of one code, for the QR code)."""
    return public_base_url(base_url) + verify_path(code)
