"""Translations of the printed labels: the project's one catalog (medpause/locale), read
through Django. A label whose printed wording differs from the pages' (a form's "Unit" is 所在单位,
a page's 单位) carries the message context "printed form" (pgettext)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, pgettext

FORM = "printed form"


def language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def is_zh() -> bool:
    return not language().startswith("en")


_ = gettext

__all__ = ["FORM", "_", "gettext", "is_zh", "language", "pgettext"]
