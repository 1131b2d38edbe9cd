"""Personal data masking: ID numbers are shown as 110105********002X and mobile phone numbers
as 138****5678 to anyone who does not need the whole number; neither they nor card numbers
(110105******1234) ever reach a log line (`MaskPersonalDataFilter`, and ops.logging's JSON lines)."""

import logging
import re

_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_PHONE_RE = re.compile(r"(?<![0-9A-Za-z])(1[3-9]\d)(\d{4})(\d{4})(?![0-9A-Za-z])")
# A medical insurance card number: the region's 6-digit code and 10 digits (registry.services).
_CARD_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{6})(\d{4})(?![0-9A-Za-z])")


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """A mainland mobile number as 138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_text(text: str) -> str:
    """Mask every 18-character resident ID number and every 11-digit mobile number inside free text."""
    text = _ID_RE.sub(lambda m: m.group(1) + "********" + m.group(3), text)
    return _PHONE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


def mask_personal(text: str) -> str:
    """ID numbers and card numbers inside free text, masked (110105********002X, 110105******1234):
    what a log line may say."""
    return _CARD_RE.sub(lambda m: m.group(1) + "******" + m.group(3), mask_text(text))


class MaskPersonalDataFilter(logging.Filter):
    """Every log record's message with ID, mobile and card numbers masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not lose the line
            return True
        masked = mask_personal(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def mask_name(value: str | None) -> str:
    """A name as public pages show it: the first character, then one * for each other one
    (张伟 → 张*, 王小明 → 王**)."""
    value = (value or "").strip()
    if len(value) <= 1:
        return "*" if value else ""
    return value[0] + "*" * (len(value) - 1)
