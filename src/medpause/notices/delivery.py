"""Delivery of notices by SMS and e-mail. When a notice is made, a Delivery row is queued for
each channel each recipient chose (a person's users; a unit's agents) and the `deliver` task
(notices.tasks) is enqueued on commit. An attempt claims its row (queued -> sending), sends,
and marks it sent with the provider's id, or queues it again with a growing backoff, or, after
MEDPAUSE_DELIVERY_ATTEMPTS or a permanent refusal, marks it failed with the last error. The
in-app notice is never touched: a channel failing loses nothing there."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation

from medpause.accounts.models import Role, User
from medpause.notices.models import Channel, Contact, Delivery, DeliveryStatus, Notice
from medpause.notices.sms import DeliveryError, SmsGateway
from medpause.notices.texts import notice_text

log = logging.getLogger(__name__)
CLAIM = dt.timedelta(minutes=5)  # an attempt that died is taken up again after this
STRANDED = dt.timedelta(minutes=10)  # a due row no task took this long after: its task was lost


def _recipients(notices: list[Notice]) -> dict[int, list[User]]:
    """Who is reached besides in the app, by notice: the person's own users and the unit's agents."""
    persons = {n.person_id for n in notices if n.person_id}
    units = {n.unit_id for n in notices if n.unit_id}
    users = User.objects.filter(
        Q(role=Role.INDIVIDUAL, person_id__in=persons) | Q(role=Role.UNIT_AGENT, unit_id__in=units),
        is_active=True, contact__isnull=False,
    ).order_by("pk")
    by_person, by_unit = {}, {}
    for u in users:
        (by_person.setdefault(u.person_id, []) if u.role == Role.INDIVIDUAL else by_unit.setdefault(u.unit_id, [])).append(u)
    return {n.pk: by_person.get(n.person_id, []) + by_unit.get(n.unit_id, []) for n in notices}


def deliveries_queue(notices: Notice | list[Notice]) -> list[Delivery]:
    """One row per channel each recipient chose (made once: a second call adds none), and a
    task to send each once the current transaction commits. Set-based, for the daily job's
    thousands of reminders as for one notice."""
    notices = [notices] if isinstance(notices, Notice) else list(notices)
    if not notices:
        return []
    who = _recipients(notices)
    contacts = {c.user_id: c for c in Contact.objects.filter(user__in={u.pk for us in who.values() for u in us})}
    wanted = {(n, u.pk, channel) for n, users in who.items() for u in users for channel in contacts[u.pk].channels()}
    wanted -= set(Delivery.objects.filter(notice__in=who).values_list("notice_id", "user_id", "channel"))
    if not wanted:
        return []
    Delivery.objects.bulk_create([Delivery(notice_id=n, user_id=u, channel=c) for n, u, c in sorted(wanted)],
                                 ignore_conflicts=True, batch_size=2000)  # a concurrent call's: the constraint keeps one
    made = [d for d in Delivery.objects.filter(notice__in=who) if (d.notice_id, d.user_id, d.channel) in wanted]
    # robust: a queue that fails to take the task costs no response; the worker finds the row (stranded)
    transaction.on_commit(lambda: [_enqueue(d.pk) for d in made], robust=True)
    return made


def deliveries_stranded(limit: int = 100) -> list[int]:
    """Rows whose task was lost (a failed enqueue, a task table pruned, a worker killed while
    sending): due for STRANDED and still queued, or claimed by an attempt whose claim lapsed.
    `medpause worker` attempts them in its housekeeping; an attempt claims first, so a task
    still on its way sends nothing twice."""
    now = timezone.now()
    lost = Q(status=DeliveryStatus.QUEUED) & (
        Q(next_attempt_at__lt=now - STRANDED) | Q(next_attempt_at__isnull=True, created_at__lt=now - STRANDED))
    lapsed = Q(status=DeliveryStatus.SENDING, claimed_until__lt=now)
    return list(Delivery.objects.filter(lost | lapsed).order_by("pk").values_list("pk", flat=True)[:limit])


def _enqueue(delivery_id: int, after: dt.datetime | None = None) -> None:
    from medpause.notices.tasks import deliver  # the task module imports this one

    (deliver.using(run_after=after) if after else deliver).enqueue(delivery_id)


def notice_path(notice: Notice, user) -> str:
    """The path of the page the notice is about, as this reader opens it."""
    unit = user.role == Role.UNIT_AGENT
    if notice.application_id:
        return reverse("unit:application_detail" if unit else "me:application_detail",
                       kwargs={"app_id": notice.application_id})
    if unit:
        return reverse("web:unit_home")
    return reverse("web:portal_coverage" if notice.code.startswith("suspension.") else "web:portal_home")


def notice_link(notice: Notice, user) -> str:
    """The absolute address of that page, for a message that leaves the service."""
    return (settings.MEDPAUSE_PUBLIC_URL or "http://localhost:8000") + notice_path(notice, user)


def delivery_texts(delivery: Delivery) -> tuple[str, str]:
    """(subject, body) in the recipient's language: an SMS is the short text, an e-mail the
    whole; each ends with the link to the page."""
    contact = Contact.objects.get(user_id=delivery.user_id)
    notice, for_unit = delivery.notice, delivery.user.role == Role.UNIT_AGENT
    with translation.override(contact.language or "zh-hans"):
        subject = notice_text(notice, for_unit=for_unit, short=True).split("。")[0].split(". ")[0][:120]
        body = notice_text(notice, for_unit=for_unit, short=delivery.channel == Channel.SMS)
        link = notice_link(notice, delivery.user)
        return subject, f"{body}\n{link}" if delivery.channel == Channel.SMS else f"{body}\n\n{link}\n"


def _send(delivery: Delivery) -> str:
    contact = Contact.objects.get(user_id=delivery.user_id)
    subject, body = delivery_texts(delivery)
    reference = f"notice-{delivery.notice_id}-{delivery.pk}"
    if delivery.channel == Channel.SMS:
        if not (contact.phone and contact.phone_verified_at):
            raise DeliveryError("no verified mobile number", permanent=True)
        return SmsGateway().send(to=contact.phone, text=body, reference=reference)
    if not contact.email:
        raise DeliveryError("no e-mail address", permanent=True)
    domain = (settings.MEDPAUSE_PUBLIC_URL.split("//")[-1] or "localhost").split("/")[0].split(":")[0]
    message_id = f"<{reference}@{domain}>"
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [contact.email],
                           headers={"Message-ID": message_id})
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused:
        raise DeliveryError("the mail server refused the address", permanent=True) from None
    except (smtplib.SMTPException, OSError) as e:
        raise DeliveryError(f"mail server: {type(e).__name__}") from None
    return message_id


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next attempt: the base, doubled after each failed one."""
    return dt.timedelta(seconds=settings.MEDPAUSE_DELIVERY_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0))


