"""What follows a change to a user, whichever way it is made (a service, the admin, a command):

- a new password or a deactivation ends every API token of the user (sessions signed with the
  old password end by Django's session hash; an inactive user's sessions authenticate no more);
- a user created, or a change to what they may do (role, binding, staff, superuser, active),
  leaves one audit event naming who did it;
- every sign-in, failed sign-in and lockout (the page, the admin, the API's token request)
  leaves one audit event with the client's address, never the password.

The actor is the user a service names (`user._actor`), else the signed-in user of the request
in hand (`acting_user`, set by accounts.middleware.SessionLimits)."""

from __future__ import annotations

import contextvars
import time

from medpause.accounts.models import User
from medpause.audit.services import audit_record
from medpause.common.clientip import client_ip

# What a user may do: a change to any of these is audited.
POWERS = ("role", "region_id", "person_id", "unit_id", "institution_name", "is_staff", "is_superuser", "is_active")

SIGNED_IN_AT, LAST_SEEN = "medpause_signed_in_at", "medpause_last_seen"  # in the session

_acting: contextvars.ContextVar[User | None] = contextvars.ContextVar("medpause_acting_user", default=None)


def acting_user_bind(user) -> contextvars.Token:
    return _acting.set(user if getattr(user, "is_authenticated", False) else None)


def acting_user_unbind(token: contextvars.Token) -> None:
    _acting.reset(token)


def _actor(instance):
    return getattr(instance, "_actor", None) or _acting.get()


def user_before_save(instance: User, **kwargs) -> None:
    """Remember what the user could do before this save, to compare after it."""
    if instance.pk is None:
        instance._powers_before = None
        return
    instance._powers_before = User.objects.filter(pk=instance.pk).values(*POWERS).first()


def user_after_save(instance: User, created: bool, update_fields=None, **kwargs) -> None:
    from medpause.accounts.services import user_tokens_end

    actor = _actor(instance)
    before = getattr(instance, "_powers_before", None)
    if created:
        audit_record(actor=actor, action="user.create", target=instance,
                     data={"role": instance.role, "is_staff": instance.is_staff,
                           "is_superuser": instance.is_superuser})
    elif before is not None:
        changes = {name: [before[name], getattr(instance, name)] for name in POWERS
                   if before[name] != getattr(instance, name)}
        if changes:
            audit_record(actor=actor, action="user.powers_change", target=instance, data={"changes": changes})
        if before["is_active"] and not instance.is_active:
            user_tokens_end(user_id=instance.pk, actor=actor, reason="deactivated")
    if not created and getattr(instance, "_password", None) is not None:
        audit_record(actor=actor, action="user.password_change", target=instance)
        user_tokens_end(user_id=instance.pk, actor=actor, reason="password_change")
    instance._powers_before = None


def session_started(request) -> None:
    """At sign-in: the clocks of the session's limits start (accounts.middleware.SessionLimits)."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now


def channel_of(request) -> str:
    path = getattr(request, "path", "") or ""
    return "admin" if path.startswith("/admin/") else "api" if path.startswith("/api/") else "page"


def _sign_in_data(request, **extra) -> dict:
    return {"ip": client_ip(request) if request is not None else "", "channel": channel_of(request), **extra}


def signed_in(sender, request, user, **kwargs) -> None:
    session_started(request)
    audit_record(actor=user, action="auth.sign_in", target=user, data=_sign_in_data(request))


def sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    """A failed sign-in: the user name tried (the target when it exists) and the address."""
    username = str(credentials.get("username", ""))[:150]
    user = User.objects.filter(username=username).only("pk").first()
    target = user if user is not None else (User._meta.label_lower, "")
    locked = bool(getattr(request, "axes_locked_out", False))
    audit_record(actor=None, action="auth.sign_in_failed", target=target,
                 data=_sign_in_data(request, username=username, locked_out=locked))
