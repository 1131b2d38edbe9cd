from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from medpause.accounts.models import Role
from medpause.accounts.permissions import require_role
from medpause.audit.services import audit_record
from medpause.cases.services.locking import person_lock
from medpause.common.dates import month_start, today
from medpause.common.db import write_gate
from medpause.common.errors import Conflict, Refused
from medpause.common.replica import primary_reads
from medpause.coverage.account import balance_of, credit_month, debit_settlement
from medpause.coverage.models import Settlement
from medpause.coverage.selectors import (
    REFUSAL_CODES,
    SUSPENDED,
    TERMINATED,
    UNKNOWN,
    WAITING,
    CoverageStatus,
    card_status_on,
    eligibility,
    first_insured_on,
    insured_on,
)
from medpause.policy.selectors import policy_in_force
from medpause.registry.models import Contribution, Person
from medpause.registry.selectors import employment_on
from medpause.registry.services import contribution_shares

INSUFFICIENT_BALANCE = "insufficient_balance"
REFUSAL_MESSAGES = {
    "card_suspended": _("The card is suspended on that date: medical expenses cannot be settled."),
    "card_terminated": _("The insurance behind this card has ended: medical expenses cannot be settled."),
    "waiting_period": _("Benefits are in a waiting period after a break: settlement is possible from %(date)s."),
    "unknown_card": _("No card with this number is known."),
    INSUFFICIENT_BALANCE: _("The personal account's balance does not cover this amount."),
}


def refusal_message(code: str, benefits_from: dt.date | None = None):
    message = REFUSAL_MESSAGES[code]
    if code == "waiting_period":
        return message % {"date": benefits_from.isoformat() if benefits_from else "?"}
    return message


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise Refused("invalid_amount", _("Enter an amount in yuan, e.g. 123.45."), details={"field": "amount"}) from exc
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("10000000000") or amount != amount.quantize(Decimal("0.01")):
        raise Refused("invalid_amount", _("Enter an amount in yuan, e.g. 123.45."), details={"field": "amount"})
    return amount


def _same_request(existing: Settlement, *, card_number: str, date: dt.date, amount, fund: str) -> bool:
    """Whether a repeated institution_reference comes with the first request's card, date,
    amount and fund (the same sum: "12.5" and "12.50" are one amount)."""
    try:
        same_amount = Decimal(str(amount)) == existing.amount
    except (InvalidOperation, ValueError):
        same_amount = False
    return existing.card_number == card_number and existing.date == date and same_amount and existing.fund == fund


def _reused(existing: Settlement) -> Refused:
    return Refused(
        "idempotency_key_reused",
        _("This reference was already used for another settlement (another card, date, amount or fund). "
          "Use a new reference for a new settlement."),
        details={"institution_reference": existing.institution_reference, "settlement_id": existing.pk},
    )


def _care_date_refused(day: dt.date, first_day: dt.date | None = None, *, future: bool) -> Refused:
    if future:
        message = _("The date of care is after today (China Standard Time): care is settled once given.")
    else:
        message = _("The date of care is before the person was first insured (from %(date)s).") % {
            "date": first_day.isoformat()}
    details = {"field": "date", "date": day.isoformat()}
    if first_day is not None:
        details["first_insured_on"] = first_day.isoformat()
    return Refused("invalid_care_date", message, details=details)


def _fund(value) -> str:
    if value not in Settlement.FUNDS:
        raise Refused("invalid_fund", _("The fund is either pooled or personal_account."), details={"field": "fund"})
    return value


def _account_refusal(*, person_id: int, status: CoverageStatus, day: dt.date) -> str:
    """Care paid from the personal account: "" where it may be paid (the balance is checked
    under the person's lock), else the refusal code. The account pays while the card is active;
    during a stop or a waiting period only where the region's policy keeps it usable
    (`usable_during_stop`); never once the insurance has ended."""
    if status.status in (TERMINATED, UNKNOWN):
        return REFUSAL_CODES[status.status]
    if status.status in (SUSPENDED, WAITING):
        person = Person.objects.select_related("region").get(pk=person_id)
        _pv, policy = policy_in_force(region=person.region, on=day)
        if not policy.personal_account.usable_during_stop:
            return REFUSAL_CODES[status.status]
    return ""