def delivery_attempt(delivery_id: int) -> str:
    """One attempt at a delivery, if it is due and nobody else holds it; its status after."""
    now = timezone.now()
    due = Q(status=DeliveryStatus.QUEUED) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    stale = Q(status=DeliveryStatus.SENDING, claimed_until__lt=now)
    claimed = Delivery.objects.filter(due | stale, pk=delivery_id).update(
        status=DeliveryStatus.SENDING, claimed_until=now + CLAIM, attempts=F("attempts") + 1)
    if not claimed:
        return Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first() or "unknown"
    delivery = Delivery.objects.select_related("notice", "user").get(pk=delivery_id)
    try:
        provider_id = _send(delivery)
    except DeliveryError as e:
        delivery.last_error = str(e)[:300]
        if e.permanent or delivery.attempts >= settings.MEDPAUSE_DELIVERY_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
        else:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.QUEUED, now + backoff(delivery.attempts)
        delivery.save(update_fields=["status", "last_error", "next_attempt_at"])
        log.warning("notice %s by %s: attempt %s failed: %s", delivery.notice_id, delivery.channel,
                    delivery.attempts, delivery.last_error)
        if delivery.status == DeliveryStatus.QUEUED:
            _enqueue(delivery.pk, after=delivery.next_attempt_at)
        return delivery.status
    delivery.status, delivery.provider_id, delivery.sent_at = DeliveryStatus.SENT, provider_id[:120], timezone.now()
    delivery.last_error = ""
    delivery.save(update_fields=["status", "provider_id", "sent_at", "last_error"])
    log.info("notice %s sent by %s", delivery.notice_id, delivery.channel)
    return delivery.status
