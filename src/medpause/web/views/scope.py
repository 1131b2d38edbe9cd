"""Whose pages these are: an insured person for themself (/me/) or a unit agent for an
employee (/unit/). The wizard and the application pages are shared and build their links
through the scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass
class Scope:
    audience: str  # "me" or "unit"
    user: object
    person: object | None = None

    @property
    def applicant_type(self) -> str:
        return "individual" if self.audience == "me" else "unit"

    @property
    def base_template(self) -> str:
        return "web/base.html"

    def wizard_url(self, kind: str, step: str) -> str:
        if self.audience == "me":
            return reverse(f"web:me_{kind}_{step}")
        return reverse(f"web:unit_{kind}_{step}", kwargs={"person_id": self.person.pk})

    def app_url(self, name: str, application, **kwargs) -> str:
        return reverse(f"web:{self.audience}_application_{name}", kwargs={"app_id": application.pk, **kwargs})

    def list_url(self) -> str:
        return reverse(f"web:{self.audience}_applications")

    def home_url(self) -> str:
        if self.audience == "me":
            return reverse("web:portal_home")
        if self.person is not None:
            return reverse("web:unit_employee", kwargs={"person_id": self.person.pk})
        return reverse("web:unit_home")
