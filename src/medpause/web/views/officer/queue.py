"""The review queue: the region's applications, oldest submitted first, filtered by status,
reason and what is left of the review time limit."""

from __future__ import annotations

from django.views.decorators.http import require_GET

from medpause.cases.selectors.keyset import Position
from medpause.cases.selectors.queue import (
    PENDING,
    UNDRAFTED,
    count_up_to,
    queue_page,
    queue_reasons,
    review_queue,
)
from medpause.common.dates import today
from medpause.web.views.officer.common import officer_only, page, region_choice, rows, scope_name
from medpause.web.views.officer.forms import STATUS_FILTER_ALL, STATUS_FILTER_OPEN, QueueFilterForm

PAGE_SIZE = 50
COUNT_CAP = 1000  # counted exactly up to here; beyond, "more than"


def _statuses(status: str) -> list[str]:
    if status == STATUS_FILTER_OPEN:
        return PENDING
    if status == STATUS_FILTER_ALL:
        return UNDRAFTED
    return [status]


@officer_only
@require_GET
def queue(request):
    on = today()
    regions, region = region_choice(request, request.GET)
    reasons = queue_reasons(user=request.user, region=region)
    form = QueueFilterForm(request.GET or None, reasons=reasons)
    form.is_valid()  # shows a choice it does not know; the list is filtered by the valid ones
    cleaned = getattr(form, "cleaned_data", {})
    data = {name: cleaned.get(name, "") for name in form.fields}
    if "reason" in form.errors:  # a reason no application in the list has: nothing matches
        data["reason"] = request.GET.get("reason", "")
    qs = review_queue(
        user=request.user, region=region, statuses=_statuses(data.get("status") or STATUS_FILTER_OPEN),
        reason=data.get("reason", ""), due=data.get("due", ""), on=on,
    )
    after, before = Position.from_token(request.GET.get("after")), Position.from_token(request.GET.get("before"))
    shown = queue_page(qs, limit=PAGE_SIZE, after=after, before=None if after else before)
    if not shown.items and (after or before):  # a stale link: start again from the first page
        shown = queue_page(qs, limit=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("after", None)
    query.pop("before", None)
    total = count_up_to(qs, COUNT_CAP)
    return page(request, "queue.html", {
        "form": form,
        "rows": rows(shown.items, on),
        "page": shown,
        "query": query.urlencode(),
        "total": min(total, COUNT_CAP),
        "more_than_total": total > COUNT_CAP,
        "today": on,
        "regions": regions,
        "region": region,
        "scope_name": scope_name(request, region),
    })
