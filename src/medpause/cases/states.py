"""The one state machine of an application, declared as a table.

draft --submit--> submitted --take--> in_review --approve--> approved
  |                  |                   |--reject--> rejected
  |                  |                   '--request_supplement--> supplement_requested
  |                  |                                  '--resubmit--> submitted
  '--withdraw--> withdrawn <--withdraw-- (submitted | supplement_requested)

Officers may approve, reject or ask for more straight from `submitted`: the decision takes
the application through review in one step (HTTP API: "Approval takes the application through
review").

Every change of an application's status, one application or a batch file's thousands, is a
`Move` made here (`move`, `walk`) and written with its history row by
cases.services.history.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from medpause.common.errors import Conflict


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("More documents requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    TAKE = "take", _("Take into review")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    REQUEST_SUPPLEMENT = "request_supplement", _("Ask for more documents")
    RESUBMIT = "resubmit", _("Resubmit")
    WITHDRAW = "withdraw", _("Withdraw")


APPLICANT, OFFICER = "applicant", "officer"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    by: str  # who may take it: the applicant's side or an officer of the region


S = Status
TRANSITIONS: dict[str, Transition] = {
    Action.SUBMIT: Transition(frozenset({S.DRAFT}), S.SUBMITTED, APPLICANT),
    Action.TAKE: Transition(frozenset({S.SUBMITTED}), S.IN_REVIEW, OFFICER),
    Action.APPROVE: Transition(frozenset({S.SUBMITTED, S.IN_REVIEW}), S.APPROVED, OFFICER),
    Action.REJECT: Transition(frozenset({S.SUBMITTED, S.IN_REVIEW}), S.REJECTED, OFFICER),
    Action.REQUEST_SUPPLEMENT: Transition(frozenset({S.SUBMITTED, S.IN_REVIEW}), S.SUPPLEMENT_REQUESTED, OFFICER),
    Action.RESUBMIT: Transition(frozenset({S.SUPPLEMENT_REQUESTED}), S.SUBMITTED, APPLICANT),
    Action.WITHDRAW: Transition(
        frozenset({S.DRAFT, S.SUBMITTED, S.SUPPLEMENT_REQUESTED}), S.WITHDRAWN, APPLICANT
    ),
}

OPEN_STATUSES = frozenset({S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.SUPPLEMENT_REQUESTED})
PENDING_STATUSES = frozenset({S.SUBMITTED, S.IN_REVIEW, S.SUPPLEMENT_REQUESTED})
FINAL_STATUSES = frozenset({S.APPROVED, S.REJECTED, S.WITHDRAWN})
EDITABLE_STATUSES = frozenset({S.DRAFT, S.SUPPLEMENT_REQUESTED})


def target_of(status: str, action: str) -> str:
    """The state `action` leads to from `status`, or `invalid_transition`."""
    transition = TRANSITIONS.get(action)
    if transition is None or status not in transition.sources:
        raise Conflict(
            "invalid_transition",
            _("This cannot be done while the application is %(status)s.") % {"status": Status(status).label},
            details={"status": status, "action": str(action)},
        )
    return transition.target


@dataclass(frozen=True, slots=True)
class Move:
    """One step of the state machine: what was done, from which status, to which."""

    action: str
    source: str
    target: str


def move(status: str, action: str) -> Move:
    """The move `action` makes from `status`, or `invalid_transition`."""
    return Move(str(action), str(status), str(target_of(status, action)))


def walk(status: str, *actions: str) -> list[Move]:
    """The moves of several actions taken one after the other, each checked by target_of."""
    moves = []
    for action in actions:
        moves.append(move(status, action))
        status = moves[-1].target
    return moves


def allowed_actions(status: str) -> list[str]:
    return [str(a) for a, t in TRANSITIONS.items() if status in t.sources]
