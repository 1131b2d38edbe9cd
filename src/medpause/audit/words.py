"""What each audit action code means, in words, for people reading the trail (the admin shows
these; the code itself stays in the record, as written). A code without words here is shown as
it is, so a new action is never hidden, only less readable until it is named."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_WORDS = {
    "application.create": _("Application created"),
    "application.update": _("Application changed"),
    "application.submit": _("Application submitted"),
    "application.take": _("Application taken into review"),
    "application.approve": _("Application approved"),
    "application.reject": _("Application rejected"),
    "application.request_supplement": _("More documents asked for"),
    "application.resubmit": _("Application sent again"),
    "application.withdraw": _("Application withdrawn"),
    "auth.sign_in": _("Signed in"),
    "auth.sign_in_failed": _("Sign-in failed"),
    "auth.second_factor": _("One-time code accepted"),
    "auth.second_factor_failed": _("One-time code refused"),
    "auth.second_factor_enrolled": _("Authenticator app set up"),
    "batch.upload": _("Batch file uploaded"),
    "batch.apply": _("Batch file applied"),
    "batch.fail": _("Batch file failed"),
    "certificate.download": _("Certificate downloaded"),
    "contribution.record": _("Contribution recorded"),
    "document.add": _("Document uploaded"),
    "document.remove": _("Document removed"),
    "document.view": _("Document viewed"),
    "person.lookup": _("Person looked up by ID number"),
    "person.register": _("Person registered"),
    "person.view": _("Person's record viewed"),
    "settlement.create": _("Settlement asked for"),
    "token.issue": _("API token issued"),
    "token.revoke": _("API token revoked"),
    "unit.register": _("Unit registered"),
    "user.create": _("User created"),
    "user.password_change": _("Password changed"),
    "user.powers_change": _("User's role or rights changed"),
}


def action_words(code: str) -> str:
    """The action in words in the active language, or the code when it has none."""
    words = ACTION_WORDS.get(code)
    return str(words) if words is not None else code
