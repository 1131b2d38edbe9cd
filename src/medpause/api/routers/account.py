"""The personal account and back-payment (补缴): for an officer of the person's region, the
person, and their unit (anyone else: 404); recording a payment is an officer's."""

from __future__ import annotations

from typing import Literal

from ninja import Path, Router, Schema, Status
from pydantic import Field

from medpause.accounts.models import Role
from medpause.accounts.permissions import CASEWORK, require_role
from medpause.api.errors import errors
from medpause.api.schemas import Day, Input, Money, ObjectId
from medpause.coverage.account import account_get
from medpause.coverage.backpay import back_payment_pay, back_payment_request

router = Router(tags=["account"])

Month = Field(pattern=r"^[0-9]{4}-[0-9]{2}$", examples=["2025-03"], description="YYYY-MM")


class EntryOut(Schema):
    date: Day
    kind: Literal["contribution", "settlement", "transfer_in", "transfer_out", "back_payment"]
    amount: Money = Field(description="credits positive, debits negative")


class AccountOut(Schema):
    balance: Money
    entries: list[EntryOut] = Field(description="newest first")


class BackPaymentIn(Input):
    from_month: str = Month
    to_month: str = Month


class BackPaymentOut(Schema):
    id: int
    months: list[str]
    amount: Money
    late_fee: Money = Field(description="a unit's late fee (Social Insurance Law Art. 86); 0.00 for a person paying alone")
    status: Literal["due", "paid"]


class PaidOut(Schema):
    status: Literal["paid"]


@router.get("/persons/{person_id}/account", response={200: AccountOut, **errors(400, 401, 403, 404)},
            summary="The personal account")
def person_account(request, person_id: Path[ObjectId]):
    """The balance and every entry: contributions credited, settlements paid from it,
    back-paid months, transfers."""
    user = require_role(request.auth, *CASEWORK)
    _person, balance, entries = account_get(user=user, person_id=person_id)
    return Status(200, {"balance": balance, "entries": [
        {"date": e.date, "kind": e.kind, "amount": e.amount} for e in entries]})


def _months(bill) -> list[str]:
    months, year, month = [], bill.from_month.year, bill.from_month.month
    while (year, month) <= (bill.to_month.year, bill.to_month.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@router.post("/persons/{person_id}/back-payments", response={201: BackPaymentOut, **errors(400, 401, 403, 404, 422)},
             summary="Back-pay missed months")
def back_payment_create(request, person_id: Path[ObjectId], payload: BackPaymentIn):
    """The months from_month..to_month of a break in cover, with their amount from the
    contribution base and the region's rates and a unit's late fee: status `due`. 422
    `back_payment_not_allowed` for months already insured or in the future, or a break longer
    than the region's limit."""
    user = require_role(request.auth, *CASEWORK)
    bill = back_payment_request(actor=user, person_id=person_id, from_month=payload.from_month,
                                to_month=payload.to_month)
    return Status(201, {"id": bill.pk, "months": _months(bill), "amount": bill.amount, "late_fee": bill.late_fee,
                        "status": bill.status})


@router.post("/back-payments/{back_payment_id}/paid", response={200: PaidOut, **errors(400, 401, 403, 404, 409)},
             summary="Record a back-payment as paid")
def back_payment_paid(request, back_payment_id: Path[ObjectId]):
    """Officers of the person's region: the months count as insured, a waiting period after the
    break is lifted, and care in those months settles where the policy says so. Paid already:
    409 `already_paid`."""
    user = require_role(request.auth, Role.OFFICER)
    back_payment_pay(actor=user, back_payment_id=back_payment_id)
    return Status(200, {"status": "paid"})
