"""A notice's text, rendered when read in the reader's language from its code and the plain
values the deciding service gave: the in-app notice, the e-mail and (short) the SMS."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from medpause.notices.models import Notice

MESSAGES = {
    "application.submit": _("Application %(reference)s was submitted to the bureau."),
    "application.resubmit": _("Application %(reference)s was resubmitted with more documents."),
    "application.take": _("Application %(reference)s is being reviewed."),
    "application.approve": _("Application %(reference)s was approved."),
    "application.reject": _("Application %(reference)s was rejected."),
    "application.request_supplement": _("The bureau asks for more documents for application %(reference)s."),
    "application.withdraw": _("Application %(reference)s was withdrawn."),
    "application.check": _("Application %(reference)s passed the first check and waits for the final decision."),
    "application.revoke": _("The bureau is checking its decision on application %(reference)s again."),
    "application.cancel_revocation": _("The bureau's decision on application %(reference)s stands."),
    "application.confirm_revocation": _(
        "The bureau revoked its decision on application %(reference)s: its effect on the insurance is undone."
    ),
    "suspension.planned_end": _("Your stop is planned to end on %(date)s. Apply to resume: the card stays suspended until a resumption is approved."),
    "transfer.send": _("%(from)s has transferred your insurance out: cover there ends the day before %(date)s. %(to)s takes you in."),
    "transfer.receive": _("%(to)s has taken you in: you are insured there from %(date)s, with a new card."),
    "transfer.refuse": _("The transfer of your insurance from %(from)s to %(to)s was refused. Reason: %(reason)s."),
    "review.overdue": _("Application %(reference)s has passed its review time limit (%(date)s)."),
}


# What some notices add to their first sentence, from the plain values the deciding service gave.
DETAILS = {
    "application.reject": _(
        "Reason: %(reason)s. If you disagree, you may apply for administrative reconsideration to the "
        "People's Government of %(region)s within 60 days of learning of this decision (Administrative "
        "Reconsideration Law, Art. 20), or bring an administrative lawsuit at the people's court where "
        "%(bureau)s is located within 6 months (Administrative Litigation Law, Art. 46)."
    ),
    "application.request_supplement": _(
        "Reason: %(reason)s. Documents needed: %(documents)s. Please provide them by %(deadline)s."
    ),
}
UNIT_PREFIX = _("Employee %(employee)s (%(id_masked)s): ")
BUREAU = _("%(region)s Healthcare Security Administration")
RIGHTS_SHORT = _("You may apply for administrative reconsideration within 60 days or sue within 6 months.")


def _english() -> bool:
    return (translation.get_language() or "zh-hans").startswith("en")


def _documents(params: dict) -> str:
    side = "en" if _english() else "zh"
    return ("、" if side == "zh" else ", ").join(d.get(side) or d.get("zh", "") for d in params.get("documents", []))


def notice_text(notice: Notice, *, for_unit: bool = False, short: bool = False) -> str:
    """The notice in the active language: its first sentence, then what the deciding service
    stated (unless `short`, for an SMS); a unit's reader first reads which employee it is about."""
    template = MESSAGES.get(notice.code)
    params = notice.params or {}
    # names given in both languages (`region_zh`, `region_en`) are read in the reader's
    side = "_en" if _english() else "_zh"
    params = {**params, **{k[:-3]: v for k, v in params.items() if k.endswith(side) and k[:-3] not in params}}
    try:
        text = str(template) % params if template else notice.code
        details = DETAILS.get(notice.code)
        if details and not short and "reason" in params:
            region = params.get("region_en" if _english() else "region_zh", "")
            text += ("" if text.endswith("。") else " ") + str(details) % {
                **params, "region": region, "bureau": str(BUREAU) % {"region": region}, "documents": _documents(params),
            }
        elif details and short and notice.code == "application.reject":
            text += ("" if text.endswith("。") else " ") + str(RIGHTS_SHORT)
        if for_unit and params.get("employee"):
            text = str(UNIT_PREFIX) % params + text
    except (KeyError, TypeError, ValueError):  # a notice written before its parameters grew
        return str(template) % {"reference": params.get("reference", ""), "date": params.get("date", "")}
    return text
