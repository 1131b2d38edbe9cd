"""Tokens: sign in for a bearer token, revoke it, see who it belongs to."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status
from ninja.throttling import AnonRateThrottle
from pydantic import Field

from medpause.accounts.models import Role
from medpause.accounts.services import token_login, token_revoke
from medpause.api.auth import bearer
from medpause.api.errors import errors
from medpause.api.schemas import Input
from medpause.common.errors import DomainError

router = Router(tags=["auth"])


class TokenIn(Input):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=4096)


class TokenOut(Schema):
    token: str
    role: Role
    expires_at: datetime


class MeOut(Schema):
    id: int
    username: str
    role: Role
    region: str | None
    person_id: int | None
    unit_id: int | None
    institution_name: str


# Guessing passwords is slowed down: this many sign-ins a minute from one address, then 429
# `too_many_requests` with Retry-After.
SIGN_IN_RATE = "30/m"


@router.post(
    "/token", auth=None, throttle=[AnonRateThrottle(SIGN_IN_RATE)], response={200: TokenOut, **errors(400, 401, 429)},
    summary="Get a bearer token",
)
def token(request, payload: TokenIn):
    """Exchange a username and password for a bearer token. Bad credentials answer 401; after
    5 failures for one user name from one address, that pair answers 429 `too_many_attempts`
    for 15 minutes (the sign-in page counts the same failures); more than 30 attempts a minute
    from one address answer 429 `too_many_requests`."""
    result = token_login(request=request, username=payload.username, password=payload.password)
    if result is None:
        raise DomainError("invalid_credentials", _("The username or the password is not correct."), status=401)
    raw, user, expires_at = result
    return Status(200, {"token": raw, "role": user.role, "expires_at": expires_at})


@router.post("/revoke", auth=bearer, response={204: None, **errors(401)}, summary="Revoke the token used")
def revoke(request):
    """Revoke the token this request was sent with; it no longer authenticates."""
    token_revoke(raw=request.api_token, actor=request.auth)
    return Status(204, None)


@router.get("/me", auth=bearer, response={200: MeOut, **errors(401)}, summary="Who the token belongs to")
def me(request):
    user = request.auth
    return Status(200, {
        "id": user.pk,
        "username": user.username,
        "role": user.role,
        "region": user.region.code if user.region_id else None,
        "person_id": user.person_id,
        "unit_id": user.unit_id,
        "institution_name": user.institution_name,
    })
