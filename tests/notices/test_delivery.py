"""Notices by SMS (the stub gateway, a real process) and e-mail (a local SMTP server, a real
process): a delivery row per chosen channel, sent by the task, retried with backoff, failed for
good without touching the in-app notice, never sent twice; the link opens the notice's page."""

from __future__ import annotations

import datetime as dt
import logging
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from medpause.cases.services import application_reject, application_submit
from medpause.cases.services.reminders import reminders_send
from medpause.common.dates import today
from medpause.config.mail import email_settings
from medpause.notices.contacts import phone_code_send
from medpause.notices.delivery import deliveries_queue, delivery_attempt
from medpause.notices.models import Delivery, DeliveryStatus, Notice
from medpause.notices.selectors import notices_for
from medpause.notices.tasks import deliver
from tests.cases.helpers import flexible_with_login, paused_flexible, stop
from tests.factories import make_person, make_user
from tests.notices.helpers import reachable, run_queued

pytestmark = pytest.mark.django_db
PUBLIC = "https://medpause.example.cn"


@pytest.fixture
def world(settings, sms_gateway, smtp_server):
    settings.MEDPAUSE_PUBLIC_URL = PUBLIC
    settings.MEDPAUSE_DELIVERY_BACKOFF_SECONDS = 0
    person, me, officer = flexible_with_login("310000")
    reachable(me, sms_gateway, phone="13812345678", email="li@example.cn", language="en")
    return person, me, officer


def _submitted(me, person, capture):
    app = stop(me, person, "flexible_pause", today(), today() + dt.timedelta(days=30), submit=False)
    with capture(execute=True):
        app = application_submit(actor=me, application=app)
    return app


def test_a_notice_goes_out_by_sms_and_by_email_with_its_link(world, sms_gateway, smtp_server,
                                                            django_capture_on_commit_callbacks):
    person, me, _officer = world
    before = len(sms_gateway.messages)  # the verification code
    app = _submitted(me, person, django_capture_on_commit_callbacks)
    rows = Delivery.objects.filter(notice__application=app).order_by("channel")
    assert [(d.channel, d.status) for d in rows] == [("email", "queued"), ("sms", "queued")]
    assert sorted(run_queued()) == ["sent", "sent"]
    link = f"{PUBLIC}/me/applications/{app.pk}/"
    sms = sms_gateway.messages[before:]
    assert len(sms) == 1 and sms[0]["to"] == "13812345678"
    assert sms[0]["text"] == f"Application {app.reference} was submitted to the bureau.\n{link}"
    mail = smtp_server.messages
    assert len(mail) == 1 and mail[0]["To"] == "li@example.cn"
    assert app.reference in mail[0]["Subject"] and link in mail[0].get_content()
    sent = {d.channel: d for d in Delivery.objects.filter(notice__application=app)}
    assert sent["sms"].provider_id == sms[0]["id"] and sent["sms"].attempts == 1 and sent["sms"].sent_at
    assert sent["email"].provider_id == mail[0]["Message-ID"]


def test_the_gateway_failing_is_retried_with_backoff_until_sent(world, settings, sms_gateway,
                                                               django_capture_on_commit_callbacks):
    person, me, _officer = world
    settings.MEDPAUSE_DELIVERY_BACKOFF_SECONDS = 30
    app = _submitted(me, person, django_capture_on_commit_callbacks)
    sms = Delivery.objects.get(notice__application=app, channel="sms")
    sms_gateway.fail_next(2)
    start = timezone.now()
    assert delivery_attempt(sms.pk) == "queued"
    sms.refresh_from_db()
    assert sms.attempts == 1 and sms.last_error == "gateway answered 503"
    assert dt.timedelta(seconds=29) < sms.next_attempt_at - start < dt.timedelta(seconds=40)
    retries = [r for r in DBTaskResult.objects.filter(task_path=deliver.module_path) if r.run_after == sms.next_attempt_at]
    assert [r.args_kwargs["args"] for r in retries] == [[sms.pk]]  # the next attempt is enqueued for then
    assert delivery_attempt(sms.pk) == "queued"  # not due yet: no attempt is made
    sms.refresh_from_db()
    assert sms.attempts == 1
    Delivery.objects.filter(pk=sms.pk).update(next_attempt_at=timezone.now())
    assert delivery_attempt(sms.pk) == "queued"
    sms.refresh_from_db()
    assert sms.attempts == 2 and sms.next_attempt_at - timezone.now() > dt.timedelta(seconds=55)  # doubled
    Delivery.objects.filter(pk=sms.pk).update(next_attempt_at=timezone.now())
    assert delivery_attempt(sms.pk) == "sent"
    sms.refresh_from_db()
    assert sms.attempts == 3 and sms.last_error == "" and sms.provider_id.startswith("stub-")


