"""Persons: a look-up by ID number (a POST form, so that the number never lands in a URL) and
one person's page with their coverage, applications and contributions."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from medpause.accounts.models import Role
from medpause.accounts.permissions import has_role
from medpause.audit.services import audit_read
from medpause.cases.selectors.keyset import Position, newest_first_page
from medpause.cases.selectors.queue import bureau_applications_of
from medpause.common.dates import today
from medpause.common.errors import NotFound
from medpause.registry.selectors import contributions_of, person_by_id_number, person_get
from medpause.web.views.common import account_context
from medpause.web.views.officer.common import coverage, officer_only, page, rows
from medpause.web.views.officer.forms import PersonLookupForm

APPLICATIONS_SHOWN = 50  # a page of a person's applications, newest first


@officer_only
@require_http_methods(["GET", "POST"])
def person_lookup(request):
    """Find a person by ID number. A POST form, so the number never lands in a URL, a browser
    history or a server log line. A person of another region is reported exactly like a
    person who does not exist."""
    form = PersonLookupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            person = person_by_id_number(user=request.user, id_number=form.cleaned_data["id_number"])
            audit_read(request.user, "person.lookup", person or ("registry.person", ""),
                       id_number=form.cleaned_data["id_number"], found=person is not None, channel="officer")
            if person is not None:
                return HttpResponseRedirect(reverse("officer:person", args=[person.pk]))
            form.add_error(
                "id_number",
                forms.ValidationError(
                    _("No insured person with this ID number is registered.")
                    if has_role(request.user, Role.ADMIN)
                    else _("No insured person with this ID number is registered in your region."),
                    code="not_found",
                ),
            )
        status = 422 if form.errors else 200
    return page(request, "person_lookup.html", {"form": form}, status=status)


@officer_only
@require_GET
def person(request, pk: int):
    try:
        someone = person_get(user=request.user, person_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    audit_read(request.user, "person.view", someone, channel="officer")
    on = today()
    contributions = list(reversed(contributions_of(person=someone)))
    shown = newest_first_page(
        bureau_applications_of(user=request.user, person_id=someone.pk), "created_at", limit=APPLICATIONS_SHOWN,
        after=Position.from_token(request.GET.get("after")), before=Position.from_token(request.GET.get("before")),
    )
    return page(request, "person.html", {
        "person": someone,
        "coverage": coverage(request.user, someone, on),
        "applications": rows(shown.items, on),
        "applications_page": shown,
        "contributions": contributions[:36],
        "contributions_total": len(contributions),
        "today": on,
        **account_context(request.user, someone),
    })
