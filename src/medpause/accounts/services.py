from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medpause.accounts.models import ApiToken, Role, User
from medpause.audit.services import audit_record
from medpause.common.errors import Conflict, NotFound, Refused


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
    user.save()
    audit_record(actor=actor, action="user.create", target=user, data={"role": role})
    return user


def token_issue(*, user: User) -> str:
    """A new bearer token for the user; the raw token is returned once and never stored."""
    raw = "mp_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=_hash(raw), prefix=raw[3:9])
    audit_record(actor=user, action="token.issue", target=user, data={"prefix": raw[3:9]})
    return raw


def token_login(*, username: str, password: str) -> tuple[str, User] | None:
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        return None
    return token_issue(user=user), user


def token_authenticate(*, raw: str) -> User | None:
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_revoke(*, raw: str | None = None, token_id: int | None = None, actor: User | None = None) -> None:
    qs = ApiToken.objects.filter(revoked_at__isnull=True)
    qs = qs.filter(key_hash=_hash(raw)) if raw else qs.filter(pk=token_id)
    token = qs.first()
    if token is None:
        raise NotFound("not_found", _("No such token."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor or token.user, action="token.revoke", target=token.user, data={"prefix": token.prefix})
