"""The unit agent's pages (/unit/): its employees, one employee's stop / resume, its applications."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from medpause.cases.selectors import applications_visible_to
from medpause.common.dates import today
from medpause.coverage.selectors import card_status_on
from medpause.notices.selectors import notices_for
from medpause.notices.services import notice_text
from medpause.registry.selectors import person_get, persons_visible_to
from medpause.web.forms import SearchForm
from medpause.web.views import applications as apps
from medpause.web.views import wizard
from medpause.web.views.common import CARD_STATUS_LABELS, or_404, role_required
from medpause.web.views.portal import coverage_context
from medpause.web.views.scope import Scope


def unit_agent(view):
    return role_required("unit_agent")(view)


def _unit(request):
    unit = request.user.unit
    if unit is None:
        raise Http404
    return unit


def _scope(request, person_id=None) -> Scope:
    _unit(request)
    person = or_404(person_get, user=request.user, person_id=person_id) if person_id is not None else None
    return Scope("unit", request.user, person)


@unit_agent
def home(request):
    """The unit, its legal representative on file, and its employees with today's card status."""
    unit = _unit(request)
    form = SearchForm(request.GET or None)
    qs = persons_visible_to(request.user).order_by("name", "id")
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            qs = qs.filter(name__icontains=query)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    day = today()
    employees = []
    for person in page:
        status = card_status_on(person=person, day=day).status
        employees.append({"p": person, "status": status, "status_label": CARD_STATUS_LABELS.get(status, status)})
    pending = applications_visible_to(request.user).filter(
        status__in=["draft", "submitted", "in_review", "supplement_requested"]).count()
    notices = [{"n": n, "text": notice_text(n)} for n in notices_for(request.user, limit=5)]
    return render(request, "web/unit/home.html", {
        "unit": unit, "notices": notices, "form": form, "query": query, "page": page, "employees": employees, "pending": pending,
    })


@unit_agent
def employee(request, person_id):
    scope = _scope(request, person_id)
    qs = applications_visible_to(request.user).filter(person=scope.person).order_by("-created_at")
    return render(request, "web/unit/employee.html", {
        "scope": scope, **coverage_context(scope.person),
        "rows": apps.application_rows(scope, qs[:20]),
        "can_resume": wizard.suspension_to_resume(scope) is not None,
        "stop_url": scope.wizard_url("stop", "start"), "resume_url": scope.wizard_url("resume", "start"),
    })


@unit_agent
def stop_start(request, person_id):
    return wizard.wizard_start(request, _scope(request, person_id), "stop")


@unit_agent
def resume_start(request, person_id):
    return wizard.wizard_start(request, _scope(request, person_id), "resume")


def _step(kind, step):
    @unit_agent
    def view(request, person_id):
        return wizard.wizard_step(request, _scope(request, person_id), kind, step)

    view.__name__ = f"unit_{kind}_{step}"
    return view


WIZARD_VIEWS = {
    (kind, step): _step(kind, step)
    for kind, steps in wizard.STEPS.items()
    for step in [*steps, "cancel"]
}


@unit_agent
def application_list(request):
    return apps.application_list(request, _scope(request))


def _app_view(func):
    @unit_agent
    def view(request, app_id, **kwargs):
        return func(request, _scope(request), app_id, **kwargs)

    view.__name__ = func.__name__
    return view


application_detail = _app_view(apps.application_detail)
application_submitted = _app_view(apps.application_submitted)
application_document = _app_view(apps.application_document)
application_withdraw = _app_view(apps.application_withdraw_view)
application_supplement = _app_view(apps.application_supplement)
application_continue = _app_view(apps.application_continue)
application_form = _app_view(apps.application_form_pdf)
