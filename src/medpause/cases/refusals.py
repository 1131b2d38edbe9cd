"""The rulebook's refusals: every sentence a rule can say no with, by key (MESSAGES), and the
`Refusal` a rule raises or returns (the API's code, the sentence's key and parameters). Part of
the rulebook (cases.rules, which re-exports all of it): kept apart only so that the rules
themselves fit in one readable module."""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from medpause.common.errors import Conflict, DomainError, Forbidden, Refused

MESSAGES = {
    "reason_not_allowed_for_applicant": _("In this region this reason cannot be filed by this applicant."),
    "reason_not_allowed_for_category": _("This reason does not apply to this person's kind of insurance."),
    "invalid_dates.end_before_start": _("The end date must not be before the start date."),
    "invalid_dates.no_end_for_reason": _("A stop for this reason has no end date: leave it empty."),
    "invalid_dates.resume_has_no_end": _("A resumption has no end date."),
    "invalid_dates.resume_before_stop": _("The resume date must be after the first day of the stop."),
    "duration_exceeds_limit": _(
        "For this reason a stop may last at most %(months)d months: give an end date no later than %(limit)s."
    ),
    "start_date_too_early": _(
        "The start date may be at most %(days)d days in the past: the earliest is %(earliest)s."
    ),
    "start_date_too_early.resume": _(
        "The resume date may be at most %(days)d days in the past: the earliest is %(earliest)s."
    ),
    "start_date_too_early.today": _("The start date may not be in the past: the earliest is today, %(earliest)s."),
    "start_date_too_early.resume.today": _(
        "The resume date may not be in the past: the earliest is today, %(earliest)s."
    ),
    "start_date_too_late": _(
        "A stop may start at most %(months)d months ahead: the latest first day is %(latest)s."
    ),
    "already_retired": _("This person is already recorded as retired."),
    "employee_must_file_through_unit": _(
        "On the first day of this stop the person is employed by a unit: the unit files the stop for its "
        "employee. Ask the unit to file it; you can follow its progress here."
    ),
    "overlapping_suspension": _(
        "This period overlaps a stop already recorded for this person (from %(start)s)."
    ),
    "overlapping_suspension.pending": _(
        "Another stop application for this period is already being handled (%(reference)s)."
    ),
    "not_resumable.terminated": _("Insurance ended for this reason cannot be resumed."),
    "not_resumable": _("Insurance stopped for this reason cannot be resumed."),
    "not_suspended": _("This stop has already ended."),
    "not_suspended.none": _("This person has no stop in progress to resume."),
    "application_pending": _("A resumption of this stop is already being handled."),
    "invalid_dates.employment_in_future": _("An employment is recorded once it has begun: the latest start is today."),
    "invalid_dates.employment_before_current": _(
        "The new employment must start after the current period began (%(start)s)."
    ),
    "already_employed": _("From this date the person already is in this employment."),
    "insurance_ended": _("This person's insurance has ended: an employment cannot be recorded."),
    "not_on_the_spot": _("This application must be reviewed by an officer."),
    "four_eyes": _(
        "You filed this application or added documents to it: another officer must decide it."
    ),
    "four_eyes.revocation": _("You asked for this revocation: another officer must confirm it."),
    "four_eyes.second_stage": _("You approved the first stage: another officer must take the final decision."),
    "revocation_blocked.resumed": _(
        "This stop has a resumption filed (%(reference)s): correct or close that application first."
    ),
    "revocation_blocked.later_stop": _(
        "A later stop is recorded for this person (from %(start)s): correct that decision first."
    ),
}
# Codes that conflict with what is already recorded (409); every other refusal is 422.
CONFLICTS = frozenset({
    "already_retired", "overlapping_suspension", "not_suspended", "application_pending", "already_employed",
    "insurance_ended", "revocation_blocked",
})
# Codes about who may do it (403).
FORBIDDEN = frozenset({"four_eyes"})


def render(key: str, params: dict | None = None, table: dict | None = None) -> str:
    """The sentence of a key in the active language (from `table`, by default the rules'
    MESSAGES); the key itself if it is unknown."""
    template = (MESSAGES if table is None else table).get(key)
    if template is None:
        return key
    try:
        return str(template) % (params or {})
    except (KeyError, TypeError, ValueError):  # parameters stored for an older sentence: never a 500
        return str(template)


render_lazy = lazy(render, str)


class Refusal(Exception):
    """A rule says no. `code` is the API's, `key` names the sentence, `params` fill it in;
    `details` is what the API's error body adds for a program to act on."""

    def __init__(self, code: str, key: str | None = None, params: dict | None = None, *, details: dict | None = None):
        super().__init__(code)
        self.code, self.key, self.params, self.details = code, key or code, params or {}, details or {}

    @property
    def message(self):
        """The sentence, rendered when read: in the language of whoever reads it."""
        return render_lazy(self.key, self.params)

    def error(self) -> DomainError:
        """The refusal as the services raise it: 409 for a conflict, 403 for who may not, else 422."""
        cls = Conflict if self.code in CONFLICTS else Forbidden if self.code in FORBIDDEN else Refused
        return cls(self.code, self.message, details=self.details)

    def __repr__(self) -> str:
        return f"Refusal({self.code!r}, {self.key!r}, {self.params!r})"
