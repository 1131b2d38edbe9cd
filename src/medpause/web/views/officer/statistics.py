"""The region's statistics (an administrator: every region, or one)."""

from __future__ import annotations

from django.views.decorators.http import require_GET

from medpause.cases.selectors.statistics import review_statistics
from medpause.common.dates import today
from medpause.web.views.officer.common import officer_only, page, region_choice, scope_name


@officer_only
@require_GET
def statistics(request):
    on = today()
    regions, region = region_choice(request, request.GET)
    return page(request, "statistics.html", {
        "stats": review_statistics(user=request.user, on=on, region=region),
        "today": on,
        "regions": regions,
        "region": region,
        "scope_name": scope_name(request, region),
    })
