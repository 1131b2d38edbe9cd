"""MEDPAUSE_PRODUCTION=1 (config/production.py): every production setting at once, Django's
deploy check clean, a clear refusal without a real secret key or host names, and the service
still answering behind the TLS proxy: the hospitals' eligibility check, the officer's preview
frame."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings

from medpause.accounts.services import token_issue
from medpause.common.dates import today
from medpause.config.production import HSTS_SECONDS, production
from tests.factories import make_person, make_user

HOST = "bureau.example.gov.cn"
ENV = {"MEDPAUSE_SECRET_KEY": "k" + secrets.token_urlsafe(50), "MEDPAUSE_ALLOWED_HOSTS": f"{HOST},web"}
CHECK = ("import django; django.setup(); from django.core.management import call_command; "
         "call_command('check', deploy=True, fail_level='WARNING')")


def production_settings(**environ) -> dict:
    """The production settings for the tests' process: its secret key kept (the tests' tokens
    and sessions are signed with it), the rest as MEDPAUSE_PRODUCTION=1 sets them."""
    values = production({**ENV, **environ})
    values.pop("SECRET_KEY")
    return values


def run_settings(tmp_path, code: str, **environ) -> subprocess.CompletedProcess:
    """`code` in a fresh Python process whose settings load from the given environment."""
    # nothing of the tests' own environment (the browser tests allow async-unsafe calls, which
    # the deploy check rightly refuses)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MEDPAUSE_") and k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(MEDPAUSE_DATA_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="medpause.config.settings", **environ)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def test_the_deploy_check_is_clean_in_production(tmp_path):
    done = run_settings(tmp_path, CHECK, MEDPAUSE_PRODUCTION="1", **ENV)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "WARNING" not in done.stderr + done.stdout


def test_the_deploy_check_fails_without_the_switch(tmp_path):
    """The control: the same check, the same environment without the switch, is not clean."""
    done = run_settings(tmp_path, CHECK, **ENV)
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr


@pytest.mark.parametrize(("missing", "named"), [
    ("MEDPAUSE_SECRET_KEY", "MEDPAUSE_SECRET_KEY"), ("MEDPAUSE_ALLOWED_HOSTS", "MEDPAUSE_ALLOWED_HOSTS")])
def test_production_refuses_to_start_without_a_secret_key_or_host_names(tmp_path, missing, named):
    env = {k: v for k, v in ENV.items() if k != missing}
    done = run_settings(tmp_path, "import django; django.setup()", MEDPAUSE_PRODUCTION="1", **env)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and named in done.stderr.splitlines()[-1]


@pytest.mark.parametrize("environ", [
    {"MEDPAUSE_SECRET_KEY": "short-and-guessable"},
    {"MEDPAUSE_SECRET_KEY": "a" * 60},
    {"MEDPAUSE_SECRET_KEY": "django-insecure-" + secrets.token_urlsafe(50)},
    {"MEDPAUSE_ALLOWED_HOSTS": "*"},
    {"MEDPAUSE_ALLOWED_HOSTS": " , "},
])
def test_a_weak_secret_key_or_any_host_is_refused(environ):
    with pytest.raises(ImproperlyConfigured, match="MEDPAUSE_"):
        production({**ENV, **environ})


def test_the_switch_sets_https_hsts_secure_cookies_no_framing_and_no_debug(tmp_path):
    code = ("import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({"
            "'debug': s.DEBUG, 'redirect': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS, "
            "'sub': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, 'proxy': s.SECURE_PROXY_SSL_HEADER, "
            "'cookies': [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE], 'frames': s.X_FRAME_OPTIONS, "
            "'csp': s.MEDPAUSE_CSP, 'key': s.SECRET_KEY, 'hosts': s.ALLOWED_HOSTS}))")
    done = run_settings(tmp_path, code, MEDPAUSE_PRODUCTION="1", MEDPAUSE_DEBUG="1", **ENV)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen == {
        "debug": False, "redirect": True, "hsts": HSTS_SECONDS, "sub": True,
        "proxy": ["HTTP_X_FORWARDED_PROTO", "https"], "cookies": [True, True], "frames": "DENY",
        "csp": seen["csp"], "key": ENV["MEDPAUSE_SECRET_KEY"], "hosts": [HOST, "web"],
    }
    assert HSTS_SECONDS >= 365 * 24 * 3600
    assert "frame-ancestors 'none'" in seen["csp"] and "script-src 'self';" in seen["csp"]
    assert "unsafe-inline" not in seen["csp"]


def _wsgi(path: str, *, secure: bool, **headers):
    """A request through a freshly built API stack (config/wsgi.py: the wrapper, the hot path,
    the API's handler), built under the settings in force."""
    from medpause.api.hot import HotPath
    from medpause.config.wsgi import ApiHandler  # imported already by the wsgi_app fixture
    from medpause.ops.wsgi import instrument

    hot = HotPath(ApiHandler())
    application = instrument(hot)
    if secure:
        headers["HTTP_X_FORWARDED_PROTO"] = "https"
    request = RequestFactory(HTTP_HOST=HOST).get(path, **headers)
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = int(status.split()[0]), dict(response_headers)

    body = application(request.environ, start_response)
    try:
        content = b"".join(body)
    finally:
        body.close()
    return hot, seen["status"], seen["headers"], content


@pytest.mark.django_db(transaction=True)
def test_eligibility_still_answers_in_production_through_the_api_handler(wsgi_app):
    """wsgi_app: config/wsgi.py imported as served (its module-level stacks under the tests'
    settings); the stack of this test is built anew under the production ones."""
    person = make_person("110000")
    hospital = make_user("institution", institution_name="Peking Union Hospital")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=hospital)}"}
    query = f"/api/v1/eligibility?card_number={person.card.number}&date={today().isoformat()}"
    with override_settings(**production_settings()):
        hot, status, headers, body = _wsgi(query, secure=True, **auth)
        assert hot.enabled is False  # the lean path steps aside: SecurityMiddleware answers
        assert status == 200, body
        answer = json.loads(body)
        assert answer["card_number"] == person.card.number and answer["eligible"] is True
        assert headers["Strict-Transport-Security"] == f"max-age={HSTS_SECONDS}; includeSubDomains"
        assert headers["X-Frame-Options"] == "DENY"
        _hot, status, headers, _body = _wsgi(query, secure=False, **auth)
        assert status == 301 and headers["Location"].startswith(f"https://{HOST}/api/v1/eligibility")


