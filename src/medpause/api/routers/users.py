"""Users (admin): create a user bound to what their role needs."""

from __future__ import annotations

from ninja import Router, Schema, Status
from pydantic import Field

from medpause.accounts.models import Role
from medpause.accounts.permissions import require_role
from medpause.accounts.services import user_create
from medpause.api.errors import errors
from medpause.api.schemas import Id, Input, RegionCode
from medpause.policy.selectors import region_get
from medpause.registry.selectors import person_get, unit_get

router = Router(tags=["users"])


class UserIn(Input):
    username: str = Field(min_length=1, max_length=150, pattern=r"^[\w.@+-]+$")
    password: str = Field(min_length=1, max_length=4096)
    role: Role
    region: RegionCode | None = Field(None, description="officers: the region they serve")
    person_id: Id | None = Field(None, description="individuals: the insured person they are")
    unit_id: Id | None = Field(None, description="unit agents: the unit they act for")
    institution_name: str = Field("", max_length=200, description="institutions: the hospital's or pharmacy's name")


class UserOut(Schema):
    id: int
    username: str
    role: str


@router.post("", response={201: UserOut, **errors(400, 401, 403, 404, 409, 422)}, summary="Create a user")
def user_create_view(request, payload: UserIn):
    """Admin only. An officer needs `region`, an individual `person_id`, a unit agent `unit_id`,
    an institution `institution_name`."""
    actor = require_role(request.auth, Role.ADMIN)
    region = region_get(code=payload.region) if payload.region else None
    person = person_get(user=actor, person_id=payload.person_id) if payload.person_id else None
    unit = unit_get(user=actor, unit_id=payload.unit_id) if payload.unit_id else None
    user = user_create(
        username=payload.username, password=payload.password, role=payload.role, region=region, person=person,
        unit=unit, institution_name=payload.institution_name.strip(), actor=actor,
    )
    return Status(201, {"id": user.pk, "username": user.username, "role": user.role})
