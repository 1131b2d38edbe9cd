"""Back-payment (补缴): paying afterwards the months of a break in cover.

A month can be back-paid when it is a gap: the person was stopped (a suspension, not an end)
on its first day - the day `contribution_record` judges a month by - and nothing is recorded
for it. The months asked must all be gaps, in the past or this month, and the whole break they
belong to may last at most the region's `back_payment.max_gap_months` (医保办发〔2021〕43号:
a break of up to three months can be back-paid). The amount is each month's premium from the
contribution base and the region's rates (employer and employee shares for an employee, the
flexible rate for a flexible worker); a unit owes a late fee on its arrears (SIL Art. 86).

Once the bureau records the payment, the months count as insured (their contributions are
recorded and credit the personal account, kind `back_payment`), a waiting period set after
that break is lifted, and where `back_payment.restores_care_in_gap` is true the days of those
months are covered (coverage.selectors reads paid back-payments with the suspensions)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medpause.accounts.models import Role
from medpause.accounts.permissions import get_visible, persons_visible_to, require_role
from medpause.audit.services import audit_record
from medpause.cases.models import Suspension
from medpause.cases.services.locking import person_lock
from medpause.common.dates import add_months, month_start, today
from medpause.common.db import write_gate
from medpause.common.errors import Conflict, Refused
from medpause.coverage.account import credit_month
from medpause.coverage.models import AccountEntry, BackPayment
from medpause.coverage.selectors import SUSPENDED, month_end, status_from_periods
from medpause.policy.selectors import policy_in_force
from medpause.registry.models import Category, Contribution, Person
from medpause.registry.services import contribution_shares

CENT = Decimal("0.01")


def premium_due_date(month: dt.date) -> dt.date:
    """The day a month's premium falls due, from which a unit's late fee runs (SIL Art. 86:
    "from the day of the arrears"). LOCAL SETTING of this bureau: no source at hand names the
    day (Art. 60 only says units pay monthly, on time and in full), so the premium of a month is
    taken as due on the month's last day - the latest day it can still be the month's own
    payment; a fee therefore runs from the first day of the next month."""
    return month_end(month)


@dataclass(frozen=True)
class Quote:
    months: tuple[dt.date, ...]
    amount: Decimal
    late_fee: Decimal
    gap_months: int  # the whole break the months belong to
    allowed: bool
    max_gap_months: int


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def _periods(person_id: int):
    return list(Suspension.objects.filter(person_id=person_id).values_list(
        "pk", "start_date", "end_date", "terminating", "benefits_from"))


class Gaps:
    """Which months of one person are gaps: stopped on the month's first day, nothing recorded."""

    def __init__(self, person: Person):
        self.periods = _periods(person.pk)
        self.paid = set(Contribution.objects.filter(person=person).values_list("month", flat=True))
        self.this_month = month_start(today())

    def __contains__(self, month: dt.date) -> bool:
        return (month <= self.this_month and month not in self.paid
                and status_from_periods(self.periods, month).status == SUSPENDED)

    def run(self, first: dt.date, last: dt.date) -> int:
        """The length of the break around first..last (all gaps): the gap months before and after."""
        count = len(_months(first, last))
        month = add_months(first, -1)
        while month in self:
            count, month = count + 1, add_months(month, -1)
        month = add_months(last, 1)
        while month in self:
            count, month = count + 1, add_months(month, 1)
        return count


def _not_allowed(message, **details) -> Refused:
    return Refused("back_payment_not_allowed", message, details=details)


def _too_long(run: int, limit: int) -> Refused:
    return _not_allowed(
        _("A break of %(run)d months is longer than the %(months)d months that can be back-paid.")
        % {"run": run, "months": limit}, gap_months=run, max_gap_months=limit)


def _late_fee(person: Person, months, rate: Decimal, on: dt.date) -> Decimal:
    """A unit's late fee (SIL Art. 86): the daily rate on each month's arrears (the whole
    premium: the unit withholds and pays the employee's share, Art. 60) from the day after it
    fell due to `on`. A flexible worker pays no late fee."""
    if person.category != Category.EMPLOYEE or person.unit_id is None:
        return Decimal("0.00")
    fee = Decimal("0")
    for month, premium in months:
        days = max((on - premium_due_date(month)).days, 0)
        fee += premium * rate * days
    return fee.quantize(CENT, rounding=ROUND_HALF_UP)


def back_payment_quote(*, person: Person, from_month: dt.date, to_month: dt.date, strict: bool = True) -> Quote:
    """What paying from_month..to_month afterwards costs; with `strict`, a request the policy
    does not allow is refused (422 `back_payment_not_allowed`)."""
    first, last = month_start(from_month), month_start(to_month)
    _pv, policy = policy_in_force(region=person.region)
    limit = policy.back_payment.max_gap_months
    if last < first:
        raise Refused("invalid_dates", _("The last month is before the first."), details={"field": "to_month"})
    if last > month_start(today()):
        raise _not_allowed(_("Months in the future cannot be back-paid."), month=f"{last:%Y-%m}")
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    if strict and count > limit:  # longer than any break that may be back-paid: not looked at further
        raise _too_long(count, limit)
    gaps = Gaps(person)
    months = _months(first, last)
    missing = [m for m in months if m not in gaps]
    if missing:
        raise _not_allowed(
            _("Only months in which the insurance was stopped and nothing was paid can be back-paid."),
            months=[f"{m:%Y-%m}" for m in missing])
    run = gaps.run(first, last)
    if strict and run > limit:
        raise _too_long(run, limit)
    premiums = []
    for month in months:
        _base, employer, employee, _label = contribution_shares(person=person, month=month)
        premiums.append((month, employer + employee))
    amount = sum((p for _m, p in premiums), Decimal("0.00"))
    fee = _late_fee(person, premiums, policy.back_payment.late_fee_daily_rate, today())
    return Quote(tuple(months), amount, fee, run, 0 < run <= limit, limit)


