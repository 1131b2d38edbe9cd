"""The state machine of a transfer between regions (转移接续), declared as a table like the
application's (cases/states.py).

requested --send (old place)--> sent --receive (new place)--> received
    '--refuse (either place)--> refused <--refuse (new place)--'
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from medpause.common.errors import Conflict


class Status(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SENT = "sent", pgettext_lazy("transfer", "Sent")
    RECEIVED = "received", _("Received")
    REFUSED = "refused", _("Refused")


class Action(models.TextChoices):
    REQUEST = "request", _("Request")
    SEND = "send", _("Transfer out")
    RECEIVE = "receive", _("Take in")
    REFUSE = "refuse", _("Refuse")


SOURCE, DESTINATION, EITHER = "source", "destination", "either"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    by: str  # which side's officers take it: the old place, the new place, or either


S = Status
TRANSITIONS: dict[str, Transition] = {
    Action.SEND: Transition(frozenset({S.REQUESTED}), S.SENT, SOURCE),
    Action.RECEIVE: Transition(frozenset({S.SENT}), S.RECEIVED, DESTINATION),
    Action.REFUSE: Transition(frozenset({S.REQUESTED, S.SENT}), S.REFUSED, EITHER),
}
OPEN_STATUSES = frozenset({S.REQUESTED, S.SENT})


def target_of(status: str, action: str) -> str:
    """The state `action` leads to from `status`, or 409 `invalid_transition`."""
    transition = TRANSITIONS.get(action)
    if transition is None or status not in transition.sources:
        raise Conflict(
            "invalid_transition",
            _("This cannot be done while the transfer is %(status)s.") % {"status": Status(status).label},
            details={"status": status, "action": str(action)},
        )
    return transition.target


def allowed_actions(status: str) -> list[str]:
    return [str(a) for a, t in TRANSITIONS.items() if status in t.sources]
