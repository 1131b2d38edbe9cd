"""Sign-in throttling (django-axes, counted in the database): per user name AND client address,
for the sign-in page, the admin's sign-in and POST /api/v1/auth/token; the client's address
from X-Forwarded-For only behind a trusted proxy."""

import json

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory

from medpause.common.clientip import client_ip
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-9"
WRONG = "wrong-password-1"


@pytest.fixture
def user():
    return make_user("institution", username="li.si", institution_name="协和医院", password=PASSWORD)


def page_sign_in(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password}, HTTP_ACCEPT_LANGUAGE="en", **extra)


def token(client, username, password, **extra):
    return client.post("/api/v1/auth/token", json.dumps({"username": username, "password": password}),
                       content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **extra)


def test_the_page_locks_a_user_name_and_address_out_after_five_failures(user, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    client = Client()
    for _ in range(4):
        assert page_sign_in(client, "li.si", WRONG).status_code == 200  # the form again, with its error
    locked = page_sign_in(client, "li.si", WRONG)
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert int(locked["Retry-After"]) == 15 * 60
    # now even the right password is refused from this address, and nothing is signed in
    right = page_sign_in(client, "li.si", PASSWORD)
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    # the failures are rows in the database (every process and server sees them), without the password
    attempt = AccessAttempt.objects.get(username="li.si")
    assert attempt.ip_address == "127.0.0.1" and attempt.failures_since_start >= 5
    assert WRONG not in attempt.post_data


def test_the_lock_is_per_address_and_per_user_name(user):
    other = make_user("institution", username="wang.wu", institution_name="医院", password=PASSWORD)
    for _ in range(5):
        page_sign_in(Client(), "li.si", WRONG)
    assert page_sign_in(Client(), "li.si", PASSWORD).status_code == 429
    # the same user from another address, and another user from the same address, still get in
    elsewhere = page_sign_in(Client(REMOTE_ADDR="192.0.2.7"), "li.si", PASSWORD)
    assert elsewhere.status_code == 302
    assert page_sign_in(Client(), other.username, PASSWORD).status_code == 302


def test_a_good_sign_in_before_the_limit_starts_the_count_again(user):
    for _ in range(4):
        page_sign_in(Client(), "li.si", WRONG)
    assert page_sign_in(Client(), "li.si", PASSWORD).status_code == 302
    for _ in range(4):
        page_sign_in(Client(), "li.si", WRONG)
    assert page_sign_in(Client(), "li.si", PASSWORD).status_code == 302


def test_the_api_token_request_answers_429_too_many_attempts_in_the_error_shape(user):
    for _ in range(4):
        assert token(Client(), "li.si", WRONG).status_code == 401
    assert token(Client(), "li.si", WRONG).status_code == 429  # the fifth failure locks out
    r = token(Client(), "li.si", PASSWORD)
    assert r.status_code == 429
    body = r.json()
    assert body["error"]["code"] == "too_many_attempts"
    assert body["error"]["message"] and body["error"]["details"]["retry_after"] == 15 * 60
    assert int(r["Retry-After"]) == 15 * 60
    assert "token" not in body


def test_failures_on_the_page_and_the_api_count_together(user):
    """Two separate clients, one database: three failures on the page and two on the API lock both."""
    for _ in range(3):
        page_sign_in(Client(), "li.si", WRONG)
    for _ in range(2):
        token(Client(), "li.si", WRONG)
    assert token(Client(), "li.si", PASSWORD).status_code == 429
    assert page_sign_in(Client(), "li.si", PASSWORD).status_code == 429


def test_the_admin_sign_in_is_throttled_too():
    make_user("admin", username="root", password=PASSWORD)
    client = Client()
    for _ in range(5):
        client.post("/admin/login/", {"username": "root", "password": WRONG}, HTTP_ACCEPT_LANGUAGE="en")
    r = client.post("/admin/login/", {"username": "root", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_rotating_forwarded_for_from_an_untrusted_peer_does_not_defeat_the_limit(user, settings):
    settings.MEDPAUSE_TRUSTED_PROXIES = ""
    for n in range(5):
        page_sign_in(Client(), "li.si", WRONG, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert page_sign_in(Client(), "li.si", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429
    assert token(Client(), "li.si", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429


def test_behind_a_trusted_proxy_each_client_is_counted_by_its_own_address(user, settings):
    settings.MEDPAUSE_TRUSTED_PROXIES = "10.0.0.0/8"
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(5):
        page_sign_in(Client(**proxy), "li.si", WRONG, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert page_sign_in(Client(**proxy), "li.si", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    # another client behind the same proxy is not locked out by the first one's failures
    assert page_sign_in(Client(**proxy), "li.si", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302


@pytest.mark.parametrize(("trusted", "peer", "forwarded", "expected"), [
    ("", "192.0.2.1", "198.51.100.1", "192.0.2.1"),  # no proxy trusted: the header is ignored
    ("10.0.0.1", "192.0.2.1", "198.51.100.1", "192.0.2.1"),  # an untrusted peer's header is ignored
    ("10.0.0.1", "10.0.0.1", "198.51.100.1", "198.51.100.1"),
    ("10.0.0.0/8", "10.0.0.1", "6.6.6.6, 198.51.100.1, 10.0.0.5", "198.51.100.1"),  # a client's own entry is not read
    ("10.0.0.1", "10.0.0.1", "", "10.0.0.1"),
    ("10.0.0.1", "10.0.0.1", "not-an-address", "10.0.0.1"),
    ("::1", "::1", "2001:db8::1", "2001:db8::1"),
])
def test_client_ip(settings, trusted, peer, forwarded, expected):
    settings.MEDPAUSE_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