def _parse_month(value: str, field: str) -> dt.date:
    try:
        year, month = value.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return dt.date(int(year), int(month), 1)
    except (ValueError, AttributeError) as exc:
        raise Refused("invalid_month", _("Write a month as YYYY-MM."), details={"field": field}) from exc


def back_payment_request(*, actor, person_id, from_month: str, to_month: str) -> BackPayment:
    """The bill for paying the months afterwards (status `due`): for an officer of the person's
    region, the person, or their unit (anyone else: 404)."""
    require_role(actor, Role.ADMIN, Role.OFFICER, Role.INDIVIDUAL, Role.UNIT_AGENT)
    person = get_visible(persons_visible_to(actor), person_id, _("No such insured person."))
    first, last = _parse_month(from_month, "from_month"), _parse_month(to_month, "to_month")
    quote = back_payment_quote(person=person, from_month=first, to_month=last)
    with write_gate(), transaction.atomic():
        bill = BackPayment.objects.create(
            person=person, region_id=person.region_id, unit_id=person.unit_id, from_month=first, to_month=last,
            amount=quote.amount, late_fee=quote.late_fee, requested_by=actor,
        )
        audit_record(actor=actor, action="back_payment.request", target=bill, data={
            "from": f"{first:%Y-%m}", "to": f"{last:%Y-%m}", "amount": str(quote.amount),
            "late_fee": str(quote.late_fee)})
    return bill


def back_payments_visible_to(user):
    return BackPayment.objects.filter(person__in=persons_visible_to(user).values("pk"))


def _lift_waiting(person_id: int, months, actor) -> list[int]:
    """Clear the waiting period of every ended stop whose gap includes some of `months` (just
    paid) and whose gap months are now all paid."""
    paid = set(Contribution.objects.filter(person_id=person_id).values_list("month", flat=True))
    lifted = []
    for stop in Suspension.objects.filter(person_id=person_id, benefits_from__isnull=False, end_date__isnull=False,
                                          terminating=False):
        first = month_start(stop.start_date) if stop.start_date.day == 1 else add_months(month_start(stop.start_date), 1)
        gap = _months(first, stop.end_date)
        if set(gap) & set(months) and all(m in paid for m in gap):
            Suspension.objects.filter(pk=stop.pk).update(benefits_from=None)
            audit_record(actor=actor, action="suspension.waiting_lifted", target=stop,
                         data={"was": stop.benefits_from.isoformat()})
            lifted.append(stop.pk)
    return lifted


def back_payment_pay(*, actor, back_payment_id) -> BackPayment:
    """Record that a back-payment was paid (officers of its region): its months count as
    insured, the account is credited, a waiting period after the break is lifted and, where
    the policy says so, care in those months settles. Paid already, or a month paid meanwhile
    by another bill: 409."""
    require_role(actor, Role.OFFICER, message=_("Only an officer records a back-payment as paid."))
    bill = get_visible(back_payments_visible_to(actor), back_payment_id, _("No such back-payment."))
    with write_gate(), transaction.atomic():
        person_lock(bill.person_id)
        bill = BackPayment.objects.select_related("person", "person__region").get(pk=bill.pk)
        if bill.status == BackPayment.PAID:
            raise Conflict("already_paid", _("This back-payment is already recorded as paid."))
        person = bill.person
        months = _months(bill.from_month, bill.to_month)
        if Contribution.objects.filter(person=person, month__in=months).exists():
            raise Conflict("already_paid", _("Some of these months are already paid."))
        on = today()
        for month in months:
            base, employer, employee, label = contribution_shares(person=person, month=month)
            contribution = Contribution.objects.create(
                person=person, month=month, unit=person.unit, base=base, employer_amount=employer,
                employee_amount=employee, policy_version=label)
            credit_month(contribution=contribution, kind=AccountEntry.BACK_PAYMENT, on=on)
        _pv, policy = policy_in_force(region=person.region)
        bill.status, bill.paid_by, bill.paid_at = BackPayment.PAID, actor, timezone.now()
        bill.restores_care = policy.back_payment.restores_care_in_gap
        bill.save(update_fields=["status", "paid_by", "paid_at", "restores_care"])
        lifted = _lift_waiting(person.pk, months, actor)
        audit_record(actor=actor, action="back_payment.paid", target=bill, data={
            "months": [f"{m:%Y-%m}" for m in months], "amount": str(bill.amount), "late_fee": str(bill.late_fee),
            "restores_care": bill.restores_care, "waiting_lifted": lifted})
    return bill


def gap_offer(*, person: Person) -> Quote | None:
    """For the person's current or latest stop: what back-paying its gap months would cost,
    shown before anyone asks (None when the stop has no unpaid gap month)."""
    stop = (Suspension.objects.filter(person=person, terminating=False, start_date__lte=today())
            .order_by("-start_date").first())
    if stop is None:
        return None
    gaps = Gaps(person)
    end = min(stop.end_date or today(), today())
    months = [m for m in _months(stop.start_date, end) if m in gaps]
    if not months:
        return None
    first = months[-1]  # the last unbroken run of gap months
    while add_months(first, -1) in months:
        first = add_months(first, -1)
    return back_payment_quote(person=person, from_month=first, to_month=months[-1], strict=False)
