"""Bearer tokens (accounts.services). The role gate of each endpoint is
medpause.accounts.permissions.require_role, called with `request.auth`."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from medpause.accounts.services import token_authenticate


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

