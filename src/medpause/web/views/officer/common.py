"""What the workbench's pages share: the gate, the page frame, the rows of application lists,
the administrator's region filter and a person's coverage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from medpause.accounts.models import Role
from medpause.accounts.permissions import BUREAU, has_role, role_required
from medpause.cases.models import Application
from medpause.cases.selectors import application_get, suspensions_of
from medpause.cases.selectors.queue import queue_regions, reason_name, review_stage
from medpause.cases.states import PENDING_STATUSES
from medpause.common.dates import working_days_between
from medpause.common.errors import DomainError, NotFound
from medpause.coverage.selectors import card_status_on, period_state
from medpause.policy.models import Region
from medpause.policy.selectors import policy_in_force
from medpause.transfers.selectors import transfers_of

# Officers and administrators only; to anyone else the workbench does not admit it exists.
officer_only = role_required(*BUREAU, conceal=True)

COVERAGE_LABELS = {
    "active": _("Active"),
    "suspended": _("Suspended"),
    "terminated": _("Ended for good"),
    "waiting": _("Waiting period: no benefits yet"),
    "unknown": _("Unknown"),
}
SECTIONS = {"queue.html": "queue", "application.html": "queue", "statistics.html": "statistics",
            "transfers.html": "transfers", "transfer.html": "transfers"}


def page(request, template: str, context: dict, status: int = 200):
    context = {
        "is_admin": has_role(request.user, Role.ADMIN),
        "section": SECTIONS.get(template, "persons"),
        **context,
    }
    return render(request, f"web/officer/{template}", context, status=status)


def application_or_404(request, pk) -> Application:
    try:
        return application_get(user=request.user, application_id=pk)
    except NotFound as exc:
        raise Http404 from exc


def error_text(exc: DomainError) -> str:
    return _("%(message)s (code: %(code)s)") % {"message": exc.message, "code": exc.code}


def days_left(due: dt.date | None, on: dt.date) -> int | None:
    return None if due is None else working_days_between(on, due)


@dataclass
class Row:
    """One application in a list, with what the list shows about its review time limit."""

    app: Application
    reason_name: str
    days_left: int | None
    pending: bool
    stage: int | None = None  # two-stage review: the stage that waits

    @property
    def overdue(self) -> bool:
        return self.pending and self.days_left is not None and self.days_left < 0

    @property
    def overdue_by(self) -> int:
        return -self.days_left if self.overdue else 0


def days_left_of(due_dates, on: dt.date) -> dict[dt.date, int]:
    """Working days left on `on` to each due date, walking the calendar once from the earliest
    to the latest: the count between two dates is the difference of their counts from `on`."""
    left: dict[dt.date, int] = {}
    previous, count = on, 0
    for due in sorted(set(due_dates) | {on}):
        count += working_days_between(previous, due)
        left[due], previous = count, due
    base = left[on]
    return {due: n - base for due, n in left.items()}


def rows(apps, on: dt.date) -> list[Row]:
    """The rows of a list: what is left of the review time limit only for applications still
    pending (a decided one has none), computed once per distinct due date."""
    apps = list(apps)
    pending = [a.status in PENDING_STATUSES for a in apps]
    left = days_left_of((a.due_date for a, p in zip(apps, pending, strict=True) if p and a.due_date), on)
    return [
        Row(
            app=a,
            reason_name=reason_name(a.policy_version, a.reason),
            days_left=left.get(a.due_date) if p else None,
            pending=p,
            stage=review_stage(a),
        )
        for a, p in zip(apps, pending, strict=True)
    ]


def region_choice(request, data) -> tuple[list[Region], Region | None]:
    """An administrator may narrow a list to one region (by its code); an officer is already
    bound to theirs. Returns the regions to choose from and the chosen one."""
    if not has_role(request.user, Role.ADMIN):
        return [], None
    regions = queue_regions()
    code = (data.get("region") or "").strip()
    return regions, next((r for r in regions if r.code == code), None)


def scope_name(request, region: Region | None) -> str:
    if region is not None:
        return region.name
    return request.user.region.name if request.user.region else ""


def coverage(viewer, person, on: dt.date) -> dict:
    status = card_status_on(person=person, day=on)
    try:
        card = person.card
    except person.__class__.card.RelatedObjectDoesNotExist:
        card = None
    periods = []
    in_force: dict = {}  # the policy of a region on a day, looked up once
    for s in suspensions_of(user=viewer, person=person):
        pv = s.stop_application.policy_version if s.stop_application_id else None
        if pv is None:
            key = (s.region_id, s.start_date)
            if key not in in_force:
                try:
                    in_force[key], _policy = policy_in_force(region=s.region, on=s.start_date)
                except DomainError:
                    in_force[key] = None
            pv = in_force[key]
        periods.append({"suspension": s, "reason_name": reason_name(pv, s.reason) if pv else s.reason,
                        "state": period_state(start=s.start_date, end=s.end_date, day=on)})
    return {
        "card": card,
        "status": status.status,
        "status_label": COVERAGE_LABELS.get(status.status, status.status),
        "benefits_from": status.benefits_from,
        "scheduled_from": status.scheduled_from,
        "periods": periods,
        "transfers": transfers_of(user=viewer, person_id=person.pk),
        "on": on,
    }
