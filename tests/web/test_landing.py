"""After signing in each role lands on its own portal, not the public home page; a `next`
still wins; an officer gives the one-time code first and then lands on the queue."""

import pytest
from django.test import Client

from tests.factories import make_person, make_unit, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-9"


def sign_in(user, **extra):
    return Client().post("/login/", {"username": user.username, "password": PASSWORD, **extra})


@pytest.mark.parametrize(("role", "landing"), [
    ("individual", "/me/"), ("unit_agent", "/unit/"), ("institution", "/"),
])
def test_each_role_lands_on_its_own_portal(role, landing):
    kwargs = {"individual": {"person": make_person("110000")}, "unit_agent": {"unit": make_unit("110000")},
              "institution": {"institution_name": "示例医院"}}[role]
    user = make_user(role, password=PASSWORD, **kwargs)
    response = sign_in(user)
    assert response.status_code == 302 and response["Location"] == landing


def test_a_next_address_still_wins():
    user = make_user("individual", person=make_person("110000"), password=PASSWORD)
    response = sign_in(user, next="/guide/")
    assert response["Location"] == "/guide/"


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_officers_and_administrators_give_the_code_then_land_on_the_queue(role):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user(role, password=PASSWORD, **({"region": "110000"} if role == "officer" else {}))
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    first = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert first.status_code == 302 and first["Location"] == "/officer/"
    gate = client.get("/officer/")
    assert gate.status_code == 302 and gate["Location"].startswith("/account/otp/")
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    done = client.post("/account/otp/", {"code": code})
    assert done.status_code == 302 and done["Location"] == "/officer/"
