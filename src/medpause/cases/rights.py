"""Who may act on which application."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from medpause.common.errors import Forbidden, NotFound


def applicant_type_for(*, actor, person) -> str:
    """The capacity in which `actor` files for `person`, or not_found if they may not."""
    role = getattr(actor, "role", None)
    if role == "individual" and actor.person_id == person.pk:
        return "individual"
    if role == "unit_agent" and actor.unit_id and person.unit_id == actor.unit_id:
        return "unit"
    if role == "officer" and actor.region_id == person.region_id:
        return "officer"
    if role == "admin":
        return "officer"
    if role in ("individual", "unit_agent", "officer"):
        raise NotFound("not_found", _("No such insured person."))
    raise Forbidden("forbidden", _("Your role may not file applications."))


def is_applicant(*, actor, application) -> bool:
    role = getattr(actor, "role", None)
    if application.applicant_type == "individual":
        return role == "individual" and actor.person_id == application.person_id
    if application.applicant_type == "unit":
        return role == "unit_agent" and actor.unit_id == application.unit_id
    return (role == "officer" and actor.region_id == application.region_id) or role == "admin"


def is_reviewer(*, actor, application) -> bool:
    role = getattr(actor, "role", None)
    return (role == "officer" and actor.region_id == application.region_id) or role == "admin"
