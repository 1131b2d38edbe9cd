"""The region's statistics (an administrator: every region, or one), as a page and as a CSV or
XLSX file of the same figures."""

from __future__ import annotations

import io

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from medpause.cases.selectors.statistics import review_statistics
from medpause.common.dates import today
from medpause.common.spreadsheet import append_row, csv_writer
from medpause.web.views.officer.common import officer_only, page, region_choice, scope_name

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _figures(request):
    on = today()
    regions, region = region_choice(request, request.GET)
    return on, regions, region, review_statistics(user=request.user, on=on, region=region)


@officer_only
@require_GET
def statistics(request):
    on, regions, region, stats = _figures(request)
    return page(request, "statistics.html", {
        "stats": stats,
        "today": on,
        "regions": regions,
        "region": region,
        "scope_name": scope_name(request, region),
    })


def export_rows(stats: dict, scope: str, on) -> list[list]:
    """The page's figures as rows of (section, item, figures...), one table a section."""
    rows: list[list] = [[_("Statistics"), scope, on.isoformat()], []]
    rows.append([_("Applications by status"), _("Status"), _("Applications")])
    rows += [["", b["label"], b["count"]] for b in (*stats["backlog"], *stats["others"])]
    rows += [[], [_("Applications by reason"), _("Kind"), _("Reason"), _("Total"), _("Open"), _("Approved"),
                  _("Rejected")]]
    rows += [["", r["kind_label"], r["name"], r["total"], r["open"], r["approved"], r["rejected"]]
             for r in stats["by_reason"]]
    if stats["by_region"]:
        rows += [[], [_("Applications by region"), _("Region"), _("Total"), _("Open"), _("Approved"), _("Rejected")]]
        rows += [["", r["name"], r["total"], r["open"], r["approved"], r["rejected"]] for r in stats["by_region"]]
    rows += [[], [_("Time from first submission to decision"), _("Time"), _("Decisions")]]
    rows += [["", b["label"], b["count"]] for b in stats["distribution"]]
    rows += [[], [_("Decisions per day"), _("Day"), _("Approved"), _("Rejected"), _("Total")]]
    rows += [["", d["day"].isoformat(), d["approved"], d["rejected"], d["total"]] for d in stats["daily"]]
    return rows


@officer_only
@require_GET
def statistics_export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    on, _regions, region, stats = _figures(request)
    rows = export_rows(stats, str(scope_name(request, region)), on)
    name = f"statistics-{region.code if region else 'all'}-{on.isoformat()}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        csv_writer(buffer).writerows([[str(c) for c in row] for row in rows])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        book = Workbook()
        sheet = book.active
        sheet.title = _("Statistics")[:31]
        for row in rows:
            append_row(sheet, [c if isinstance(c, int) else str(c) for c in row])
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