def test_plain_http_is_redirected_and_cookies_are_secure_in_production(client, db):
    with override_settings(**production_settings()):
        plain = client.get("/login/", HTTP_HOST=HOST)
        assert plain.status_code == 301 and plain["Location"] == f"https://{HOST}/login/"
        page = client.get("/login/", HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")
        assert page.status_code == 200
        assert page["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in page["Content-Security-Policy"]
        assert page.cookies["csrftoken"]["secure"] is True


@pytest.mark.django_db
def test_the_officers_preview_frame_still_loads_where_every_other_page_is_deny(client):
    from tests.factories import pdf_bytes
    from tests.web.test_document_preview import application_with

    app, doc = application_with(pdf_bytes("passport page"))
    client.force_login(make_user("officer", region="110000"))
    with override_settings(**production_settings()):
        secure = {"HTTP_HOST": HOST, "HTTP_X_FORWARDED_PROTO": "https"}
        page = client.get(f"/officer/applications/{app.pk}/", **secure)
        assert page.status_code == 200
        assert page["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in page["Content-Security-Policy"]
        preview = client.get(f"/officer/applications/{app.pk}/documents/{doc.pk}/preview/", **secure)
        assert preview.status_code == 200
        assert preview["X-Frame-Options"] == "SAMEORIGIN"
        assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
