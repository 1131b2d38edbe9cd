"""The unit agent's own pages (/unit/): the unit with its employees, one employee, and taking a
person on (增员: their ID number, POSTed, and the first day). The
wizard for an employee and the unit's applications, written once with the insured person's,
are in `wizard` and `applications`."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from medpause.accounts.models import Role
from medpause.accounts.permissions import applications_visible_to, persons_visible_to, role_required
from medpause.audit.services import audit_read
from medpause.cases.services.employment import employment_start
from medpause.cases.states import OPEN_STATUSES
from medpause.common.dates import today
from medpause.common.errors import DomainError
from medpause.coverage.selectors import card_status_on
from medpause.notices.delivery import notice_path
from medpause.notices.selectors import notices_for
from medpause.notices.services import notice_text
from medpause.registry.selectors import person_get, person_to_employ
from medpause.web.forms import EmployeeAddForm, SearchForm
from medpause.web.views import applications as apps
from medpause.web.views import wizard
from medpause.web.views.common import CARD_STATUS_LABELS, add_domain_error, or_404
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


@unit_agent
@require_http_methods(["GET", "POST"])
def employee_add(request):
    """Take a person of the unit's region on from a day (增员): found by their ID number (a POST
    form: the number never lands in a URL); an open stop of theirs ends the day before."""
    form = EmployeeAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["id_number"]
        person = person_to_employ(user=request.user, id_number=number)
        audit_read(request.user, "person.lookup", person or ("registry.person", ""), id_number=number,
                   found=person is not None, channel="unit", purpose="employ")
        if person is None:
            form.add_error("id_number", _("No insured person with this ID number is registered in your unit's region."))
        else:
            try:
                employment_start(person=person, unit=request.user.unit, start_date=form.cleaned_data["start_date"],
                                 actor=request.user, id_number=number)
            except DomainError as exc:
                add_domain_error(form, exc, "start_date")
            else:
                return HttpResponseRedirect(reverse("web:unit_employee", args=[person.pk]))
    status = 422 if form.errors else 200
    return render(request, "web/unit/employee_add.html", {"form": form, "unit": request.user.unit}, status=status)
