from __future__ import annotations

import datetime as dt
import secrets
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

from medpause.accounts.permissions import may_act_in_region
from medpause.audit.services import audit_record
from medpause.common.dates import today
from medpause.common.errors import Conflict, Forbidden, Refused
from medpause.policy.models import Region
from medpause.policy.selectors import policy_in_force
from medpause.registry.models import Card, Category, Employment, Person, Unit
from medpause.registry.selectors import employment_on

CENT = Decimal("0.01")


def id_number_clean(value: str) -> str:
    """A valid resident ID number, upper-cased, or `invalid_id_number`."""
    try:
        number = ric.validate((value or "").strip().upper())
    except (StdnumError, KeyError, ValueError) as exc:  # stdnum raises KeyError for some unknown places
        raise Refused(
            "invalid_id_number",
            _("The ID number is not valid: check its 18 characters and the last check character."),
        ) from exc
    return number


def uscc_clean(value: str) -> str:
    try:
        return uscc.validate((value or "").strip().upper())
    except StdnumError as exc:
        raise Refused(
            "invalid_uscc",
            _("The unified social credit code is not valid: check its 18 characters and the check character."),
        ) from exc


def _money(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise Refused("invalid_amount", _("Enter an amount in yuan, e.g. 8000.00."), details={"field": field}) from exc
    if not number.is_finite() or number <= 0 or number > Decimal("9999999999"):
        raise Refused("invalid_amount", _("Enter an amount in yuan, e.g. 8000.00."), details={"field": field})
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def unit_register(
    *, name: str, uscc: str, region: Region, legal_representative_name: str, legal_representative_id_number: str,
    actor=None,
) -> Unit:
    _check_region(actor, region)
    code = uscc_clean(uscc)
    rep_id = id_number_clean(legal_representative_id_number)
    if not (name or "").strip() or not (legal_representative_name or "").strip():
        raise Refused("missing_field", _("Give the unit's name and its legal representative's name."))
    if Unit.objects.filter(uscc=code).exists():
        raise Conflict("already_registered", _("A unit with this unified social credit code is already registered."))
    unit = Unit.objects.create(
        name=name.strip(), uscc=code, region=region,
        legal_representative_name=legal_representative_name.strip(), legal_representative_id_number=rep_id,
    )
    audit_record(actor=actor, action="unit.register", target=unit, data={"region": region.code})
    return unit


def _check_region(actor, region: Region) -> None:
    """An officer registers only in their own region."""
    if not may_act_in_region(actor, region):
        raise Forbidden("forbidden", _("An officer can register units and persons only in their own region."))


def card_number_new(region: Region) -> str:
    """A new card number in `region` (its code, then ten random digits)."""
    return region.code + "".join(secrets.choice("0123456789") for _ in range(10))



@transaction.atomic
def person_register(
    *, name: str, id_number: str, region: Region, category: str, unit: Unit | None = None,
    contribution_base, actor=None, issued_on: dt.date | None = None,
) -> Person:
    """Register an insured person and issue their card. Employees must belong to a unit
    (SIL Art. 23: employer and employee pay together); flexible workers pay alone."""
    _check_region(actor, region)
    number = id_number_clean(id_number)
    if not (name or "").strip():
        raise Refused("missing_field", _("Give the person's name."))
    if category not in Category.values:
        raise Refused("invalid_category", _("The category must be employee or flexible."))
    if category == Category.EMPLOYEE and unit is None:
        raise Refused("unit_required", _("An employee must belong to a unit."))
    if category == Category.FLEXIBLE:
        unit = None
    base = _money(contribution_base, "contribution_base")
    if Person.objects.by_id_number(number).exists():
        raise Conflict("already_registered", _("This person is already registered."))
    try:
        with transaction.atomic():
            person = Person.objects.create(
                name=name.strip(), id_number=number, region=region, category=category, unit=unit,
                contribution_base=base,
            )
    except IntegrityError as exc:  # a concurrent registration of the same number
        raise Conflict("already_registered", _("This person is already registered.")) from exc
    for _attempt in range(5):
        try:
            with transaction.atomic():
                card = Card.objects.create(person=person, number=card_number_new(region), issued_on=issued_on or today())
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - ten random digits colliding five times
        raise Conflict("card_number_exhausted", _("No card number could be issued; try again."))
    # the first employment period: as registered, from the day the card is issued
    Employment.objects.create(person=person, unit=unit, category=category, start_date=card.issued_on)
    audit_record(
        actor=actor, action="person.register", target=person,
        data={"region": region.code, "category": category, "unit_id": unit.pk if unit else None, "card": card.number},
    )
    return person


def contribution_shares(*, person: Person, month: dt.date) -> tuple[Decimal, Decimal, Decimal, str]:
    """(base, employer share, employee share, policy version) for the person's month, by the
    region's rates and the person's category in force that month (an employee on the month's
    first day shares the premium with the unit); the base is held within the region's floor and
    ceiling."""
    pv, policy = policy_in_force(region=person.region, on=month)
    rates = policy.contribution
    base = min(max(person.contribution_base, rates.base_floor), rates.base_ceiling)
    period = employment_on(person=person, day=month)
    category = period.category if period is not None else person.category
    if category == Category.EMPLOYEE:
        employer = (base * rates.employer_rate).quantize(CENT, rounding=ROUND_HALF_UP)
        employee = (base * rates.employee_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        employer = Decimal("0.00")
        employee = (base * rates.flexible_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    return base, employer, employee, pv.label
