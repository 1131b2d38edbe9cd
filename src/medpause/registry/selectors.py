"""Reads on the registry: one person or unit, fetched through the caller's scope
(medpause.accounts.permissions), and a person's contributions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from medpause.accounts.permissions import get_visible, persons_visible_to, units_visible_to
from medpause.registry.models import Contribution, Person, Unit


def person_get(*, user, person_id) -> Person:
    return get_visible(persons_visible_to(user), person_id, _("No such insured person."))


def person_by_id_number(*, user, id_number: str) -> Person | None:
    """Through the keyed hash column (the number is stored encrypted); a person the user may
    not see is not found."""
    return persons_visible_to(user).by_id_number(id_number).first()


def unit_get(*, user, unit_id) -> Unit:
    return get_visible(units_visible_to(user), unit_id, _("No such unit."))


def contributions_of(*, person: Person) -> list[Contribution]:
    return list(person.contributions.order_by("month"))
