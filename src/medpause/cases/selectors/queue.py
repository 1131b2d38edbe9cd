"""The review queue: the applications in the bureau's hands that a user may see, oldest
submitted first (counter applications never submitted last), with the workbench's filters and
the keyset the HTTP API pages by. Shared by the officer pages and `GET /api/v1/applications`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import F, Q, QuerySet

from medpause.accounts.permissions import IN_BUREAU_HANDS, applications_visible_to
from medpause.cases.models import Application
from medpause.cases.selectors.keyset import Page, Position, rows_after, rows_before
from medpause.cases.states import PENDING_STATUSES, Status, waiting_stage
from medpause.common.dates import add_working_days
from medpause.policy.models import NATIONAL, PolicyVersion, Region
from medpause.policy.selectors import policy_of

SOON_WORKING_DAYS = 3
OVERDUE, SOON, LATER = "overdue", "soon", "later"
DUE_FILTERS = (OVERDUE, SOON, LATER)
PENDING = [s for s in Status if s in PENDING_STATUSES]  # in the order of the state machine
UNDRAFTED = [s for s in Status if s != Status.DRAFT]
KEY = ("first_submitted_at", "id")
# A list names each row's reason by its policy version (policy_of needs its id and checksum only):
# the resolved policy document, tens of kilobytes of JSON, is not read and decoded for every row.
LIST_DEFERRED = ("policy_version__document",)


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
    return qs.defer(*LIST_DEFERRED).order_by(F("first_submitted_at").asc(nulls_last=True), "id")


def due_filter(due: str, on: dt.date) -> Q:
    """Pending applications by what is left of their review time limit on `on`."""
    soon_limit = add_working_days(on, SOON_WORKING_DAYS + 1)  # before it: at most 3 working days left
    window = {
        OVERDUE: Q(due_date__lt=on),
        SOON: Q(due_date__gte=on, due_date__lt=soon_limit),
        LATER: Q(due_date__gte=soon_limit),
    }[due]
    return Q(status__in=PENDING) & window


def queue_page(
    queue: QuerySet[Application], *, limit: int, after: Position | None = None, before: Position | None = None,
) -> Page:
    """One page of `queue` by keyset: the `limit` applications after `after` (from the start when
    neither is given) or the `limit` before `before`. Submitted applications come first, by
    (first_submitted_at, id), then counter applications never submitted, by id: each part is a
    row-value comparison on its own index, never an OR over both."""
    submitted = queue.filter(first_submitted_at__isnull=False)
    unsubmitted = queue.filter(first_submitted_at__isnull=True)
    if before is not None:
        return _page_before(submitted, unsubmitted, before, limit)
    if after is None:
        items = list(submitted.order_by("first_submitted_at", "id")[: limit + 1])
        unsubmitted_from = 0
    elif after.at is not None:
        items = list(rows_after(submitted, KEY, (after.at, after.pk)).order_by(*KEY)[: limit + 1])
        unsubmitted_from = 0
    else:
        items, unsubmitted_from = [], after.pk
    if len(items) <= limit:
        items += list(unsubmitted.filter(pk__gt=unsubmitted_from).order_by("id")[: limit + 1 - len(items)])
    more = len(items) > limit
    items = items[:limit]
    return Page(
        items=items,
        next=_position(items[-1]) if more else None,
        previous=_position(items[0]) if after is not None and items else None,
    )


def _page_before(submitted, unsubmitted, before: Position, limit: int) -> Page:
    if before.at is None:
        items = list(unsubmitted.filter(pk__lt=before.pk).order_by("-id")[: limit + 1])
        if len(items) <= limit:
            items += list(submitted.order_by("-first_submitted_at", "-id")[: limit + 1 - len(items)])
    else:
        items = list(
            rows_before(submitted, KEY, (before.at, before.pk)).order_by("-first_submitted_at", "-id")[: limit + 1]
        )
    more = len(items) > limit
    items = list(reversed(items[:limit]))
    return Page(
        items=items,
        next=_position(items[-1]) if items else None,
        previous=_position(items[0]) if more else None,
    )


def _position(app: Application) -> Position:
    return Position(app.first_submitted_at, app.pk)


def count_up_to(qs: QuerySet, cap: int) -> int:
    """How many rows `qs` has, counted no further than `cap` (+1, to tell "more than cap")."""
    return qs.order_by()[: cap + 1].count()


def bureau_applications_of(*, user, person_id: int) -> QuerySet[Application]:
    """A person's applications in the bureau's hands, newest first: an applicant's draft is
    still their own work, a counter draft is the bureau's."""
    return (
        applications_visible_to(user).filter(IN_BUREAU_HANDS, person_id=person_id)
        .defer(*LIST_DEFERRED).order_by("-created_at")
    )


def queue_regions() -> list[Region]:
    """The regions that have applications, for an administrator's region filter."""
    return list(Region.objects.filter(application__isnull=False).distinct().order_by("code"))


def review_stage(app: Application) -> int | None:
    """The review stage that waits for an officer (1 or 2) where the application's policy has
    two; None otherwise (cases.states.waiting_stage)."""
    return waiting_stage(app.status, policy_of(app.policy_version).review_stages)


def reason_name(policy_version: PolicyVersion, code: str) -> str:
    reason = policy_of(policy_version).reasons.get(code)
    return reason.name if reason else code


def queue_reasons(*, user, region: Region | None = None) -> list[tuple[str, str]]:
    """The reasons the queue can be filtered by: those of the policy versions its applications
    are judged by (the region's, its parent's and the national baseline's; every version for an administrator
    without a region), read from the few policy versions, never from the applications."""
    scope = region or getattr(user, "region", None)
    versions = PolicyVersion.objects.order_by("scope", "-effective_from")
    if scope is not None:
        scopes = [scope.code, NATIONAL] + ([scope.parent.code] if scope.parent_id else [])
        versions = versions.filter(scope__in=scopes)
    names: dict[str, str] = {}
    for version in versions:
        for code, reason in policy_of(version).reasons.items():
            names.setdefault(code, reason.name)
    return sorted(names.items(), key=lambda item: str(item[1]))
