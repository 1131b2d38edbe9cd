"""Transfers between regions (转移接续): request, send, receive, refuse, read (docs/api.md)."""

from __future__ import annotations

from typing import Literal

from ninja import Path, Router, Schema, Status
from pydantic import Field

from medpause.accounts.permissions import BUREAU, CASEWORK, require_role
from medpause.api.errors import errors
from medpause.api.pdf import PDF_OPENAPI, pdf_response
from medpause.api.schemas import Day, Id, Input, Money, ObjectId, RegionCode, Timestamp
from medpause.audit.services import audit_read
from medpause.policy.selectors import policy_in_force, transfer_working_days
from medpause.transfers import services
from medpause.transfers.selectors import transfer_get, working_days_left
from medpause.transfers.states import allowed_actions

router = Router(tags=["transfers"])

TransferStatus = Literal["requested", "sent", "received", "refused"]


class TransferIn(Input):
    person_id: Id
    to_region: RegionCode
    date: Day = Field(description="the first day insured in the new region; cover in the old one ends the day before")


class RefuseIn(Input):
    reason: str = Field(min_length=1, max_length=1000)


class Created(Schema):
    id: int
    status: TransferStatus


class Side(Schema):
    region: str
    due: Day | None = Field(description="the deadline of this side (working days from the policy)")
    working_days: int = Field(description="the policy's working days for this side")
    working_days_left: int | None = Field(description="from today to the deadline; negative once passed")


class TransferOut(Schema):
    id: int
    person_id: int
    status: TransferStatus
    date: Day
    from_region: str
    to_region: str
    requested_at: Timestamp
    sent_at: Timestamp | None
    received_at: Timestamp | None
    out: Side
    in_: Side = Field(alias="in")
    benefits_from: Day | None
    balance_moved: Money | None
    refusal_reason: str
    actions: list[str]

    model_config = {"populate_by_name": True}


def _out(transfer) -> dict:
    out_days = transfer_working_days(policy=policy_in_force(region=transfer.from_region)[1])[0]
    in_days = transfer_working_days(policy=policy_in_force(region=transfer.to_region)[1])[1]
    open_ = transfer.status in ("requested", "sent")
    return {
        "id": transfer.pk, "person_id": transfer.person_id, "status": transfer.status, "date": transfer.date,
        "from_region": transfer.from_region.code, "to_region": transfer.to_region.code,
        "requested_at": transfer.requested_at, "sent_at": transfer.sent_at, "received_at": transfer.received_at,
        "out": {"region": transfer.from_region.code, "due": transfer.out_due, "working_days": out_days,
                "working_days_left": working_days_left(transfer.out_due)
                if transfer.status == "requested" else None},
        "in": {"region": transfer.to_region.code, "due": transfer.in_due, "working_days": in_days,
               "working_days_left": working_days_left(transfer.in_due) if open_ else None},
        "benefits_from": transfer.benefits_from, "balance_moved": transfer.balance_moved,
        "refusal_reason": transfer.refusal_reason, "actions": allowed_actions(transfer.status),
    }


@router.post("", response={201: Created, **errors(400, 401, 403, 404, 409, 422)}, summary="Request a transfer")
def transfer_create(request, payload: TransferIn):
    """The person, their unit or an officer of their region. 422 `same_region`,
    `not_transferable`, `invalid_dates`; 404 `unknown_region`; 409 `transfer_open`."""
    user = require_role(request.auth, *CASEWORK)
    transfer = services.transfer_request(actor=user, person_id=payload.person_id, to_region=payload.to_region,
                                         date=payload.date)
    return Status(201, {"id": transfer.pk, "status": transfer.status})


@router.get("/{transfer_id}", response={200: TransferOut, **errors(400, 401, 403, 404)}, by_alias=True,
            summary="A transfer")
def transfer_detail(request, transfer_id: Path[ObjectId]):
    """Status, dates and each side's deadline in working days (policy `[transfer]`)."""
    user = require_role(request.auth, *CASEWORK)
    return Status(200, _out(transfer_get(user=user, transfer_id=transfer_id)))


@router.post("/{transfer_id}/send", response={200: Created, **errors(400, 401, 403, 404, 409, 422)},
             summary="Transfer out")
def transfer_send(request, transfer_id: Path[ObjectId]):
    """An officer of the old region: cover there ends the day before `date`, the balance leaves."""
    user = require_role(request.auth, *BUREAU)
    transfer = services.transfer_send(actor=user, transfer_id=transfer_id)
    return Status(200, {"id": transfer.pk, "status": transfer.status})


@router.post("/{transfer_id}/receive", response={200: Created, **errors(400, 401, 403, 404, 409, 422)},
             summary="Take in")
def transfer_receive(request, transfer_id: Path[ObjectId]):
    """An officer of the new region: insured there from `date` with a new card, the balance
    arrives; after a break longer than the policy's limit, benefits wait."""
    user = require_role(request.auth, *BUREAU)
    transfer = services.transfer_receive(actor=user, transfer_id=transfer_id)
    return Status(200, {"id": transfer.pk, "status": transfer.status})


@router.post("/{transfer_id}/refuse", response={200: Created, **errors(400, 401, 403, 404, 409, 422)},
             summary="Refuse a transfer")
def transfer_refuse(request, transfer_id: Path[ObjectId], payload: RefuseIn):
    """An officer of either region, with a reason: the old place before sending, the new place
    before taking in (which gives the old place its cover and the balance back)."""
    user = require_role(request.auth, *BUREAU)
    transfer = services.transfer_refuse(actor=user, transfer_id=transfer_id, reason=payload.reason)
    return Status(200, {"id": transfer.pk, "status": transfer.status})


@router.get("/{transfer_id}/sheet.pdf", response=errors(400, 401, 403, 404, 409), openapi_extra=PDF_OPENAPI,
            summary="The information sheet (PDF)")
def transfer_sheet(request, transfer_id: Path[ObjectId]):
    """The basic medical insurance information sheet the old place issues when it sends (409
    `not_sent` before), with its verification code; the ID number masked for all but the bureau."""
    user = require_role(request.auth, *CASEWORK)
    transfer = transfer_get(user=user, transfer_id=transfer_id)
    from medpause.printing import transfer_sheet_pdf  # reportlab loads on first use

    data = transfer_sheet_pdf(transfer=transfer, viewer=user, base_url=request.build_absolute_uri("/"))
    audit_read(user, "transfer.sheet", transfer.person, transfer=transfer.pk, channel="api")
    return pdf_response(data, f"transfer-{transfer.pk}.pdf")
