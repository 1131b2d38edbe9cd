"""Registry: units and insured persons (admin, officer; persons also to whom they concern)."""

from __future__ import annotations

from typing import Literal

from django.utils.translation import gettext_lazy as _
from ninja import Path, Router, Schema, Status
from pydantic import Field

from medpause.accounts.models import Role
from medpause.accounts.permissions import (
    BUREAU,
    CASEWORK,
    may_act_in_region,
    require_role,
    sees_full_id_numbers,
)
from medpause.api.errors import errors
from medpause.api.pdf import PDF_OPENAPI, pdf_response
from medpause.api.schemas import (
    CardStatus,
    Day,
    Id,
    Input,
    Money,
    MoneyIn,
    ObjectId,
    RegionCode,
    Timestamp,
    links,
)
from medpause.audit.services import audit_read
from medpause.cases.selectors import suspensions_of
from medpause.cases.services.employment import employment_start
from medpause.common.dates import today
from medpause.common.errors import Forbidden, NotFound
from medpause.common.masking import mask_id_number
from medpause.coverage.selectors import current_cover, period_state
from medpause.policy.selectors import region_get
from medpause.registry.selectors import (
    contributions_of,
    employments_of,
    person_by_id_number,
    person_get,
    person_to_employ,
    unit_get,
)
from medpause.registry.services import person_register, unit_register

units = Router(tags=["registry"])
persons = Router(tags=["registry"])

def _own_region(user, region) -> None:
    if not may_act_in_region(user, region):
        raise Forbidden("forbidden", _("Officers may register only in their own region."))


def _id_for(user, number: str) -> str:
    return number if sees_full_id_numbers(user) else mask_id_number(number)


# --- units -------------------------------------------------------------------------------


class UnitIn(Input):
    name: str = Field(min_length=1, max_length=200)
    uscc: str = Field(min_length=1, max_length=32, description="unified social credit code, 18 characters")
    region: RegionCode
    legal_representative_name: str = Field(min_length=1, max_length=100)
    legal_representative_id_number: str = Field(min_length=1, max_length=32)


class UnitOut(Schema):
    id: int
    name: str
    uscc: str
    region: str
    legal_representative_name: str
    legal_representative_id_number: str = Field(description="masked for every role but officer and admin")
    employees: int


def _unit_out(user, unit) -> dict:
    return {
        "id": unit.pk,
        "name": unit.name,
        "uscc": unit.uscc,
        "region": unit.region.code,
        "legal_representative_name": unit.legal_representative_name,
        "legal_representative_id_number": _id_for(user, unit.legal_representative_id_number),
        "employees": unit.employees.count(),
    }


@units.post(
    "", response={201: UnitOut, **errors(400, 401, 403, 404, 409, 422)}, summary="Register a unit",
    openapi_extra=links(201, "id", "unit_id", "unit_detail"),
)
def unit_create(request, payload: UnitIn):
    """Admin, or an officer for their own region. Invalid code or ID number: 422
    `invalid_uscc` / `invalid_id_number`; a code already registered: 409 `already_registered`."""
    user = require_role(request.auth, *BUREAU)
    region = region_get(code=payload.region)
    _own_region(user, region)
    unit = unit_register(
        name=payload.name, uscc=payload.uscc, region=region, legal_representative_name=payload.legal_representative_name,
        legal_representative_id_number=payload.legal_representative_id_number, actor=user,
    )
    return Status(201, _unit_out(user, unit))


@units.get("/{unit_id}", response={200: UnitOut, **errors(400, 401, 403, 404)}, summary="A unit")
def unit_detail(request, unit_id: Path[ObjectId]):
    """Admin, an officer of the unit's region, or the unit's own agent."""
    user = require_role(request.auth, *BUREAU, Role.UNIT_AGENT)
    return Status(200, _unit_out(user, unit_get(user=user, unit_id=unit_id)))


# --- persons -----------------------------------------------------------------------------


class PersonIn(Input):
    name: str = Field(min_length=1, max_length=100)
    id_number: str = Field(min_length=1, max_length=32, description="resident ID number, 18 characters")
    region: RegionCode
    category: Literal["employee", "flexible"]
    unit_id: Id | None = Field(None, description="required for employees")
    contribution_base: MoneyIn


class PersonOut(Schema):
    id: int
    name: str
    id_number: str = Field(description="masked (110105********002X) for every role but officer and admin")
    region: str
    category: Literal["employee", "flexible"]
    unit_id: int | None
    contribution_base: Money
    retired: bool
    card_number: str
    card_status: CardStatus
    scheduled_stop_from: Day | None = Field(
        description="the first day of a stop approved but not begun: the card works until the day before"
    )
    card_issued_on: Day


