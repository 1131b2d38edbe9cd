"""The one state machine of an application, declared as a table.

draft --submit--> submitted --take--> in_review --approve--> approved
  |                  |                   |--reject--> rejected
  |                  |                   '--request_supplement--> supplement_requested
  |                  |                                  '--resubmit--> submitted
  '--withdraw--> withdrawn <--withdraw-- (submitted | supplement_requested)

Where a region's policy has two review stages, the first approval is a `check`
(submitted | in_review --check--> checked) and the final `approve` (checked --approve-->
approved) comes from another officer; reject and request_supplement are open at either stage.

approved --revoke--> revocation_requested --confirm_revocation--> revoked
                               '--cancel_revocation--> approved

Correcting a decision takes two officers: one asks for the revocation with a reason, another
confirms it (four eyes); confirming undoes the approval's effect on cover from its start
(cases.services.revocation).

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

from medpause.common.statetable import Transition, follow


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHECKED = "checked", _("Checked, awaiting the final decision")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("More documents requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REVOCATION_REQUESTED = "revocation_requested", _("Revocation requested")
    REVOKED = "revoked", _("Revoked")


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    TAKE = "take", _("Take into review")
    CHECK = "check", _("Approve the first stage")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    REQUEST_SUPPLEMENT = "request_supplement", _("Ask for more documents")
    RESUBMIT = "resubmit", _("Resubmit")
    WITHDRAW = "withdraw", _("Withdraw")
    REVOKE = "revoke", _("Ask to revoke the decision")
    CONFIRM_REVOCATION = "confirm_revocation", _("Confirm the revocation")
    CANCEL_REVOCATION = "cancel_revocation", _("Keep the decision")


APPLICANT, OFFICER = "applicant", "officer"


S = Status
TRANSITIONS: dict[str, Transition] = {
    Action.SUBMIT: Transition(frozenset({S.DRAFT}), S.SUBMITTED, APPLICANT),
    Action.TAKE: Transition(frozenset({S.SUBMITTED}), S.IN_REVIEW, OFFICER),
    Action.CHECK: Transition(frozenset({S.SUBMITTED, S.IN_REVIEW}), S.CHECKED, OFFICER),
    Action.APPROVE: Transition(frozenset({S.SUBMITTED, S.IN_REVIEW, S.CHECKED}), S.APPROVED, OFFICER),
    Action.REJECT: Transition(frozenset({S.SUBMITTED, S.IN_REVIEW, S.CHECKED}), S.REJECTED, OFFICER),
    Action.REQUEST_SUPPLEMENT: Transition(
        frozenset({S.SUBMITTED, S.IN_REVIEW, S.CHECKED}), S.SUPPLEMENT_REQUESTED, OFFICER
    ),
    Action.RESUBMIT: Transition(frozenset({S.SUPPLEMENT_REQUESTED}), S.SUBMITTED, APPLICANT),
    Action.WITHDRAW: Transition(
        frozenset({S.DRAFT, S.SUBMITTED, S.CHECKED, S.SUPPLEMENT_REQUESTED}), S.WITHDRAWN, APPLICANT
    ),
    Action.REVOKE: Transition(frozenset({S.APPROVED}), S.REVOCATION_REQUESTED, OFFICER),
    Action.CONFIRM_REVOCATION: Transition(frozenset({S.REVOCATION_REQUESTED}), S.REVOKED, OFFICER),
    Action.CANCEL_REVOCATION: Transition(frozenset({S.REVOCATION_REQUESTED}), S.APPROVED, OFFICER),
}

OPEN_STATUSES = frozenset({S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHECKED, S.SUPPLEMENT_REQUESTED})
PENDING_STATUSES = frozenset({S.SUBMITTED, S.IN_REVIEW, S.CHECKED, S.SUPPLEMENT_REQUESTED})
FINAL_STATUSES = frozenset({S.APPROVED, S.REJECTED, S.WITHDRAWN, S.REVOKED})
# An approval whose effect on cover stands (a revocation asked for changes nothing until confirmed).
IN_EFFECT_STATUSES = frozenset({S.APPROVED, S.REVOCATION_REQUESTED})
EDITABLE_STATUSES = frozenset({S.DRAFT, S.SUPPLEMENT_REQUESTED})


def target_of(status: str, action: str) -> str:
    """The state `action` leads to from `status`, or 409 `invalid_transition`."""
    return follow(TRANSITIONS, status, action, lambda status: _(
        "This cannot be done while the application is %(status)s."
    ) % {"status": Status(status).label})


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


def waiting_stage(status: str, stages: int) -> int | None:
    """Which review stage waits for an officer where the policy has `stages` of them: 1 (the
    check) or 2 (the final decision); None with one stage or when no officer is due to act."""
    if stages < 2 or status not in (S.SUBMITTED, S.IN_REVIEW, S.CHECKED):
        return None
    return 2 if status == S.CHECKED else 1


def allowed_actions(status: str) -> list[str]:
    return [str(a) for a, t in TRANSITIONS.items() if status in t.sources]
