"""A phone number verified by a 6-digit code sent through the SMS gateway (the stub, a real
process): kept only as a keyed hash, expiring, a few attempts, a few codes an hour; channels on
a bilingual account page that shows the number masked."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from medpause.common.errors import Forbidden, Refused, TooManyAttempts
from medpause.notices.contacts import (
    CODE_ATTEMPTS,
    contact_of,
    contact_update,
    phone_code_confirm,
    phone_code_send,
)
from medpause.notices.models import PhoneCode
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def me():
    return make_user("individual", person=make_person("310000", category="flexible"))


def _code(gateway) -> str:
    return re.search(r"(?<!\d)(\d{6})(?!\d)", gateway.messages[-1]["text"]).group(1)


def test_the_code_reaches_the_phone_and_only_its_hash_is_kept(me, sms_gateway):
    sent = phone_code_send(user=me, phone="+86 138-1234-5678")
    message = sms_gateway.messages[-1]
    code = _code(sms_gateway)
    assert message["to"] == "13812345678" and "10" in message["text"] and message["reference"] == f"code-{sent.pk}"
    row = PhoneCode.objects.get()
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert not contact_of(me).phone_verified_at
    with pytest.raises(Refused) as wrong:
        phone_code_confirm(user=me, code=f"{(int(code) + 1) % 10**6:06d}")
    assert wrong.value.code == "wrong_code" and wrong.value.details["attempts_left"] == CODE_ATTEMPTS - 1
    contact = phone_code_confirm(user=me, code=code)
    assert contact.phone == "13812345678" and contact.phone_verified_at
    with pytest.raises(Refused) as used:  # a code works once
        phone_code_confirm(user=me, code=code)
    assert used.value.code == "code_expired"


def test_a_code_expires_and_allows_a_few_attempts(me, sms_gateway):
    phone_code_send(user=me, phone="13812345678")
    code = _code(sms_gateway)
    PhoneCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(Refused) as late:
        phone_code_confirm(user=me, code=code)
    assert late.value.code == "code_expired"
    phone_code_send(user=me, phone="13812345678")
    code = _code(sms_gateway)
    for _ in range(CODE_ATTEMPTS):
        with pytest.raises(Refused) as wrong:
            phone_code_confirm(user=me, code="000000" if code != "000000" else "111111")
        assert wrong.value.code == "wrong_code"
    with pytest.raises(Refused) as spent:  # the right code after the last attempt: too late
        phone_code_confirm(user=me, code=code)
    assert spent.value.code == "code_expired"
    assert not contact_of(me).phone_verified_at


def test_only_a_few_codes_an_hour_and_the_newest_alone_counts(me, sms_gateway):
    phone_code_send(user=me, phone="13812345678")
    first = _code(sms_gateway)
    phone_code_send(user=me, phone="13912345678")
    phone_code_send(user=me, phone="13912345678")
    latest = _code(sms_gateway)
    with pytest.raises(TooManyAttempts) as many:
        phone_code_send(user=me, phone="13912345678")
    assert many.value.status == 429 and 3500 < many.value.retry_after <= 3601
    assert len(sms_gateway.messages) == 3
    if first != latest:
        with pytest.raises(Refused):
            phone_code_confirm(user=me, code=first)
    assert phone_code_confirm(user=me, code=latest).phone == "13912345678"
    PhoneCode.objects.update(created_at=timezone.now() - dt.timedelta(minutes=61))
    phone_code_send(user=me, phone="13912345678")  # an hour later: allowed again


@pytest.mark.parametrize("phone", ["1381234567", "23812345678", "138123456789", "1381234567\x00", "", "一三八"])
def test_a_malformed_number_is_refused_before_anything_is_sent(me, sms_gateway, phone):
    with pytest.raises(Refused) as bad:
        phone_code_send(user=me, phone=phone)
    assert bad.value.code == "invalid_phone"
    assert sms_gateway.messages == [] and not PhoneCode.objects.exists()


def test_a_gateway_down_is_said_and_leaves_no_live_code(me, sms_gateway):
    sms_gateway.fail_next(1)
    with pytest.raises(Refused) as down:
        phone_code_send(user=me, phone="13812345678")
    assert down.value.code == "sms_unavailable" and down.value.status == 503
    with pytest.raises(Refused) as none:
        phone_code_confirm(user=me, code="123456")
    assert none.value.code == "code_expired"


def test_channels_need_what_they_send_to(me, sms_gateway):
    with pytest.raises(Refused) as sms:
        contact_update(user=me, email="", sms=True, by_email=False, language="zh-hans")
    assert sms.value.code == "phone_not_verified"
    with pytest.raises(Refused) as email:
        contact_update(user=me, email="", sms=False, by_email=True, language="zh-hans")
    assert email.value.code == "email_required"
    with pytest.raises(Refused) as bad:
        contact_update(user=me, email="not an address", sms=False, by_email=False, language="zh-hans")
    assert bad.value.code == "invalid_email"
    with pytest.raises(Refused):
        contact_update(user=me, email="", sms=False, by_email=False, language="fr")
    contact = contact_update(user=me, email="me@example.cn", sms=False, by_email=True, language="en")
    assert contact.channels() == ["email"]
    officer = make_user("officer", region="310000")
    with pytest.raises(Forbidden):
        phone_code_send(user=officer, phone="13812345678")


@pytest.mark.parametrize(("language", "heading", "saved"), [("en", "How we reach you", "Your mobile number is verified."),
                                                            ("zh-hans", "通知方式", "您的手机号码已验证。")])
def test_the_account_page_verifies_the_number_and_shows_it_masked(me, sms_gateway, language, heading, saved):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(me)
    page = client.get("/account/notices/")
    assert page.status_code == 200 and heading in page.content.decode()
    sent = client.post("/account/notices/", {"action": "phone", "phone": "13812345678"})
    assert sent.status_code == 302
    wrong = client.post("/account/notices/", {"action": "code", "code": "12345x"})
    assert wrong.status_code == 200 and "error-message" in wrong.content.decode()
    done = client.post("/account/notices/", {"action": "code", "code": _code(sms_gateway)}, follow=True)
    text = done.content.decode()
    assert saved in text and "138****5678" in text and "13812345678" not in text
    chosen = client.post("/account/notices/", {"action": "channels", "email": "me@example.cn", "sms": "on",
                                                "by_email": "on", "language": "en"})
    assert chosen.status_code == 302
    assert contact_of(me).channels() == ["sms", "email"]


@pytest.mark.parametrize("data", [
    {"action": "phone", "phone": "138\x0012345678"},
    {"action": "code", "code": "\x00" * 6},
    {"action": "channels", "email": "a@b.cn\x00", "language": "en"},
    {"action": "channels", "sms": "on", "language": "en"},
    {"action": "unknown"},
])
def test_hostile_or_wrong_posts_answer_the_page_not_an_error(me, sms_gateway, data):
    client = Client()
    client.force_login(me)
    answer = client.post("/account/notices/", data)
    assert answer.status_code == 200
    assert sms_gateway.messages == []


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_cannot_pass_the_hourly_limit(sms_gateway):
    """The last code of the hour asked for twice at the same instant (PostgreSQL, real
    threads): the user's row is locked while counting, so one is sent and one refused."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises every writer)")
    me = make_user("individual", person=make_person("310000", category="flexible"))
    for _ in range(2):
        phone_code_send(user=me, phone="13812345678")
    barrier, outcomes = threading.Barrier(2), []

    def ask():
        try:
            barrier.wait(timeout=10)
            phone_code_send(user=me, phone="13812345678")
            outcomes.append("sent")
        except TooManyAttempts:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["refused", "sent"]
    assert len(sms_gateway.messages) == 3 and PhoneCode.objects.count() == 3
