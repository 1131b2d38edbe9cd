"""People who chose to be reached by SMS and e-mail, made through the services."""

from __future__ import annotations

import re

from django_tasks_db.models import DBTaskResult

from medpause.notices.contacts import contact_update, phone_code_confirm, phone_code_send
from medpause.notices.tasks import deliver


def reachable(user, gateway, *, phone: str, email: str = "", language: str = "zh-hans", sms: bool = True):
    """Verify `phone` through the stub gateway (reading the code it received), then choose SMS
    and, with `email`, e-mail."""
    phone_code_send(user=user, phone=phone)
    code = re.search(r"\d{6}", gateway.messages[-1]["text"]).group()
    phone_code_confirm(user=user, code=code)
    return contact_update(user=user, email=email, sms=sms, by_email=bool(email), language=language)


def run_queued() -> list[str]:
    """What the worker does: run each delivery task enqueued (as `medpause worker` would)."""
    done = []
    for result in DBTaskResult.objects.filter(task_path=deliver.module_path, status="READY").order_by("enqueued_at"):
        done.append(deliver.call(*result.args_kwargs["args"]))
        result.delete()
    return done
