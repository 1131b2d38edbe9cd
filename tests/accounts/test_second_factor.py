"""The second factor of officers and administrators (django-otp, TOTP): after the password they
owe a one-time code; with no device yet they enrol one (the secret as text and a QR code drawn on
the server, confirmed by a first code); until then officer pages and the admin send them to the
code page. Other roles never see it."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from medpause.accounts.otp import totp_set_known
from medpause.audit.models import AuditEvent
from tests.conftest import password_only_login
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def code_of(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def _signed_in_with_password(user) -> Client:
    client = Client()
    password_only_login(client, user)
    return client


@pytest.mark.parametrize("path", ["/officer/", "/admin/", "/account/password/", "/"])
def test_an_officer_without_the_code_is_sent_to_the_code_page(path):
    officer = make_user("officer", region="110000")
    totp_set_known(officer, SECRET)
    r = _signed_in_with_password(officer).get(path)
    assert r.status_code == 302 and r["Location"].startswith("/account/otp/?next=")


def test_signing_in_on_the_page_takes_an_officer_to_the_code_then_to_the_workbench():
    officer = make_user("officer", region="110000", username="o.bj", password="correct-horse-9")
    device = totp_set_known(officer, SECRET)
    client = Client()
    r = client.post("/login/", {"username": "o.bj", "password": "correct-horse-9", "next": "/officer/"})
    assert r["Location"] == "/officer/"
    r = client.get("/officer/")
    assert r["Location"] == "/account/otp/?next=%2Fofficer%2F"
    page = client.get(r["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.content.decode()
    wrong = client.post("/account/otp/", {"code": "000000" if code_of(device) != "000000" else "111111",
                                          "next": "/officer/"}, HTTP_ACCEPT_LANGUAGE="en")
    assert wrong.status_code == 200 and "The code is not correct" in wrong.content.decode()
    assert client.get("/officer/").status_code == 302
    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None  # no wait between tries here
    device.save()
    right = client.post("/account/otp/", {"code": code_of(device), "next": "/officer/"})
    assert right["Location"] == "/officer/"
    assert client.get("/officer/").status_code == 200
    actions = list(AuditEvent.objects.filter(actor=officer).values_list("action", flat=True))
    assert "auth.second_factor_failed" in actions and "auth.second_factor" in actions


def test_a_code_cannot_be_used_twice():
    admin = make_user("admin")
    device = totp_set_known(admin, SECRET)
    code = code_of(device)
    first = _signed_in_with_password(admin)
    assert first.post("/account/otp/", {"code": code})["Location"] == "/officer/"  # the administrator lands on the queue
    second = _signed_in_with_password(admin)
    assert second.post("/account/otp/", {"code": code}).status_code == 200  # refused: shown again
    assert second.get("/admin/").status_code == 302


def test_an_officer_with_no_device_enrols_one_shown_as_text_and_an_svg_qr_code():
    officer = make_user("officer", region="110000")
    client = _signed_in_with_password(officer)
    r = client.get("/account/otp/?next=/officer/")
    assert r["Location"] == "/account/otp/enrol/?next=%2Fofficer%2F"
    page = client.get(r["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert page.status_code == 200
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]  # drawn here: no script, no style, no other host
    assert "script" not in svg and "style" not in svg and "http" not in svg and "<path" in svg
    assert "<script>" not in html
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    secret = html.split('id="otp-secret" class="otp-secret">', 1)[1].split("<", 1)[0].replace(" ", "")
    import base64

    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    assert client.get("/officer/").status_code == 302  # not yet
    r = client.post("/account/otp/enrol/", {"code": code_of(device), "next": "/officer/"})
    assert r["Location"] == "/officer/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/officer/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.second_factor_enrolled", actor=officer).count() == 1
    # a later sign-in asks for the code, not a new enrolment
    later = _signed_in_with_password(officer)
    assert later.get("/account/otp/").status_code == 200
    assert later.get("/account/otp/enrol/")["Location"].startswith("/account/otp/?")


def test_other_roles_never_owe_a_code():
    person = make_person("110000", category="flexible")
    user = make_user("individual", person=person)
    client = _signed_in_with_password(user)
    assert client.get("/me/").status_code == 200
    assert client.get("/account/otp/")["Location"] == "/me/"  # nothing owed: on to their own portal


def test_the_api_keeps_working_for_an_officers_token():
    from medpause.accounts.services import token_issue

    officer = make_user("officer", region="110000")
    totp_set_known(officer, SECRET)
    raw = token_issue(user=officer)
    assert Client().get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_the_demo_secret_gives_the_codes():
    from medpause.ops.demo import DEMO_TOTP_SECRET

    officer = make_user("officer", region="110000")
    device = totp_set_known(officer, DEMO_TOTP_SECRET)
    import base64

    assert device.bin_key == base64.b32decode(DEMO_TOTP_SECRET)
