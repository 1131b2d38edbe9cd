"""The personal account (个人账户): a ledger of signed entries per person.

Each recorded month's contribution credits the account by the region's shares
(`[personal_account]` of the policy in force for that month): an employee's account takes
`employee_share` of their own premium and `employer_transfer_share` of the employer's; a flexible
worker's takes `flexible_share` of the whole. A settlement paid from the account debits it. Every
entry carries a key unique per person (the month credited, the settlement debited), so a month
is credited once whether it was paid on time or back-paid, and a settlement debits once."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from medpause.coverage.models import AccountEntry
from medpause.policy.selectors import policy_in_force
from medpause.registry.models import Category, Contribution, Person
from medpause.registry.selectors import person_get

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def month_key(month: dt.date) -> str:
    """The key of a month's credit: one per person and month, paid on time or back-paid."""
    return f"month:{month:%Y-%m}"


def settlement_key(settlement_id: int) -> str:
    return f"settlement:{settlement_id}"


def account_share(*, person: Person, employer_amount: Decimal, employee_amount: Decimal, month: dt.date) -> Decimal:
    """What a month's contribution credits to the person's account, by the region's shares."""
    _pv, policy = policy_in_force(region=person.region, on=month)
    shares = policy.personal_account
    if person.category == Category.EMPLOYEE:
        value = employee_amount * shares.employee_share + employer_amount * shares.employer_transfer_share
    else:
        value = (employer_amount + employee_amount) * shares.flexible_share
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def credit_month(*, contribution: Contribution, kind: str = AccountEntry.CONTRIBUTION,
                 on: dt.date | None = None) -> AccountEntry:
    """Credit the account with the month's share, once: a second call finds the first entry."""
    person = contribution.person
    amount = account_share(person=person, employer_amount=contribution.employer_amount,
                           employee_amount=contribution.employee_amount, month=contribution.month)
    entry, _created = AccountEntry.objects.get_or_create(
        person=person, key=month_key(contribution.month),
        defaults={"region_id": person.region_id, "kind": kind, "amount": amount, "date": on or contribution.month},
    )
    return entry


def debit_settlement(*, person_id: int, region_id: int, settlement_id: int, amount: Decimal,
                     on: dt.date) -> AccountEntry:
    """The debit of a settlement paid from the account (the caller holds the person's lock and
    has just created the settlement: its key is new, and the unique key refuses a second)."""
    return AccountEntry.objects.create(
        person_id=person_id, key=settlement_key(settlement_id), region_id=region_id, kind=AccountEntry.SETTLEMENT,
        amount=-amount, date=on,
    )


def balance_of(*, person_id: int) -> Decimal:
    total = AccountEntry.objects.filter(person_id=person_id).aggregate(total=Sum("amount"))["total"]
    return (total or ZERO).quantize(CENT)


def entries_of(*, person_id: int) -> list[AccountEntry]:
    """The entries, newest first."""
    return list(AccountEntry.objects.filter(person_id=person_id).order_by("-date", "-id"))


def account_get(*, user, person_id) -> tuple[Person, Decimal, list[AccountEntry]]:
    """(person, balance, entries) of a person `user` may see (else 404 `not_found`)."""
    person = person_get(user=user, person_id=person_id)
    return person, balance_of(person_id=person.pk), entries_of(person_id=person.pk)
