from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from medpause.common.errors import NotFound
from medpause.registry.models import Contribution, Person, Unit


def persons_visible_to(user) -> QuerySet[Person]:
    """The persons a user may see: an officer their region's, a unit agent its employees,
    an individual themself, an admin everyone, an institution no one."""
    qs = Person.objects.select_related("card", "unit", "region")
    role = getattr(user, "role", None)
    if role == "admin":
        return qs
    if role == "officer" and user.region_id:
        return qs.filter(region_id=user.region_id)
    if role == "unit_agent" and user.unit_id:
        return qs.filter(unit_id=user.unit_id)
    if role == "individual" and user.person_id:
        return qs.filter(pk=user.person_id)
    return qs.none()


def person_get(*, user, person_id) -> Person:
    try:
        person = persons_visible_to(user).filter(pk=int(person_id)).first()
    except (TypeError, ValueError):
        person = None
    if person is None:
        raise NotFound("not_found", _("No such insured person."))
    return person


def person_by_id_number(*, user, id_number: str) -> Person | None:
    """Through the keyed hash column (the number is stored encrypted); a person the user may
    not see is not found."""
    return persons_visible_to(user).by_id_number(id_number).first()


def units_visible_to(user) -> QuerySet[Unit]:
    qs = Unit.objects.select_related("region")
    role = getattr(user, "role", None)
    if role == "admin":
        return qs
    if role == "officer" and user.region_id:
        return qs.filter(region_id=user.region_id)
    if role == "unit_agent" and user.unit_id:
        return qs.filter(pk=user.unit_id)
    return qs.none()


def unit_get(*, user, unit_id) -> Unit:
    try:
        unit = units_visible_to(user).filter(pk=int(unit_id)).first()
    except (TypeError, ValueError):
        unit = None
    if unit is None:
        raise NotFound("not_found", _("No such unit."))
    return unit


def contributions_of(*, person: Person) -> list[Contribution]:
    return list(person.contributions.order_by("month"))
