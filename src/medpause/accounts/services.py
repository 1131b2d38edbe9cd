from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medpause.accounts.models import ApiToken, Role, User
from medpause.audit.services import audit_record
from medpause.common.clientip import client_ip
from medpause.common.errors import Conflict, NotFound, Refused, TooManyAttempts


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    region=None,
    person=None,
    unit=None,
    institution_name: str = "",
    actor: User | None = None,
) -> User:
    """Create a user bound to what their role needs: an officer to a region, an individual to
    a person, a unit agent to a unit, an institution to its name."""
    if role not in Role.values:
        raise Refused("invalid_role", _("Unknown role."), details={"role": role})
    needs = {
        Role.OFFICER: ("region", region),
        Role.INDIVIDUAL: ("person_id", person),
        Role.UNIT_AGENT: ("unit_id", unit),
        Role.INSTITUTION: ("institution_name", institution_name),
    }
    if role in needs and not needs[role][1]:
        field = needs[role][0]
        raise Refused("binding_required", _("This role needs %(field)s.") % {"field": field}, details={"field": field})
    try:
        validate_password(password, User(username=username))
    except ValidationError as exc:
        raise Refused("weak_password", " ".join(str(m) for m in exc.messages), details={"field": "password"}) from exc
    if User.objects.filter(username=username).exists():
        raise Conflict("username_taken", _("That username is already taken."))
    user = User(
        username=username,
        role=role,
        region=region if role == Role.OFFICER else None,
        person=person if role == Role.INDIVIDUAL else None,
        unit=unit if role == Role.UNIT_AGENT else None,
        institution_name=institution_name if role == Role.INSTITUTION else "",
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    user.set_password(password)
    user._actor = actor  # the "user.create" event's actor (accounts.signals)
    user.save()
    return user


def password_change(*, user: User, password: str, actor: User | None = None) -> User:
    """Set a new password (the validators of settings.AUTH_PASSWORD_VALIDATORS apply). Every API
    token of the user is revoked and every session signed with the old password ends
    (accounts.signals)."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise Refused("weak_password", " ".join(str(m) for m in exc.messages), details={"field": "password"}) from exc
    user.set_password(password)
    user._actor = actor
    user.save(update_fields=["password"])
    return user


def user_deactivate(*, user: User, actor: User | None = None) -> User:
    """The user may no longer sign in: their sessions and API tokens end (accounts.signals)."""
    user.is_active = False
    user._actor = actor
    user.save(update_fields=["is_active"])
    return user


def user_tokens_end(*, user_id: int, actor=None, reason: str) -> int:
    """Revoke every live API token of a user (password changed, deactivated), each audited."""
    tokens = list(ApiToken.objects.filter(user_id=user_id, revoked_at__isnull=True))
    if not tokens:
        return 0
    ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).update(revoked_at=timezone.now())
    hashes = [t.key_hash for t in tokens]
    transaction.on_commit(lambda: tokens_forget(key_hashes=hashes))
    tokens_forget(key_hashes=hashes)
    for t in tokens:
        audit_record(actor=actor, action="token.revoke", target=(User._meta.label_lower, user_id),
                     data={"prefix": t.prefix, "reason": reason})
    return len(tokens)


def token_issue(*, user: User) -> str:
    """A new bearer token for the user, valid MEDPAUSE_TOKEN_DAYS days; the raw token is
    returned once and never stored."""
    return token_create(user=user)[0]


def token_create(*, user: User) -> tuple[str, ApiToken]:
    """(the raw token, its row): see token_issue."""
    raw = "mp_" + secrets.token_urlsafe(32)
    expires_at = timezone.now() + dt.timedelta(days=settings.MEDPAUSE_TOKEN_DAYS)
    token = ApiToken.objects.create(user=user, key_hash=_hash(raw), prefix=raw[3:9], expires_at=expires_at)
    audit_record(actor=user, action="token.issue", target=user,
                 data={"prefix": raw[3:9], "expires_at": expires_at.isoformat()})
    return raw, token


def signin_retry_after() -> int:
    """Seconds a locked-out user name and address wait (the cool-off time)."""
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds()))


def token_login(*, request, username: str, password: str) -> tuple[str, User, dt.datetime] | None:
    """(a token, its user, when it expires) for a right user name and password, else None; a user name and client address
    locked out by sign-in throttling (settings.AXES_*) -> 429 `too_many_attempts`, whatever the
    password. `request` gives the client's address to the throttle and the audit trail."""
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise TooManyAttempts("too_many_attempts", _("Too many failed sign-ins. Try again later."),
                              retry_after=signin_retry_after())
    if user is None or not user.is_active:
        return None
    audit_record(actor=user, action="auth.sign_in", target=user,
                 data={"ip": client_ip(request) if request is not None else "", "channel": "api"})
    raw, token = token_create(user=user)
    return raw, user, token.expires_at


# --- the token cache -----------------------------------------------------------------------
# A token's user is kept for MEDPAUSE_TOKEN_CACHE_SECONDS in the "tokens" cache, keyed by the
# token's hash: a hospital's eligibility question then costs no token query. Revoking a token,
# changing a password, deactivating a user or changing their role or binding removes the
# entries at once: the keys are deleted (a shared cache server sees it everywhere), and, for the
# per-process cache, the epoch file in the data folder is touched, which every process of this
# machine checks (one stat) before trusting its cache. A direct database update that bypasses
# these services (QuerySet.update) takes effect within the cache's lifetime.

TOKEN_CACHE = "tokens"
STALE_LAST_USED_SECONDS = 300
_SENSITIVE = {"password", "is_active", "role", "region", "region_id", "person", "person_id", "unit", "unit_id",
              "institution_name", "username", "is_staff", "is_superuser"}
_seen_epoch: list[int | None] = [None]


def _user_fields() -> list[str]:
    """The user's columns kept in the cache: all but the password hash (left deferred)."""
    return [f.attname for f in User._meta.concrete_fields if f.attname != "password"]


def _epoch_path():
    return settings.MEDPAUSE_TOKEN_EPOCH_FILE


def _epoch() -> int:
    try:
        return os.stat(_epoch_path()).st_mtime_ns
    except FileNotFoundError:
        return 0


def _token_cache():
    """The token cache; a per-process one is emptied first if another process invalidated
    entries since the last look (a shared cache server sees the deletions themselves)."""
    cache = caches[TOKEN_CACHE]
    if not isinstance(cache, LocMemCache):
        return cache
    epoch = _epoch()
    if epoch != _seen_epoch[0]:
        if _seen_epoch[0] is not None:
            cache.clear()
        _seen_epoch[0] = epoch
    return cache


def _cache_key(key_hash: str) -> str:
    return "t:" + key_hash


def tokens_forget(*, key_hashes) -> None:
    """Drop cached tokens (revoked, or their user changed) here and in every process."""
    if not key_hashes:
        return
    caches[TOKEN_CACHE].delete_many([_cache_key(k) for k in key_hashes])
    path = _epoch_path()
    path.touch()
    now = os.stat(path).st_mtime_ns
    os.utime(path, ns=(now, max(now, _epoch() + 1)))
    _seen_epoch[0] = None


def user_tokens_forget(*, user_id: int) -> None:
    tokens_forget(key_hashes=list(ApiToken.objects.filter(user_id=user_id).values_list("key_hash", flat=True)))


def user_changed(*, user: User, update_fields=None) -> None:
    """Called when a user is saved: a change that could matter to a token drops its cache entries."""
    if user.pk is None or (update_fields is not None and not (set(update_fields) & _SENSITIVE)):
        return
    user_tokens_forget(user_id=user.pk)


def token_authenticate(*, raw: str) -> User | None:
    """The active user of a valid, unrevoked, unexpired token, or None. Cached (see above); the token's
    `last_used_at` is written at most every five minutes, and only when the cache misses."""
    if not raw:
        return None
    key_hash = _hash(raw)
    cache = _token_cache()
    key = _cache_key(key_hash)
    cached = cache.get(key)
    if cached is not None:
        return User.from_db("default", _user_fields(), cached)
    epoch = _epoch()
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=key_hash, revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > STALE_LAST_USED_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    if _epoch() == epoch:  # nothing was revoked while we read: safe to keep
        lifetime = min(settings.MEDPAUSE_TOKEN_CACHE_SECONDS, int((token.expires_at - now).total_seconds()))
        if lifetime > 0:  # never kept past the token's expiry
            cache.set(key, tuple(getattr(token.user, name) for name in _user_fields()), lifetime)
    return token.user


def token_revoke(*, raw: str | None = None, token_id: int | None = None, actor: User | None = None) -> None:
    qs = ApiToken.objects.filter(revoked_at__isnull=True)
    qs = qs.filter(key_hash=_hash(raw)) if raw else qs.filter(pk=token_id)
    token = qs.first()
    if token is None:
        raise NotFound("not_found", _("No such token."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    transaction.on_commit(lambda: tokens_forget(key_hashes=[token.key_hash]))
    tokens_forget(key_hashes=[token.key_hash])
    audit_record(actor=actor or token.user, action="token.revoke", target=token.user, data={"prefix": token.prefix})
