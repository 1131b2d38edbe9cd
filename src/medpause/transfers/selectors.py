"""Reads on transfers: one transfer or a region's queue, through the caller's scope
(accounts.permissions.transfers_visible_to: the person, their unit, the officers of either
place, administrators; anyone else: 404), and the deadlines in working days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from medpause.accounts.permissions import get_visible, transfers_visible_to
from medpause.common.dates import today, working_days_between
from medpause.transfers.models import Transfer
from medpause.transfers.states import Status


def transfer_get(*, user, transfer_id) -> Transfer:
    return get_visible(transfers_visible_to(user), transfer_id, _("No such transfer."))


def transfers_of(*, user, person_id: int | None = None) -> list[Transfer]:
    qs = transfers_visible_to(user)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    return list(qs.order_by("-requested_at", "-id"))


@dataclass(frozen=True)
class Queue:
    outgoing: list[Transfer]  # requested here, to transfer out
    incoming: list[Transfer]  # sent to here, to take in


def transfer_queue(*, user, region_id: int | None) -> Queue:
    """A region's open work (every region's for None): transfers to send out of it and to take
    into it, the earliest deadline first."""
    qs = transfers_visible_to(user)
    out, into = {"status": Status.REQUESTED}, {"status": Status.SENT}
    if region_id is not None:
        out["from_region_id"], into["to_region_id"] = region_id, region_id
    return Queue(outgoing=list(qs.filter(**out).order_by("out_due", "id")),
                 incoming=list(qs.filter(**into).order_by("in_due", "id")))


def working_days_left(due: dt.date | None, *, on: dt.date | None = None) -> int | None:
    """Working days from `on` (today) to the deadline: 0 on the day, negative once passed."""
    return None if due is None else working_days_between(on or today(), due)
