"""The state machine of a transfer between regions (转移接续), declared as a table like the
application's (cases/states.py).

requested --send (old place)--> sent --receive (new place)--> received
    '--refuse (either place)--> refused <--refuse (new place)--'
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from medpause.common.statetable import Transition, follow


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


S = Status
TRANSITIONS: dict[str, Transition] = {
    Action.SEND: Transition(frozenset({S.REQUESTED}), S.SENT, SOURCE),
    Action.RECEIVE: Transition(frozenset({S.SENT}), S.RECEIVED, DESTINATION),
    Action.REFUSE: Transition(frozenset({S.REQUESTED, S.SENT}), S.REFUSED, EITHER),
}
OPEN_STATUSES = frozenset({S.REQUESTED, S.SENT})


def target_of(status: str, action: str) -> str:
    """The state `action` leads to from `status`, or 409 `invalid_transition`."""
    return follow(TRANSITIONS, status, action, lambda status: _(
        "This cannot be done while the transfer is %(status)s."
    ) % {"status": Status(status).label})


def allowed_actions(status: str) -> list[str]:
    return [str(a) for a, t in TRANSITIONS.items() if status in t.sources]
