"""The review queue: the region's applications, oldest submitted first, filtered by status,
reason and what is left of the review time limit."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.views.decorators.http import require_GET

from medpause.cases.selectors.queue import PENDING, UNDRAFTED, queue_reasons, review_queue
from medpause.common.dates import today
from medpause.web.views.officer.common import officer_only, page, region_choice, rows, scope_name
from medpause.web.views.officer.forms import STATUS_FILTER_ALL, STATUS_FILTER_OPEN, QueueFilterForm

PAGE_SIZE = 50


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
    reasons = queue_reasons(review_queue(user=request.user, region=region, statuses=UNDRAFTED))
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
    paginator = Paginator(qs, PAGE_SIZE)
    shown = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page(request, "queue.html", {
        "form": form,
        "rows": rows(shown.object_list, on),
        "page": shown,
        "query": query.urlencode(),
        "total": paginator.count,
        "today": on,
        "regions": regions,
        "region": region,
        "scope_name": scope_name(request, region),
    })
