"""Bearer tokens (accounts.services) and the role gate of each endpoint."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer

from medpause.accounts.services import token_authenticate
from medpause.common.errors import Forbidden

ADMIN, OFFICER, INDIVIDUAL, UNIT_AGENT, INSTITUTION = "admin", "officer", "individual", "unit_agent", "institution"
ALL_ROLES = (ADMIN, OFFICER, INDIVIDUAL, UNIT_AGENT, INSTITUTION)
APPLICANT_ROLES = (ADMIN, OFFICER, INDIVIDUAL, UNIT_AGENT)


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>` from POST /api/v1/auth/token."""

    def authenticate(self, request: HttpRequest, token: str):
        token = (token or "").strip()
        if not token or len(token) > 200:
            return None
        user = token_authenticate(raw=token)
        if user is not None:
            request.api_token = token  # kept for POST /auth/revoke
        return user


bearer = BearerAuth()


def require_role(request: HttpRequest, *roles: str):
    """The signed-in user, if their role may use this endpoint at all; else 403 forbidden."""
    user = request.auth
    if getattr(user, "role", None) not in roles:
        raise Forbidden("forbidden", _("Your role may not do this."))
    return user
