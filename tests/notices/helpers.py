"""People who chose to be reached by SMS and e-mail, made through the services."""

from __future__ import annotations

import re

from medpause.notices.contacts import contact_update, phone_code_confirm, phone_code_send


def reachable(user, gateway, *, phone: str, email: str = "", language: str = "zh-hans", sms: bool = True):
    """Verify `phone` through the stub gateway (reading the code it received), then choose SMS
    and, with `email`, e-mail."""
    phone_code_send(user=user, phone=phone)
    code = re.search(r"\d{6}", gateway.messages[-1]["text"]).group()
    phone_code_confirm(user=user, code=code)
    return contact_update(user=user, email=email, sms=sms, by_email=bool(email), language=language)
