"""Sessions end (ASVS V3.3): every signed-in session after MEDPAUSE_SESSION_HOURS from its
sign-in, whatever happens in between; an officer's or an administrator's also after
MEDPAUSE_IDLE_MINUTES without a request. The visitor is signed out and sent to sign in again.

The middleware also names the signed-in user of the request in hand for the audit events of
accounts.signals (`acting_user_bind`)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

from medpause.accounts.models import Role
from medpause.accounts.signals import LAST_SEEN, SIGNED_IN_AT, acting_user_bind, acting_user_unbind

IDLE_ROLES = (Role.OFFICER, Role.ADMIN)
# why the last session ended, for the sign-in page to say (kept in the new, anonymous session)
ENDED_BECAUSE = "medpause.session_ended"
IDLE, TOO_LONG = "idle", "too_long"
# the last request's time is written at most this often (a session write per request is waste)
LAST_SEEN_GRANULARITY = 30


def watches_idle(user) -> bool:
    return user.role in IDLE_ROLES or user.is_staff or user.is_superuser


def session_expired(request, now: float) -> str:
    """Why the session is over ("too_long": past the absolute limit; "idle": an officer or an
    administrator idle too long), or "" while it goes on."""
    session, user = request.session, request.user
    started = session.get(SIGNED_IN_AT)
    if started is None:  # a session from before these limits: its clock starts now
        session[SIGNED_IN_AT] = started = now
    if now - started > settings.MEDPAUSE_SESSION_HOURS * 3600:
        return TOO_LONG
    if not watches_idle(user):
        return ""
    last = session.get(LAST_SEEN, started)
    if now - last > settings.MEDPAUSE_IDLE_MINUTES * 60:
        return IDLE
    if now - last >= LAST_SEEN_GRANULARITY or LAST_SEEN not in session:
        session[LAST_SEEN] = now
    return ""


class SessionLimits:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        ended = user is not None and user.is_authenticated and session_expired(request, time.time())
        if ended:
            logout(request)
            request.session[ENDED_BECAUSE] = ended
            return redirect_to_login(request.get_full_path())
        token = acting_user_bind(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            acting_user_unbind(token)
