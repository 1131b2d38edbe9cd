"""The review queue: the applications in the bureau's hands that a user may see, oldest
submitted first (counter applications never submitted last), with the workbench's filters and
the keyset the HTTP API pages by. Shared by the officer pages and `GET /api/v1/applications`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import F, Q, QuerySet

from medpause.accounts.permissions import IN_BUREAU_HANDS, applications_visible_to
from medpause.cases.models import Application
from medpause.cases.states import PENDING_STATUSES, Status
from medpause.common.dates import add_working_days
from medpause.policy.models import PolicyVersion, Region
from medpause.policy.selectors import policy_of

SOON_WORKING_DAYS = 3
OVERDUE, SOON, LATER = "overdue", "soon", "later"
DUE_FILTERS = (OVERDUE, SOON, LATER)
PENDING = [s for s in Status if s in PENDING_STATUSES]  # in the order of the state machine
UNDRAFTED = [s for s in Status if s != Status.DRAFT]


def review_queue(
    *, user, statuses: Iterable[str] | None = None, reason: str = "", due: str = "",
    region: Region | None = None, on: dt.date | None = None,
) -> QuerySet[Application]:
    """`statuses`: only these (all when None); `reason`: one reason's code; `due`: `overdue`,
    `soon` (at most SOON_WORKING_DAYS working days left) or `later`, counted from `on`;
    `region`: one region of those the user sees (an administrator's choice)."""
    qs = applications_visible_to(user).filter(IN_BUREAU_HANDS)
    if region is not None:
        qs = qs.filter(region=region)
    if statuses is not None:
        qs = qs.filter(status__in=list(statuses))
    if reason:
        qs = qs.filter(reason=reason)
    if due:
        qs = qs.filter(due_filter(due, on))
    return qs.order_by(F("first_submitted_at").asc(nulls_last=True), "id")


def due_filter(due: str, on: dt.date) -> Q:
    """Pending applications by what is left of their review time limit on `on`."""
    soon_limit = add_working_days(on, SOON_WORKING_DAYS + 1)  # before it: at most 3 working days left
    window = {
        OVERDUE: Q(due_date__lt=on),
        SOON: Q(due_date__gte=on, due_date__lt=soon_limit),
        LATER: Q(due_date__gte=soon_limit),
    }[due]
    return Q(status__in=PENDING) & window


def queue_after(queue: QuerySet[Application], *, first_submitted_at: dt.datetime | None, pk: int):
    """The rest of `queue` after the application (first_submitted_at, pk), in the queue's order."""
    if first_submitted_at is None:
        return queue.filter(first_submitted_at__isnull=True, pk__gt=pk)
    return queue.filter(
        Q(first_submitted_at__gt=first_submitted_at)
        | Q(first_submitted_at=first_submitted_at, pk__gt=pk)
        | Q(first_submitted_at__isnull=True)
    )


def bureau_applications_of(*, user, person_id: int) -> QuerySet[Application]:
    """A person's applications in the bureau's hands, newest first: an applicant's draft is
    still their own work, a counter draft is the bureau's."""
    return applications_visible_to(user).filter(IN_BUREAU_HANDS, person_id=person_id).order_by("-created_at")


def queue_regions() -> list[Region]:
    """The regions that have applications, for an administrator's region filter."""
    return list(Region.objects.filter(application__isnull=False).distinct().order_by("code"))


def reason_name(policy_version: PolicyVersion, code: str) -> str:
    reason = policy_of(policy_version).reasons.get(code)
    return reason.name if reason else code


def queue_reasons(queue: QuerySet[Application]) -> list[tuple[str, str]]:
    """The reasons of the applications in `queue`, named by the policy each was judged by."""
    pairs = list(queue.order_by().values_list("policy_version", "reason").distinct())
    versions = PolicyVersion.objects.in_bulk({pv_id for pv_id, _code in pairs})
    names: dict[str, str] = {}
    for pv_id, code in pairs:
        names.setdefault(code, reason_name(versions[pv_id], code))
    return sorted(names.items(), key=lambda item: str(item[1]))