def _settle(*, institution, reference, number, card, date, value, fund, status) -> Settlement:
    """Record the settlement (and, from the account, its debit) in one transaction. From the
    account, the person's row is locked first (ADR 0014), so two settlements racing for one
    balance are decided one after the other and the second sees the first's debit."""
    if fund == Settlement.PERSONAL_ACCOUNT and card is not None:
        code = _account_refusal(person_id=card.person_id, status=status, day=date)
    else:
        code = REFUSAL_CODES.get(status.status, "")
    with write_gate(), transaction.atomic():
        region_id = None
        if fund == Settlement.PERSONAL_ACCOUNT and not code:
            person_lock(card.person_id)
            region_id = Person.objects.values_list("region_id", flat=True).get(pk=card.person_id)
            if balance_of(person_id=card.person_id) < value:
                code = INSUFFICIENT_BALANCE
        settlement = Settlement.objects.create(
            institution=institution, institution_reference=reference, card_number=number,
            person_id=card.person_id if card else None, date=date, amount=value, fund=fund,
            status=Settlement.REFUSED if code else Settlement.ACCEPTED, refusal_code=code,
            benefits_from=status.benefits_from if code in ("waiting_period", "") else None,
        )
        if region_id is not None and not code:
            debit_settlement(person_id=card.person_id, region_id=region_id, settlement_id=settlement.pk,
                             amount=value, on=date)
        audit_record(
            actor=institution, action="settlement.create", target=settlement,
            data={"status": settlement.status, "code": settlement.refusal_code, "date": date.isoformat(),
                  "amount": str(value), "reference": reference, "fund": fund},
        )
    return settlement


def settlement_create(
    *, institution, card_number: str, date: dt.date, amount, institution_reference: str,
    fund: str = Settlement.POOLED,
) -> tuple[Settlement, bool]:
    """Settle an expense dated `date` from the pooled fund or the personal account, or refuse
    it with the card's status (`insufficient_balance` when the account does not cover it).
    Idempotent per (institution, reference): an identical repeat returns the first answer; the
    same reference with another card, date, amount or fund is refused (`idempotency_key_reused`).
    Care dated after today or before the person was first insured is refused
    (`invalid_care_date`); neither refusal is stored. Returns (settlement, created)."""
    require_role(institution, Role.INSTITUTION, message=_("Only a medical institution can settle expenses."))
    reference = (institution_reference or "").strip()
    if not reference or len(reference) > 64:
        raise Refused(
            "invalid_reference", _("Give your own reference for this settlement (at most 64 characters)."),
            details={"field": "institution_reference"},
        )
    number = (card_number or "").strip()
    fund = _fund(fund)
    existing = Settlement.objects.filter(institution=institution, institution_reference=reference).first()
    if existing is not None:
        if _same_request(existing, card_number=number, date=date, amount=amount, fund=fund):
            return existing, False
        raise _reused(existing)
    value = _amount(amount)
    if date > today():
        raise _care_date_refused(date, future=True)
    with primary_reads():  # deciding on the card's status: never a replica's slightly older view
        card, status = eligibility(card_number=number, day=date)
    if card is not None and not insured_on(card=card, day=date):
        raise _care_date_refused(date, first_insured_on(card=card), future=False)
    try:
        settlement = _settle(institution=institution, reference=reference, number=number, card=card, date=date,
                             value=value, fund=fund, status=status)
    except IntegrityError:  # the same reference raced in from a second request
        existing = Settlement.objects.get(institution=institution, institution_reference=reference)
        if _same_request(existing, card_number=number, date=date, amount=value, fund=fund):
            return existing, False
        raise _reused(existing) from None
    return settlement, True


@transaction.atomic
def contribution_record(*, person: Person, month: dt.date, actor=None) -> Contribution:
    """Record the month's premium. Refused for a month the person was not covered (suspended
    or terminated on the month's first day). The unit is the one employing the person on the
    month's first day (none for a flexible worker then), as the shares are."""
    month = month_start(month)
    if person.retired:
        raise Conflict("retired", _("A retired person pays no further contributions."))
    status = card_status_on(person=person, day=month)
    if status.status in (SUSPENDED, TERMINATED):
        raise Conflict("not_covered", _("No contribution is due for a month the insurance was stopped."))
    base, employer, employee, label = contribution_shares(person=person, month=month)
    period = employment_on(person=person, day=month)
    unit_id = period.unit_id if period is not None else person.unit_id
    contribution, created = Contribution.objects.get_or_create(
        person=person, month=month,
        defaults={
            "unit_id": unit_id, "base": base, "employer_amount": employer, "employee_amount": employee,
            "policy_version": label,
        },
    )
    if created:
        credit_month(contribution=contribution)
        audit_record(
            actor=actor, action="contribution.record", target=contribution,
            data={"month": month.isoformat(), "employer": str(employer), "employee": str(employee)},
        )
    return contribution
