"""Translations of the printed labels.

The labels are ordinary gettext messages (extracted by `makemessages` from this package) with
their catalog in `locale/zh_Hans/LC_MESSAGES/django.mo`. Django reads an app's catalog only
when the app is installed; so that the PDFs are right whether or not `medpause.printing` is in
INSTALLED_APPS yet, this package reads its own catalog first and falls back to Django's.
"""

from __future__ import annotations

import gettext as _pygettext
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


@lru_cache(maxsize=8)
def _catalog(locale_name: str) -> _pygettext.NullTranslations:
    path = LOCALE_DIR / locale_name / "LC_MESSAGES" / "django.mo"
    if not path.exists():
        return _pygettext.NullTranslations()
    with path.open("rb") as fh:
        return _pygettext.GNUTranslations(fh)


def language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def is_zh() -> bool:
    return not language().startswith("en")


def gettext(message: str) -> str:
    """`message` in the active language (English is the source language)."""
    if not is_zh():
        return message
    translated = _catalog(translation.to_locale(language())).gettext(message)
    if translated != message:
        return translated
    return translation.gettext(message)


_ = gettext
