"""Progress look-up without signing in (办件进度查询): an application is found by its reference
and the last six characters of its person's ID number, as printed on the receipt. The answer
says only where the application stands; anything else (a draft, a wrong pair) is "not found",
the same answer whichever half was wrong."""

from __future__ import annotations

import hmac
import re

from django.utils.translation import gettext_lazy as _

from medpause.cases.models import Application
from medpause.cases.states import Status
from medpause.common.errors import NotFound

REFERENCE_RE = re.compile(r"^(TB|HF)\d{8}[A-Z2-9]{6}$")
LAST6_RE = re.compile(r"^\d{5}[\dX]$")
NOT_FOUND = _("No application matches this reference and ID number. Check both against your receipt.")


def normalize_reference(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "").upper()


def normalize_last6(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def progress_of(*, reference: str, id_number_last6: str) -> Application:
    """The submitted application with this reference whose person's ID number ends so;
    NotFound otherwise (drafts are nobody's business but their author's)."""
    reference, last6 = normalize_reference(reference), normalize_last6(id_number_last6)
    if not REFERENCE_RE.match(reference) or not LAST6_RE.match(last6):
        raise NotFound("not_found", NOT_FOUND)
    app = (Application.objects.select_related("person").exclude(status=Status.DRAFT)
           .filter(reference=reference).first())
    # compared in constant time, and the same answer for an unknown reference as for a wrong number
    expected = app.person.id_number[-6:].upper() if app is not None else "000000"
    if not hmac.compare_digest(expected.encode(), last6.encode()) or app is None:
        raise NotFound("not_found", NOT_FOUND)
    return app


# look-ups per client and minute, the page and the API counted together: enough for a person
# who mistyped, far too few to guess a six-digit ending
PROGRESS_RATE = (10, 60)
