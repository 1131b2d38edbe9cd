"""Personal data masking: ID numbers are shown as 110105********002X and mobile phone numbers
as 138****5678 to anyone who does not need the whole number, and neither reaches a log line."""

import logging
import re

_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_PHONE_RE = re.compile(r"(?<![0-9A-Za-z])(1[3-9]\d)(\d{4})(\d{4})(?![0-9A-Za-z])")


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


class MaskIdNumbersFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not lose the line
            return True
        masked = mask_text(message)
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
