"""The unit agent's own pages (/unit/): the unit with its employees, and one employee. The
wizard for an employee and the unit's applications, written once with the insured person's,
are in `wizard` and `applications`."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from medpause.accounts.models import Role
from medpause.accounts.permissions import applications_visible_to, persons_visible_to, role_required
from medpause.cases.states import OPEN_STATUSES
from medpause.common.dates import today
from medpause.coverage.selectors import card_status_on
from medpause.notices.delivery import notice_path
from medpause.notices.selectors import notices_for
from medpause.notices.services import notice_text
from medpause.registry.selectors import person_get
from medpause.web.forms import SearchForm
from medpause.web.views import applications as apps
from medpause.web.views import wizard
from medpause.web.views.common import CARD_STATUS_LABELS, or_404
from medpause.web.views.portal import coverage_context
from medpause.web.views.scope import UNIT, Scope

unit_agent = role_required(Role.UNIT_AGENT)


@unit_agent
def home(request):
    """The unit, its legal representative on file, and its employees with today's card status."""
    unit = request.user.unit
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
        cover = card_status_on(person=person, day=day)
        employees.append({"p": person, "status": cover.status, "scheduled_from": cover.scheduled_from,
                          "status_label": CARD_STATUS_LABELS.get(cover.status, cover.status)})
    pending = applications_visible_to(request.user).filter(status__in=OPEN_STATUSES).count()
    notices = [{"n": n, "url": notice_path(n, request.user), "text": notice_text(n, for_unit=True)} for n in notices_for(request.user, limit=5)]
    return render(request, "web/unit/home.html", {
        "unit": unit, "notices": notices, "form": form, "query": query, "page": page, "employees": employees, "pending": pending,
    })


@unit_agent
def employee(request, person_id):
    scope = Scope(UNIT, request.user, or_404(person_get, user=request.user, person_id=person_id))
    qs = applications_visible_to(request.user).filter(person=scope.person).order_by("-created_at")
    return render(request, "web/unit/employee.html", {
        "scope": scope, **coverage_context(request.user, scope.person),
        "rows": apps.application_rows(scope, qs[:20]),
        "can_resume": wizard.suspension_to_resume(scope) is not None,
        "stop_url": scope.wizard_url("stop", "start"), "resume_url": scope.wizard_url("resume", "start"),
    })
