"""Tokens and sessions end (ASVS V3.3): API tokens expire; every token and session of a user
ends with a new password or a deactivation; sessions end 12 hours after signing in, an
officer's or administrator's also after 30 minutes without a request."""

import datetime as dt
import json
import time

import pytest
from django.test import Client
from django.utils import timezone

from medpause.accounts.models import ApiToken
from medpause.accounts.services import token_authenticate, token_issue, user_deactivate
from medpause.accounts.signals import LAST_SEEN, SIGNED_IN_AT
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-9"


def test_the_token_answer_reports_when_the_token_expires(settings):
    settings.MEDPAUSE_TOKEN_DAYS = 7
    make_user("institution", username="h1", institution_name="医院", password=PASSWORD)
    r = Client().post("/api/v1/auth/token", json.dumps({"username": "h1", "password": PASSWORD}),
                      content_type="application/json")
    assert r.status_code == 200
    expires_at = dt.datetime.fromisoformat(r.json()["expires_at"])
    assert abs(expires_at - (timezone.now() + dt.timedelta(days=7))) < dt.timedelta(minutes=1)
    assert abs(ApiToken.objects.get(user__username="h1").expires_at - expires_at) < dt.timedelta(milliseconds=1)


def test_an_expired_token_answers_401_in_the_error_shape():
    user = make_user("institution", institution_name="医院")
    raw = token_issue(user=user)
    me = Client().get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert me.status_code == 200
    ApiToken.objects.filter(user=user).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    from django.core.cache import caches

    caches["tokens"].clear()
    r = Client().get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "not_authenticated"
    # the lean eligibility route reads tokens the same way
    lean = Client().get("/api/v1/eligibility", {"card_number": "X", "date": "2026-01-01"},
                        HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert lean.status_code == 401


def test_a_token_is_never_cached_past_its_expiry(settings):
    from django.core.cache import caches

    settings.MEDPAUSE_TOKEN_CACHE_SECONDS = 3600
    user = make_user("institution", institution_name="医院")
    raw = token_issue(user=user)
    ApiToken.objects.filter(user=user).update(expires_at=timezone.now() + dt.timedelta(seconds=1))
    caches["tokens"].clear()
    assert token_authenticate(raw=raw) == user  # cached for at most the second left
    time.sleep(1.2)
    assert token_authenticate(raw=raw) is None


def test_deactivating_a_user_ends_their_sessions_and_tokens():
    user = make_user("institution", institution_name="医院")
    raw = token_issue(user=user)
    client = Client()
    client.force_login(user)
    assert client.get("/account/password/").status_code == 200
    user_deactivate(user=user)
    assert client.get("/account/password/")["Location"].startswith("/login/")
    assert token_authenticate(raw=raw) is None
    assert ApiToken.objects.get(user=user).revoked_at is not None


def _age(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[{"signed_in": SIGNED_IN_AT, "last_seen": LAST_SEEN}[key]] = now - ago
    session.save()


def test_every_session_ends_twelve_hours_after_signing_in():
    person = make_person("110000", category="flexible")
    user = make_user("individual", person=person)
    client = Client()
    client.force_login(user)
    _age(client, signed_in=11 * 3600, last_seen=11 * 3600)  # idle long, but an insured person: still in
    assert client.get("/me/").status_code == 200
    _age(client, signed_in=12 * 3600 + 5)
    r = client.get("/me/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert client.get("/me/")["Location"].startswith("/login/")  # signed out for good


def test_an_officers_session_ends_after_thirty_idle_minutes():
    officer = make_user("officer", region="110000")
    client = Client()
    client.force_login(officer)
    _age(client, signed_in=3600, last_seen=29 * 60)
    assert client.get("/officer/").status_code == 200  # 29 minutes: still in, and the clock restarts
    _age(client, last_seen=31 * 60)
    r = client.get("/officer/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_the_limits_are_settings(settings):
    settings.MEDPAUSE_IDLE_MINUTES = 5
    admin = make_user("admin")
    client = Client()
    client.force_login(admin)
    _age(client, last_seen=6 * 60)
    assert client.get("/admin/")["Location"].startswith("/login/")
