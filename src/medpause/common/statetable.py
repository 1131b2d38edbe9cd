"""A state machine declared as a table: each action's `Transition` (the states it may start
from, the state it leads to, who may take it) and the one function that follows the table.
The application's machine (cases/states.py) and the transfer's (transfers/states.py) are two
such tables; what each state and action is called stays with its own machine."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from medpause.common.errors import Conflict


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    by: str  # who may take it, in the words of the machine that declares it


def follow(table: Mapping[str, Transition], status: str, action: str, refusal: Callable[[str], str]) -> str:
    """The state `action` leads to from `status`, or 409 `invalid_transition` with the sentence
    `refusal(status)` (the machine words it: "... while the application is submitted")."""
    transition = table.get(action)
    if transition is None or status not in transition.sources:
        raise Conflict("invalid_transition", refusal(status), details={"status": status, "action": str(action)})
    return transition.target
