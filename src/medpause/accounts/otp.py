"""The second factor of officers and administrators (ASVS V2.7/V2.8): a TOTP device
(django-otp, RFC 6238) per user. Enrolment makes an unconfirmed device whose secret the user
puts in an authenticator app; the first right code confirms it. Who must use one is decided in
accounts.permissions.needs_second_factor."""

from __future__ import annotations

import base64
import binascii

import segno
from django_otp.plugins.otp_totp.models import TOTPDevice

from medpause.accounts.models import User
from medpause.audit.services import audit_record

DEVICE_NAME = "authenticator"


def totp_device(user: User) -> TOTPDevice | None:
    """The user's confirmed device, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def totp_enrolment(user: User) -> TOTPDevice:
    """The device being enrolled (unconfirmed): the same one until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def totp_secret(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it typed in (base32, in groups of four)."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as a QR code, an <svg> drawn here (no script, no other host)."""
    return segno.make(device.config_url, micro=False, error="m").svg_inline(scale=4, border=4)


def totp_check(device: TOTPDevice, code: str) -> bool:
    """A right code of the device now (each code once; wrong codes slow the next tries down)."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    return len(code) == device.digits and device.verify_token(code)


def totp_confirm(device: TOTPDevice, code: str) -> bool:
    """Confirm an enrolment with its first right code."""
    if not totp_check(device, code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=device.user, action="auth.second_factor_enrolled", target=device.user)
    return True


def totp_set_known(user: User, secret_b32: str) -> TOTPDevice:
    """A confirmed device with a given secret (the demo's, printed for people to try)."""
    try:
        key = base64.b32decode(secret_b32.replace(" ", "").upper()).hex()
    except binascii.Error as exc:
        raise ValueError("not a base32 secret") from exc
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key, confirmed=True)