class LookupIn(Input):
    id_number: str = Field(min_length=1, max_length=32)


class ContributionOut(Schema):
    month: Day = Field(description="the month's first day")
    base: Money
    employer_amount: Money
    employee_amount: Money
    total: Money
    policy_version: str


class SuspensionOut(Schema):
    id: int
    start_date: Day
    end_date: Day | None = Field(description="last suspended day; null while suspended")
    state: Literal["scheduled", "current", "ended"] = Field(
        description="today: `scheduled` before its first day (the card still works), `current`, or `ended`"
    )
    planned_end_date: Day | None
    reason: str
    terminating: bool
    benefits_from: Day | None = Field(description="after a long break: benefits start again on this day")
    application_id: int | None = Field(description="the stop application that created it")
    resume_application_id: int | None
    created_at: Timestamp


class EmploymentIn(Input):
    unit_id: Id | None = Field(description="the unit taking the person on (增员); null: a flexible worker from then")
    start_date: Day = Field(description="the first day of the new employment (today at the latest)")
    id_number: str | None = Field(
        None, min_length=1, max_length=32,
        description="a unit's agent taking on a person who is not yet its employee gives their whole ID number",
    )


class EmploymentOut(Schema):
    unit_id: int | None
    category: Literal["employee", "flexible"]
    start_date: Day
    end_date: Day | None = Field(description="the last day of the period; null while it lasts")


class PersonToEmployOut(Schema):
    id: int
    name: str = Field(description="masked after its first character")
    id_number: str = Field(description="masked")
    region: str


def _person_out(user, person) -> dict:
    card = person.card
    cover = current_cover(person=person)
    return {
        "id": person.pk,
        "name": person.name,
        "id_number": _id_for(user, person.id_number),
        "region": person.region.code,
        "category": person.category,
        "unit_id": person.unit_id,
        "contribution_base": person.contribution_base,
        "retired": person.retired,
        "card_number": card.number,
        "card_status": cover.status,
        "scheduled_stop_from": cover.scheduled_from,
        "card_issued_on": card.issued_on,
    }


@persons.post(
    "", response={201: PersonOut, **errors(400, 401, 403, 404, 409, 422)}, summary="Register a person",
    openapi_extra=links(201, "id", "person_id", "person_detail", "person_contributions", "person_suspensions"),
)
def person_create(request, payload: PersonIn):
    """Admin, or an officer for their own region; a card is issued at once. Invalid ID
    number: 422 `invalid_id_number`; already registered: 409 `already_registered`."""
    user = require_role(request.auth, *BUREAU)
    region = region_get(code=payload.region)
    _own_region(user, region)
    unit = unit_get(user=user, unit_id=payload.unit_id) if payload.unit_id else None
    person = person_register(
        name=payload.name, id_number=payload.id_number, region=region, category=payload.category, unit=unit,
        contribution_base=payload.contribution_base, actor=user,
    )
    return Status(201, _person_out(user, person_get(user=user, person_id=person.pk)))


@persons.post("/lookup", response={200: PersonOut, **errors(400, 401, 403, 404)}, summary="Find a person by ID number")
def person_lookup(request, payload: LookupIn):
    """The ID number travels in the body, never in the address. Admin, officers (their
    region) and unit agents (their employees); anyone else not visible: 404."""
    user = require_role(request.auth, *BUREAU, Role.UNIT_AGENT)
    person = person_by_id_number(user=user, id_number=payload.id_number)
    audit_read(user, "person.lookup", person or ("registry.person", ""), id_number=payload.id_number,
               found=person is not None, channel="api")
    if person is None:
        raise NotFound("not_found", _("No such insured person."))
    return Status(200, _person_out(user, person))


@persons.post(
    "/lookup-to-employ", response={200: PersonToEmployOut, **errors(400, 401, 403, 404)},
    summary="Find a person to take on (增员) by ID number",
)
def person_lookup_to_employ(request, payload: LookupIn):
    """A unit's agent finds a person of the unit's region by their whole ID number (in the body,
    never in the address) to take them on: the answer is masked; then `POST
    /persons/{id}/employment` with the same `id_number`. Audited; unknown: 404."""
    user = require_role(request.auth, Role.UNIT_AGENT)
    person = person_to_employ(user=user, id_number=payload.id_number)
    audit_read(user, "person.lookup", person or ("registry.person", ""), id_number=payload.id_number,
               found=person is not None, channel="api", purpose="employ")
    if person is None:
        raise NotFound("not_found", _("No such insured person."))
    return Status(200, {
        "id": person.pk, "name": person.name[:1] + "*" * (len(person.name) - 1),
        "id_number": mask_id_number(person.id_number), "region": person.region.code,
    })


