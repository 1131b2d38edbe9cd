"""Contact details of a person or a unit agent: the channels chosen, the e-mail address, and the
mobile number, verified by a 6-digit code sent to it by SMS. Only the code's keyed hash is kept;
a code expires after CODE_MINUTES, allows CODE_ATTEMPTS tries, and a user may ask for
CODES_PER_HOUR codes an hour. Phone numbers never reach a log line unmasked."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from medpause.accounts.models import Role, User
from medpause.common.errors import Forbidden, Refused, TooManyAttempts
from medpause.common.masking import mask_phone
from medpause.notices.models import Contact, PhoneCode
from medpause.notices.sms import DeliveryError, SmsGateway

log = logging.getLogger(__name__)

CODE_MINUTES = 10
CODE_ATTEMPTS = 5
CODES_PER_HOUR = 3
PHONE_RE = re.compile(r"1[3-9]\d{9}")
LANGUAGES = ("zh-hans", "en")
CODE_TEXT = _("medpause: your verification code is %(code)s. It is valid for %(minutes)s minutes.")


def _check_role(user) -> None:
    if getattr(user, "role", None) not in (Role.INDIVIDUAL, Role.UNIT_AGENT):
        raise Forbidden("forbidden", _("Only insured persons and unit agents receive notices by SMS or e-mail."))


def contact_of(user) -> Contact:
    """The user's contact details (unsaved defaults when none were given)."""
    return Contact.objects.filter(user=user).first() or Contact(user=user)


def normalise_phone(value) -> str:
    phone = re.sub(r"[\s-]", "", str(value or ""))
    if phone.startswith("+86"):
        phone = phone[3:]
    if not PHONE_RE.fullmatch(phone):
        raise Refused("invalid_phone", _("Give a mainland mobile number of 11 digits."), details={"field": "phone"})
    return phone


def contact_update(*, user, email: str, sms: bool, by_email: bool, language: str) -> Contact:
    """Save the e-mail address, the channels and the language. SMS can be chosen only once a
    number is verified; e-mail only with an address."""
    _check_role(user)
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Refused("invalid_email", _("Give a valid e-mail address."), details={"field": "email"}) from None
    if language not in LANGUAGES:
        raise Refused("invalid_language", _("Choose Chinese or English."), details={"field": "language"})
    contact = contact_of(user)
    if sms and not contact.phone_verified_at:
        raise Refused("phone_not_verified", _("Verify your mobile number before choosing SMS."), details={"field": "sms"})
    if by_email and not email:
        raise Refused("email_required", _("Give an e-mail address to receive notices by e-mail."),
                      details={"field": "email"})
    contact.email, contact.sms, contact.by_email, contact.language = email, bool(sms), bool(by_email), language
    contact.save()
    return contact


def _hash(user_id: int, phone: str, code: str) -> str:
    message = f"{user_id}:{phone}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def phone_code_send(*, user, phone: str, language: str | None = None, gateway: SmsGateway | None = None) -> PhoneCode:
    """Send a new code to `phone` (which is not the verified number until confirmed), worded in
    `language` (the page's), else in the language the user chose for their texts."""
    _check_role(user)
    phone = normalise_phone(phone)
    now = timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one request of a user at a time: the count holds
        contact = contact_of(user)
        recent = PhoneCode.objects.filter(user=user, created_at__gt=now - dt.timedelta(hours=1)).order_by("created_at")
        if recent.count() >= CODES_PER_HOUR:
            wait = int((recent.first().created_at + dt.timedelta(hours=1) - now).total_seconds()) + 1
            raise TooManyAttempts("too_many_codes", _("Too many codes were asked for. Try again later."), retry_after=wait)
        code = f"{secrets.randbelow(10**6):06d}"
        PhoneCode.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)  # one live code at a time
        sent = PhoneCode.objects.create(user=user, phone=phone, code_hash=_hash(user.pk, phone, code),
                                        expires_at=now + dt.timedelta(minutes=CODE_MINUTES))
    with translation.override(language if language in LANGUAGES else contact.language or "zh-hans"):
        text = str(CODE_TEXT) % {"code": code, "minutes": CODE_MINUTES}
    try:
        (gateway or SmsGateway()).send(to=phone, text=text, reference=f"code-{sent.pk}")
    except DeliveryError as e:
        log.warning("verification code to %s not sent: %s", mask_phone(phone), e)
        PhoneCode.objects.filter(pk=sent.pk).update(expires_at=now)
        raise Refused("sms_unavailable", _("The code could not be sent. Try again in a few minutes."),
                      status=503) from None
    log.info("verification code sent to %s", mask_phone(phone))
    return sent


def phone_code_confirm(*, user, code: str) -> Contact:
    """Check the code against the latest one sent; right -> the number is verified. A wrong
    try is counted (and kept: the refusal is raised after the count is committed)."""
    _check_role(user)
    code = str(code or "").strip()
    with transaction.atomic():
        now = timezone.now()
        latest = PhoneCode.objects.select_for_update().filter(user=user).order_by("-created_at", "-pk").first()
        if latest is None or latest.used_at or latest.expires_at <= now or latest.attempts >= CODE_ATTEMPTS:
            verdict = "expired"
        else:
            latest.attempts += 1
            right = code.isdigit() and len(code) == 6 and hmac.compare_digest(
                latest.code_hash, _hash(user.pk, latest.phone, code))
            latest.used_at = now if right else None
            latest.save(update_fields=["attempts", "used_at"])
            verdict = "right" if right else "wrong"
        if verdict == "right":
            contact = contact_of(user)
            contact.phone, contact.phone_verified_at = latest.phone, now
            contact.save()
            return contact
    if verdict == "expired":
        raise Refused("code_expired", _("This code has expired or was used up. Ask for a new one."),
                      details={"field": "code"})
    raise Refused("wrong_code", _("The code is not right."),
                  details={"field": "code", "attempts_left": CODE_ATTEMPTS - latest.attempts})
