"""POST /auth/token, /auth/revoke, GET /auth/me."""

import pytest

from tests.api.conftest import Api, error_of

pytestmark = pytest.mark.django_db


def test_token_for_good_credentials_then_the_token_authenticates(world, anon):
    r = anon.post("/auth/token", {"username": "officer.beijing", "password": "correct-horse-9"})
    assert r.status_code == 200
    body = r.json()
    assert body["role"] == "officer"
    me = Api(body["token"]).get("/auth/me")
    assert me.status_code == 200
    assert me.json()["username"] == "officer.beijing"
    assert me.json()["region"] == "110000"


def test_bad_credentials_answer_401_invalid_credentials(world, anon):
    r = anon.post("/auth/token", {"username": "officer.beijing", "password": "wrong-password"})
    assert r.status_code == 401
    assert error_of(r)["code"] == "invalid_credentials"


def test_token_is_not_stored_in_clear(world, anon):
    from medpause.accounts.models import ApiToken

    token = anon.post("/auth/token", {"username": "hospital", "password": "correct-horse-9"}).json()["token"]
    assert not ApiToken.objects.filter(key_hash=token).exists()
    assert ApiToken.objects.filter(user__username="hospital").count() >= 1


def test_revoked_token_no_longer_authenticates(world):
    api = world.api["individual"]
    assert api.get("/auth/me").status_code == 200
    r = api.post("/auth/revoke")
    assert r.status_code == 204
    again = api.get("/auth/me")
    assert again.status_code == 401
    assert error_of(again)["code"] == "not_authenticated"


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz", "Token abc"])
def test_missing_or_bad_authorization_answers_401_not_authenticated(world, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    r = Api().get("/applications", **extra)
    assert r.status_code == 401
    assert error_of(r)["code"] == "not_authenticated"
    assert r["WWW-Authenticate"].startswith("Bearer")


def test_guessing_passwords_is_throttled(world, anon):
    """Per address, over every user name (a user name alone locks out sooner: tests/accounts/test_throttling.py)."""
    for n in range(30):
        assert anon.post("/auth/token", {"username": f"guess{n}", "password": "guess-guess"}).status_code == 401
    r = anon.post("/auth/token", {"username": "admin", "password": "guess-guess"})
    assert r.status_code == 429
    assert error_of(r)["code"] == "too_many_requests"
    assert int(r["Retry-After"]) > 0