def _employment_out(period) -> dict:
    return {"unit_id": period.unit_id, "category": period.category, "start_date": period.start_date,
            "end_date": period.end_date}


@persons.post(
    "/{person_id}/employment", response={201: list[EmploymentOut], **errors(400, 401, 403, 404, 409, 422)},
    summary="Record a new employment (增员) or becoming a flexible worker",
)
def person_employment_start(request, person_id: Path[ObjectId], payload: EmploymentIn):
    """The new unit's agent (for itself; a person not yet its employee is reached with their
    `id_number`), or an officer of the person's region. The period in force the day before ends;
    an open resumable stop ends the day before too, recorded as a resumption through employment.
    Answers the person's periods, oldest first."""
    user = require_role(request.auth, *BUREAU, Role.UNIT_AGENT)
    unit = unit_get(user=user, unit_id=payload.unit_id) if payload.unit_id is not None else None
    person = person_to_employ(user=user, person_id=person_id, id_number=payload.id_number)
    if person is None:
        raise NotFound("not_found", _("No such insured person."))
    employment_start(person=person, unit=unit, start_date=payload.start_date, actor=user, id_number=payload.id_number)
    return Status(201, [_employment_out(p) for p in employments_of(person=person)])


@persons.get(
    "/{person_id}/employment", response={200: list[EmploymentOut], **errors(400, 401, 403, 404)},
    summary="Employment periods",
)
def person_employment(request, person_id: Path[ObjectId]):
    user = require_role(request.auth, *CASEWORK)
    person = person_get(user=user, person_id=person_id)
    return Status(200, [_employment_out(p) for p in employments_of(person=person)])


@persons.get("/{person_id}", response={200: PersonOut, **errors(400, 401, 403, 404)}, summary="A person")
def person_detail(request, person_id: Path[ObjectId]):
    user = require_role(request.auth, *CASEWORK)
    person = person_get(user=user, person_id=person_id)
    if sees_full_id_numbers(user):  # the answer carries the whole ID number
        audit_read(user, "person.view", person, channel="api")
    return Status(200, _person_out(user, person))


@persons.get(
    "/{person_id}/contributions", response={200: list[ContributionOut], **errors(400, 401, 403, 404)},
    summary="Monthly contributions",
)
def person_contributions(request, person_id: Path[ObjectId]):
    """Employer and employee shares per month (flexible workers: employer 0.00)."""
    user = require_role(request.auth, *CASEWORK)
    person = person_get(user=user, person_id=person_id)
    return Status(200, [
        {
            "month": c.month, "base": c.base, "employer_amount": c.employer_amount,
            "employee_amount": c.employee_amount, "total": c.total, "policy_version": c.policy_version,
        }
        for c in contributions_of(person=person)
    ])


@persons.get(
    "/{person_id}/suspensions", response={200: list[SuspensionOut], **errors(400, 401, 403, 404)},
    summary="Periods without benefits",
)
def person_suspensions(request, person_id: Path[ObjectId]):
    user = require_role(request.auth, *CASEWORK)
    person = person_get(user=user, person_id=person_id)
    day = today()
    return Status(200, [
        {
            "id": s.pk, "start_date": s.start_date, "end_date": s.end_date, "planned_end_date": s.planned_end_date,
            "state": period_state(start=s.start_date, end=s.end_date, day=day),
            "reason": s.reason, "terminating": s.terminating, "benefits_from": s.benefits_from,
            "application_id": s.stop_application_id, "resume_application_id": s.resume_application_id,
            "created_at": s.created_at,
        }
        for s in suspensions_of(user=user, person=person)
    ])


@persons.get(
    "/{person_id}/certificates/{kind}.pdf", response=errors(400, 401, 403, 404), openapi_extra=PDF_OPENAPI,
    summary="Certificate of participation or payment (PDF)",
)
def person_certificate(
    request, person_id: Path[ObjectId], kind: Path[Literal["participation", "payment"]]
):
    user = require_role(request.auth, *CASEWORK)
    person = person_get(user=user, person_id=person_id)
    from medpause.printing import certificate_pdf

    data = certificate_pdf(person=person, kind=kind, viewer=user, base_url=request.build_absolute_uri("/"))
    audit_read(user, "certificate.download", person, kind=kind, channel="api")
    return pdf_response(data, f"certificate-{kind}-{person.pk}.pdf")
