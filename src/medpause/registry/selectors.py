"""Reads on the registry: one person or unit, fetched through the caller's scope
(medpause.accounts.permissions), a person's contributions and their employment periods."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from medpause.accounts.models import Role
from medpause.accounts.permissions import get_visible, persons_visible_to, role_of, units_visible_to
from medpause.registry.models import Contribution, Employment, Person, Unit


def person_get(*, user, person_id) -> Person:
    return get_visible(persons_visible_to(user), person_id, _("No such insured person."))


def person_by_id_number(*, user, id_number: str) -> Person | None:
    """Through the keyed hash column (the number is stored encrypted); a person the user may
    not see is not found."""
    return persons_visible_to(user).by_id_number(id_number).first()


def person_to_employ(*, user, id_number: str | None = None, person_id=None) -> Person | None:
    """The person a unit's agent may take on (增员): its own employee, or any person of the
    unit's region found by their whole ID number (given with `person_id`, it must be theirs).
    The bureau finds the persons it sees. None when not found."""
    scope = persons_visible_to(user)
    if role_of(user) == Role.UNIT_AGENT and id_number:
        region_id = Unit.objects.filter(pk=user.unit_id).values_list("region_id", flat=True).first()
        scope = Person.objects.filter(region_id=region_id).by_id_number(id_number).select_related("region")
    if person_id is not None:
        try:
            scope = scope.filter(pk=int(person_id))
        except (TypeError, ValueError):
            return None
    elif id_number:
        scope = scope.by_id_number(id_number)
    else:
        return None
    return scope.first()


def unit_get(*, user, unit_id) -> Unit:
    return get_visible(units_visible_to(user), unit_id, _("No such unit."))


def contributions_of(*, person: Person) -> list[Contribution]:
    return list(person.contributions.order_by("month"))


# --- employment periods: who employed the person on a day ----------------------------------


def employments_of(*, person) -> list[Employment]:
    """The person's periods, oldest first."""
    return list(Employment.objects.filter(person=person).order_by("start_date"))


def _in_force(periods: list[Employment], day: dt.date) -> Employment | None:
    """The period in force on `day` among one person's periods sorted by start; before the
    first period (a day before registration), the first one."""
    found = None
    for period in periods:
        if period.start_date <= day:
            found = period
    return found or (periods[0] if periods else None)


def employment_on(*, person, day: dt.date) -> Employment | None:
    """The period in force on `day` (see _in_force); None only for a person with no period."""
    return _in_force(employments_of(person=person), day)


def employments_on(person_ids: Iterable[int], day: dt.date) -> dict[int, Employment]:
    """The period in force on `day` of each person, by person id, in one query."""
    by_person: dict[int, list[Employment]] = {}
    for period in Employment.objects.filter(person_id__in=list(person_ids)).order_by("person_id", "start_date"):
        by_person.setdefault(period.person_id, []).append(period)
    return {pid: _in_force(periods, day) for pid, periods in by_person.items()}
