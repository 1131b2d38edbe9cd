"""The unit portal's batch pages (/unit/batches/): upload, progress (the page refreshes itself
with <meta http-equiv="refresh"> while the batch runs; no script), errors, report, templates."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from medpause.accounts.models import Role
from medpause.accounts.permissions import batches_visible_to, role_required
from medpause.batches import blank
from medpause.batches.models import BatchState, BatchStatus
from medpause.batches.selectors import (
    batch_errors,
    batch_get,
    batch_progress,
    report_lines,
    valid_reasons,
)
from medpause.batches.services import batch_create, max_bytes
from medpause.cases.models import Kind
from medpause.common.errors import DomainError, NotFound

REFRESH_SECONDS = 3
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


unit_agent = role_required(Role.UNIT_AGENT)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What should the file do?"),
        choices=[(Kind.STOP, _("Stop insurance for these employees (removal)")),
                 (Kind.RESUME, _("Resume insurance for these employees"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the file stops or resumes insurance.")},
    )
    file = forms.FileField(
        label=_("Batch file"),
        help_text=_("CSV (UTF-8 or GB18030) or XLSX, with the columns id_number, reason, start_date, end_date."),
        error_messages={"required": _("Choose the file to upload."), "empty": _("The file is empty.")},
    )


def _get(request, pk):
    try:
        return batch_get(user=request.user, batch_id=pk)
    except NotFound as exc:
        raise Http404 from exc


@unit_agent
def batch_list(request):
    batches = list(batches_visible_to(request.user).select_related("created_by")[:50])
    return render(request, "batches/list.html", {"batches": batches})


@unit_agent
@require_http_methods(["GET", "POST"])
def batch_new(request):
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = batch_create(
                    actor=request.user, kind=form.cleaned_data["kind"], upload=upload, filename=upload.name or ""
                )
            except DomainError as exc:
                form.add_error("file", str(exc.message))  # shown by the field and the error summary
                return render(request, "batches/new.html", _new_context(form), status=exc.status)
            return redirect("batches:detail", pk=batch.pk)
        status = 400
    else:
        form = UploadForm(initial={"kind": request.GET.get("kind") if request.GET.get("kind") in Kind.values else None})
        status = 200
    return render(request, "batches/new.html", _new_context(form), status=status)


def _new_context(form):
    return {"form": form, "max_mb": max_bytes() // (1024 * 1024)}


@unit_agent
def batch_detail(request, pk: int):
    batch = _get(request, pk)
    listed, truncated = batch_errors(batch)
    progress = batch_progress(batch)
    context = {
        "batch": batch, "progress": progress, "errors": listed, "errors_truncated": truncated,
        "valid_reasons": valid_reasons(batch, listed),
        "state_label": BatchState(progress["state"]).label,
        "running": batch.status == BatchStatus.VALIDATING, "refresh_seconds": REFRESH_SECONDS,
    }
    return render(request, "batches/detail.html", context)


@unit_agent
def batch_report(request, pk: int):
    batch = _get(request, pk)
    language = translation.get_language()

    def lines():
        with translation.override(language):
            yield from report_lines(batch)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="batch-{batch.pk}-report.csv"'
    return response


@unit_agent
def template_file(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else Kind.STOP
    if fmt == "csv":
        response = HttpResponse(blank.template_csv(kind), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(blank.template_xlsx(kind, request.user.unit.region.code), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="batch-{kind}.{fmt}"'
    return response
