"""Coverage (institutions): a card's eligibility on a date, and settlement of expenses."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from medpause.accounts.models import Role
from medpause.accounts.permissions import require_role
from medpause.api.errors import ErrorOut, error_body, errors
from medpause.api.schemas import CardStatus, Day, Input, Money, MoneyIn
from medpause.common.dates import today
from medpause.coverage.selectors import eligibility
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


class SettlementIn(Input):
    card_number: str = CardNumber
    date: Day
    amount: MoneyIn
    institution_reference: str = Field(min_length=1, max_length=64, description="your own reference; idempotency key")


class SettlementOut(Schema):
    id: int
    status: str = Field(examples=["accepted"])
    institution_reference: str
    card_number: str
    date: Day
    amount: Money


@router.get("/eligibility", response={200: EligibilityOut, **errors(400, 401, 403)}, summary="Eligibility on a date")
def eligibility_check(request, query: Query[EligibilityQuery]):
    """Institutions (and admins). No personal data in the answer: an unknown card is
    `status: unknown`."""
    require_role(request.auth, Role.INSTITUTION, Role.ADMIN)
    day = query.date or today()
    _card, status = eligibility(card_number=query.card_number, day=day)
    return Status(200, {
        "card_number": query.card_number, "date": day, "eligible": status.eligible, "status": status.status,
        "benefits_from": status.benefits_from,
    })


@router.post(
    "/settlements",
    response={201: SettlementOut, 409: ErrorOut, **errors(400, 401, 403, 422)},
    summary="Settle an expense",
    openapi_extra={"responses": {status: {"headers": {"Idempotent-Replayed": REPLAYED}} for status in (201, 409)}},
)
def settlement(request, payload: SettlementIn, response: HttpResponse):
    """Institutions only. Accepted: 201. Refused: 409 with `card_suspended`,
    `card_terminated`, `waiting_period` or `unknown_card`. Idempotent per
    `institution_reference`: a repeat returns the first answer again (201 with the same body,
    or the same 409), with the header `Idempotent-Replayed: true`, and never settles twice."""
    user = require_role(request.auth, Role.INSTITUTION)
    settled, created = settlement_create(
        institution=user, card_number=payload.card_number, date=payload.date, amount=payload.amount,
        institution_reference=payload.institution_reference,
    )
    if not created:
        response["Idempotent-Replayed"] = "true"
    if settled.status != "accepted":
        details = {"settlement_id": settled.pk, "institution_reference": settled.institution_reference}
        if settled.benefits_from:
            details["benefits_from"] = settled.benefits_from.isoformat()
        message = refusal_message(settled.refusal_code, settled.benefits_from)
        return Status(409, error_body(settled.refusal_code, message, details))
    return Status(201, {
        "id": settled.pk, "status": settled.status, "institution_reference": settled.institution_reference,
        "card_number": settled.card_number, "date": settled.date, "amount": settled.amount,
    })