def test_a_channel_failing_for_good_leaves_the_in_app_notice(world, settings, sms_gateway, smtp_server,
                                                            django_capture_on_commit_callbacks):
    person, me, _officer = world
    settings.MEDPAUSE_DELIVERY_ATTEMPTS = 3
    sms_gateway.fail_next(10)
    app = _submitted(me, person, django_capture_on_commit_callbacks)
    sms = Delivery.objects.get(notice__application=app, channel="sms")
    assert [delivery_attempt(sms.pk) for _ in range(4)] == ["queued", "queued", "failed", "failed"]
    sms.refresh_from_db()
    assert sms.status == DeliveryStatus.FAILED and sms.attempts == 3 and "503" in sms.last_error
    assert [n.code for n in notices_for(me)] == ["application.submit"]  # the in-app notice is there
    assert delivery_attempt(Delivery.objects.get(notice__application=app, channel="email").pk) == "sent"
    # a refusal the gateway means (4xx): no retry can help, failed at once
    sms_gateway.fail_next(1, status=400)
    notice = Notice.objects.create(person=person, code="application.take", params={"reference": app.reference})
    again = deliveries_queue(notice)
    assert delivery_attempt(next(d.pk for d in again if d.channel == "sms")) == "failed"


def test_no_second_send_when_the_task_or_the_queueing_runs_twice(world, sms_gateway,
                                                                django_capture_on_commit_callbacks):
    person, me, _officer = world
    app = _submitted(me, person, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(application=app)
    assert deliveries_queue(notice) == []  # the rows exist: none is made again
    assert Delivery.objects.filter(notice=notice).count() == 2
    sms = Delivery.objects.get(notice=notice, channel="sms")
    before = len(sms_gateway.messages)
    assert deliver.call(sms.pk) == "sent"
    assert deliver.call(sms.pk) == "sent"
    assert len(sms_gateway.messages) == before + 1
    # a row held by an attempt in progress is not taken by a second one until its claim lapses
    Delivery.objects.filter(pk=sms.pk).update(status="sending", claimed_until=timezone.now() + dt.timedelta(minutes=5))
    assert delivery_attempt(sms.pk) == "sending"
    assert len(sms_gateway.messages) == before + 1


def test_nothing_is_queued_for_those_who_chose_no_channel(settings, django_capture_on_commit_callbacks):
    person, me, _officer = flexible_with_login("310000")
    _submitted(me, person, django_capture_on_commit_callbacks)
    assert Notice.objects.filter(person=person).count() == 1
    assert not Delivery.objects.exists()


def test_the_links_open_the_page_the_notice_is_about(world, sms_gateway, django_capture_on_commit_callbacks):
    person, me, officer = world
    app = _submitted(me, person, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        application_reject(actor=officer, application=app, reason="The ID photo cannot be read")
    run_queued()
    link = sms_gateway.messages[-1]["text"].splitlines()[-1]
    assert link == f"{PUBLIC}/me/applications/{app.pk}/"
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(me)
    page = client.get(link.removeprefix(PUBLIC))
    assert page.status_code == 200 and app.reference in page.content.decode()
    # someone else following the same link finds nothing
    stranger = make_user("individual", person=make_person("310000", category="flexible"))
    client.force_login(stranger)
    assert client.get(link.removeprefix(PUBLIC)).status_code == 404


def test_a_units_notice_links_to_the_units_page_and_names_the_employee(settings, sms_gateway,
                                                                       django_capture_on_commit_callbacks):
    settings.MEDPAUSE_PUBLIC_URL = PUBLIC
    person = make_person("110000", name="刘洋")
    agent = make_user("unit_agent", unit=person.unit)
    reachable(agent, sms_gateway, phone="13900001111")
    app = stop(agent, person, "resignation", today(), submit=False)
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(actor=agent, application=app)
    run_queued()
    text = sms_gateway.messages[-1]["text"]
    assert text.startswith(f"职工刘洋（{person.id_number_masked}）：")
    assert person.id_number not in text
    assert text.endswith(f"{PUBLIC}/unit/applications/{app.pk}/")
    client = Client()
    client.force_login(agent)
    assert client.get(f"/unit/applications/{app.pk}/").status_code == 200


def test_phone_numbers_are_masked_in_the_logs(world, sms_gateway, caplog, django_capture_on_commit_callbacks):
    person, me, _officer = world
    caplog.set_level(logging.INFO)
    sms_gateway.fail_next(1)
    app = _submitted(me, person, django_capture_on_commit_callbacks)
    run_queued()
    phone_code_send(user=me, phone="13812345678")
    lines = [r.getMessage() for r in caplog.records]
    assert any("138****5678" in line for line in lines)
    assert not any("13812345678" in line for line in lines)
    assert Delivery.objects.get(notice__application=app, channel="sms").attempts == 1


@pytest.mark.parametrize(("env", "expected"), [
    ({}, {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
    ({"MEDPAUSE_EMAIL_URL": "smtp+tls://u%40x:p%3Aw@mail.example.cn:2525"},
     {"EMAIL_HOST": "mail.example.cn", "EMAIL_PORT": 2525, "EMAIL_HOST_USER": "u@x", "EMAIL_HOST_PASSWORD": "p:w",
      "EMAIL_USE_TLS": True, "EMAIL_USE_SSL": False}),
    ({"MEDPAUSE_EMAIL_URL": "smtps://mail.example.cn"}, {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True}),
    ({"EMAIL_HOST": "relay", "EMAIL_PORT": "26", "EMAIL_USE_TLS": "1"},
     {"EMAIL_HOST": "relay", "EMAIL_PORT": 26, "EMAIL_USE_TLS": True}),
    ({"MEDPAUSE_EMAIL_URL": "locmem://"}, {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}),
])
def test_email_settings_come_from_the_environment(env, expected):
    got = email_settings(env)
    assert {k: got[k] for k in expected} == expected
    with pytest.raises(ValueError):
        email_settings({"MEDPAUSE_EMAIL_URL": "ftp://x"})


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_once(settings, sms_gateway):
    """Two runs of the task for one delivery at the same instant (PostgreSQL, real threads):
    one claims the row and sends; the other sends nothing."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises every writer)")
    person, me, _officer = flexible_with_login("310000")
    reachable(me, sms_gateway, phone="13812345678")
    for round_ in range(6):
        notice = Notice.objects.create(person=person, code="application.take", params={"reference": f"TB{round_}"})
        (delivery,) = deliveries_queue(notice)
        barrier, outcomes = threading.Barrier(2), []

        def run(delivery_id=delivery.pk, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait(timeout=10)
                outcomes.append(delivery_attempt(delivery_id))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert "sent" in outcomes, f"round {round_}: {outcomes}"
        assert sum(m["text"].startswith(f"申请 TB{round_} ") for m in sms_gateway.messages) == 1, f"round {round_}"


def test_the_daily_reminder_goes_out_by_sms_once_with_a_link_to_coverage(settings, sms_gateway,
                                                                         django_capture_on_commit_callbacks):
    settings.MEDPAUSE_PUBLIC_URL = PUBLIC
    _person, me, _officer, suspension = paused_flexible("310000", start=today(), months=1)
    reachable(me, sms_gateway, phone="13812345678", language="en")
    on = suspension.planned_end_date - dt.timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(on=on) == 1
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(on=on)  # a second run: no notice, no second delivery
    assert Delivery.objects.filter(notice__code="suspension.planned_end").count() == 1
    assert run_queued() == ["sent"]
    text = sms_gateway.messages[-1]["text"]
    assert text.startswith(f"Your stop is planned to end on {suspension.planned_end_date.isoformat()}.")
    assert text.endswith(f"{PUBLIC}/me/coverage/")


def test_the_worker_sends_what_lost_its_task(world, sms_gateway, django_capture_on_commit_callbacks):
    from medpause.ops.worker import send_stranded

    person, me, _officer = world
    app = _submitted(me, person, django_capture_on_commit_callbacks)
    DBTaskResult.objects.all().delete()  # the tasks are lost (a pruned table, a failed enqueue)
    assert send_stranded() == 0  # not yet: a task may still be on its way
    sms = Delivery.objects.get(notice__application=app, channel="sms")
    Delivery.objects.filter(notice__application=app).update(created_at=timezone.now() - dt.timedelta(minutes=11))
    before = len(sms_gateway.messages)
    assert send_stranded() == 2
    assert len(sms_gateway.messages) == before + 1
    assert set(Delivery.objects.filter(notice__application=app).values_list("status", flat=True)) == {"sent"}
    # a worker killed while sending: the row is taken up once its claim lapsed, and sent once
    Delivery.objects.filter(pk=sms.pk).update(status="sending", claimed_until=timezone.now() - dt.timedelta(seconds=1))
    assert send_stranded() == 1 and len(sms_gateway.messages) == before + 2
    assert send_stranded() == 0
