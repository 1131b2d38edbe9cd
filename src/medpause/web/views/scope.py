"""Whose pages these are: an insured person for themself (/me/, namespace `me`) or a unit agent
for its employees (/unit/, namespace `unit`). The wizard and the application pages are written
once (medpause.web.applicant_urls) and mounted under both namespaces; a view reads its scope
from the namespace it was reached through and the employee named in its path, and builds its
links through the scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from medpause.accounts.models import ApplicantType, Role
from medpause.accounts.permissions import has_role
from medpause.registry.selectors import person_get
from medpause.web.views.common import or_404

ME, UNIT = "me", "unit"
AUDIENCE_ROLE = {ME: Role.INDIVIDUAL, UNIT: Role.UNIT_AGENT}


@dataclass
class Scope:
    audience: str  # ME or UNIT: the instance namespace of the applicant pages
    user: object
    person: object | None = None

    @property
    def applicant_type(self) -> str:
        return ApplicantType.INDIVIDUAL if self.audience == ME else ApplicantType.UNIT

    @property
    def base_template(self) -> str:
        return "web/base.html"

    def _url(self, name: str, **kwargs) -> str:
        return reverse(name, kwargs=kwargs, current_app=self.audience)

    def wizard_url(self, kind: str, step: str) -> str:
        """A step of the wizard ("start" for its entry); a unit's wizard names the employee."""
        employee = {"person_id": self.person.pk} if self.audience == UNIT else {}
        if step == "start":
            return self._url("applicant:wizard_start", kind=kind, **employee)
        return self._url("applicant:wizard_step", kind=kind, step=step, **employee)

    def list_url(self) -> str:
        return self._url("applicant:applications")

    def detail_url(self, application) -> str:
        return self._url("applicant:application_detail", app_id=application.pk)

    def submitted_url(self, application) -> str:
        return self._url("applicant:application_submitted", app_id=application.pk)

    def withdraw_url(self, application) -> str:
        return self._url("applicant:application_withdraw", app_id=application.pk)

    def supplement_url(self, application) -> str:
        return self._url("applicant:application_supplement", app_id=application.pk)

    def continue_url(self, application) -> str:
        return self._url("applicant:application_continue", app_id=application.pk)

    def form_url(self, application) -> str:
        return self._url("applicant:application_form", app_id=application.pk)

    def home_url(self) -> str:
        if self.audience == ME:
            return reverse("web:portal_home")
        if self.person is not None:
            return reverse("web:unit_employee", kwargs={"person_id": self.person.pk})
        return reverse("web:unit_home")


def scope_of(request, person_id: int | None = None, *, person_required: bool = False) -> Scope:
    """The scope of a request to an applicant page. The namespace must be the user's own (an
    insured person under /me/, a unit agent under /unit/; else 403); the employee in the path
    must be one of the unit's (else 404), and only a unit's pages name one."""
    audience = request.resolver_match.namespace
    role = AUDIENCE_ROLE.get(audience)
    if role is None or not has_role(request.user, role):
        raise PermissionDenied
    if audience == ME:
        if person_id is not None:
            raise Http404
        return Scope(ME, request.user, request.user.person)
    if person_id is None:
        if person_required:
            raise Http404
        return Scope(UNIT, request.user)
    return Scope(UNIT, request.user, or_404(person_get, user=request.user, person_id=person_id))
