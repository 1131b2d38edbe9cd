"""Names of stored codes as printed (marked for translation, translated when a PDF is built)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from medpause.accounts.models import ApplicantType, Role
from medpause.printing.i18n import _

STATUS = {
    "draft": gettext_noop("Draft"),
    "submitted": gettext_noop("Submitted"),
    "in_review": gettext_noop("In review"),
    "supplement_requested": gettext_noop("More documents requested"),
    "approved": gettext_noop("Approved"),
    "rejected": gettext_noop("Rejected"),
    "withdrawn": gettext_noop("Withdrawn"),
}

ACTION = {
    "submit": gettext_noop("Submitted"),
    "take": gettext_noop("Taken into review"),
    "approve": gettext_noop("Approved"),
    "reject": gettext_noop("Rejected"),
    "request_supplement": gettext_noop("More documents asked for"),
    "resubmit": gettext_noop("Resubmitted"),
    "withdraw": gettext_noop("Withdrawn"),
}

ROLE = {
    Role.ADMIN: gettext_noop("Administrator"),
    Role.OFFICER: gettext_noop("Bureau officer"),
    Role.INDIVIDUAL: gettext_noop("Insured person"),
    Role.UNIT_AGENT: gettext_noop("Unit agent"),
    Role.INSTITUTION: gettext_noop("Medical institution"),
    "system": gettext_noop("System rule"),
}

APPLICANT = {
    ApplicantType.INDIVIDUAL: gettext_noop("Individual"),
    ApplicantType.UNIT: gettext_noop("Unit (employer)"),
    ApplicantType.OFFICER: gettext_noop("Officer at the counter"),
}

CATEGORY = {
    "employee": gettext_noop("Employee (unit and employee share the premium)"),
    "flexible": gettext_noop("Flexible worker (pays the premium alone)"),
}

CARD_STATUS = {
    "active": gettext_noop("Active: benefits available"),
    "suspended": gettext_noop("Suspended: insurance stopped"),
    "terminated": gettext_noop("Terminated: insurance ended"),
    "waiting": gettext_noop("Waiting period: benefits not yet available"),
    "unknown": gettext_noop("Unknown"),
}

EFFECT = {
    "suspend": gettext_noop("Suspension (can be resumed)"),
    "terminate": gettext_noop("Termination (coverage ends for good)"),
    "retire": gettext_noop("Retirement (contributions stop, retiree benefits go on)"),
}


def label(table: dict[str, str], code: str | None) -> str:
    """The translated name of `code` in `table`, or the code itself when unknown."""
    if not code:
        return "—"
    message = table.get(code)
    return _(message) if message else code


def bureau_name(region) -> str:
    """The issuing bureau of a region, e.g. 上海市医疗保障局."""
    return _("%(region)s Healthcare Security Administration") % {"region": region.name}
