"""Coverage (institutions): a card's eligibility on a date, for one card or many, and
settlement of expenses.

The answers are built by eligibility_body and settlement_answer, which the lean path of
GET /eligibility and POST /settlements (medpause.api.hot) uses too: both paths give the same
bodies, statuses and headers."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.responses import NinjaJSONEncoder
from pydantic import Field

from medpause.accounts.models import Role
from medpause.accounts.permissions import require_role
from medpause.api.errors import ErrorOut, error_body, errors
from medpause.api.schemas import CardStatus, Day, Input, Money, MoneyIn
from medpause.common.dates import today
from medpause.coverage.selectors import BULK_LIMIT, eligibility, eligibility_many
from medpause.coverage.services import refusal_message, settlement_create

router = Router(tags=["coverage"])

REPLAYED = {
    "description": "`true` when this answer repeats the first answer given to this institution_reference",
    "schema": {"type": "string", "enum": ["true"]},
}

CardNumber = Field(min_length=1, max_length=32, examples=["3100001234567890"])


class EligibilityQuery(Schema):
    card_number: str = CardNumber
    date: Day | None = Field(None, description="the day of care; today (China Standard Time) if omitted")


class EligibilityOut(Schema):
    card_number: str
    date: Day
    eligible: bool
    status: CardStatus
    benefits_from: Day | None = Field(description="in a waiting period: the first day benefits apply again")


Fund = Literal["pooled", "personal_account"]


class SettlementIn(Input):
    card_number: str = CardNumber
    date: Day
    amount: MoneyIn
    institution_reference: str = Field(min_length=1, max_length=64, description="your own reference; idempotency key")
    fund: Fund = Field("pooled", description="paid by the pooled fund (default) or the person's personal account")


class SettlementOut(Schema):
    id: int
    status: str = Field(examples=["accepted"])
    institution_reference: str
    card_number: str
    date: Day
    amount: Money
    fund: Fund


class BulkIn(Input):
    date: Day | None = Field(None, description="the day of care; today (China Standard Time) if omitted")
    card_numbers: list[Annotated[str, Field(min_length=1, max_length=32)]] = Field(
        min_length=1, description=f"1 to {BULK_LIMIT} card numbers; more answer 422 `too_many_cards`",
        examples=[["3100001234567890", "1100009876543210"]],
    )


class BulkResult(Schema):
    card_number: str
    eligible: bool
    status: CardStatus
    benefits_from: Day | None


class BulkOut(Schema):
    date: Day
    results: list[BulkResult] = Field(description="one answer per card asked, in the order asked")


def eligibility_body(card_number: str, day, status) -> dict:
    """The answer to one card: the card number as asked, no personal data."""
    return {
        "card_number": card_number, "date": day.isoformat(), "eligible": status.eligible, "status": status.status,
        "benefits_from": status.benefits_from.isoformat() if status.benefits_from else None,
    }


def bulk_result(card_number: str, status) -> dict:
    """One card of a bulk answer (BulkResult): the single answer without the shared date."""
    return {
        "card_number": card_number, "eligible": status.eligible, "status": status.status,
        "benefits_from": status.benefits_from.isoformat() if status.benefits_from else None,
    }


def settlement_answer(settled, created: bool) -> tuple[int, dict, dict]:
    """(status, body, extra headers) for a settlement, accepted (201) or refused (409)."""
    headers = {} if created else {"Idempotent-Replayed": "true"}
    if settled.status != "accepted":
        details = {"settlement_id": settled.pk, "institution_reference": settled.institution_reference}
        if settled.benefits_from:
            details["benefits_from"] = settled.benefits_from.isoformat()
        message = refusal_message(settled.refusal_code, settled.benefits_from)
        return 409, error_body(settled.refusal_code, message, details), headers
    return 201, {
        "id": settled.pk, "status": settled.status, "institution_reference": settled.institution_reference,
        "card_number": settled.card_number, "date": settled.date.isoformat(), "amount": f"{settled.amount:.2f}",
        "fund": settled.fund,
    }, headers


@router.get("/eligibility", response={200: EligibilityOut, **errors(400, 401, 403)}, summary="Eligibility on a date")
def eligibility_check(request, query: Query[EligibilityQuery]):
    """Institutions (and admins). No personal data in the answer: an unknown card is
    `status: unknown`."""
    require_role(request.auth, Role.INSTITUTION, Role.ADMIN)
    day = query.date or today()
    _card, status = eligibility(card_number=query.card_number, day=day)
    return Status(200, eligibility_body(query.card_number, day, status))


@router.post(
    "/eligibility/bulk", response={200: BulkOut, **errors(400, 401, 403, 422)}, summary="Eligibility of many cards"
)
def eligibility_bulk(request, payload: BulkIn):
    """Institutions (and admins): the status of up to 1,000 cards on one date, in the order
    asked; an unknown card is `status: unknown`. More than 1,000 answer 422 `too_many_cards`."""
    require_role(request.auth, Role.INSTITUTION, Role.ADMIN)
    day = payload.date or today()
    answers = eligibility_many(card_numbers=payload.card_numbers, day=day)
    body = {"date": day.isoformat(), "results": [bulk_result(number, status) for number, status in answers]}
    # Built from plain values already in BulkOut's shape (tests/api/test_bulk.py compares each
    # result with the single answer): not validated again, which would cost more than the query.
    return HttpResponse(json.dumps(body, cls=NinjaJSONEncoder), content_type="application/json; charset=utf-8")


@router.post(
    "/settlements",
    response={201: SettlementOut, 409: ErrorOut, **errors(400, 401, 403, 422)},
    summary="Settle an expense",
    openapi_extra={"responses": {status: {"headers": {"Idempotent-Replayed": REPLAYED}} for status in (201, 409)}},
)
def settlement(request, payload: SettlementIn, response: HttpResponse):
    """Institutions only. Accepted: 201. Refused: 409 with `card_suspended`,
    `card_terminated`, `waiting_period` or `unknown_card`; from the personal account
    (`fund: personal_account`), also during a stop where the region's policy keeps the account
    usable, while its balance covers the amount (else 409 `insufficient_balance`). Idempotent per
    `institution_reference`: a repeat returns the first answer again (201 with the same body,
    or the same 409), with the header `Idempotent-Replayed: true`, and never settles twice.
    The same reference with another card, date, amount or fund answers 422
    `idempotency_key_reused`; care dated after today (China Standard Time) or before the person
    was first insured answers 422 `invalid_care_date`."""
    user = require_role(request.auth, Role.INSTITUTION)
    settled, created = settlement_create(
        institution=user, card_number=payload.card_number, date=payload.date, amount=payload.amount,
        institution_reference=payload.institution_reference, fund=payload.fund,
    )
    status, body, headers = settlement_answer(settled, created)
    for name, value in headers.items():
        response[name] = value
    return Status(status, body)
