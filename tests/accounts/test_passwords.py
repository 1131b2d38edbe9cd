"""Passwords (ASVS V2.1): at least 12 characters, not like the user's names, not common, not only
digits, wherever one is set; a page where every signed-in user changes theirs."""

import pytest
from django.test import Client

from medpause.accounts.models import ApiToken, User
from medpause.accounts.services import password_change, token_authenticate, token_issue, user_create
from medpause.common.errors import Refused
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-9"


@pytest.mark.parametrize(("username", "password"), [
    ("li.si", "eleven-char"),  # 11 characters
    ("li.si", "123456789012345"),  # only digits
    ("li.si", "password1234"),  # a common password
    ("zhangwei.officer", "zhangwei.officer1"),  # like the user name
])
def test_weak_passwords_are_refused_when_a_user_is_made(username, password):
    with pytest.raises(Refused) as exc:
        user_create(username=username, password=password, role="institution", institution_name="医院")
    assert exc.value.code == "weak_password"
    assert not User.objects.filter(username=username).exists()


def test_twelve_characters_are_enough():
    assert user_create(username="li.si", password="river-tiger9", role="institution", institution_name="医院")


def test_the_demo_password_passes_the_rules():
    from medpause.ops.demo import DEMO_PASSWORD

    assert len(DEMO_PASSWORD) >= 12
    assert user_create(username="demo.check", password=DEMO_PASSWORD, role="institution", institution_name="医院")


def test_the_password_change_service_applies_the_rules():
    user = make_user("institution", institution_name="医院", password=PASSWORD)
    with pytest.raises(Refused):
        password_change(user=user, password="short-one")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def _change(client, old, new, again=None, language="en"):
    return client.post("/account/password/", {"old_password": old, "new_password1": new,
                                              "new_password2": again or new}, HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize("role", ["individual", "unit_agent", "institution", "officer", "admin"])
def test_every_signed_in_user_finds_the_page_in_the_header(role, world_users):
    client = Client()
    client.force_login(world_users[role])
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/account/password/"' in home
    page = client.get("/account/password/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and "修改密码" in page.content.decode()


@pytest.fixture
def world_users():
    from tests.factories import make_person, make_unit

    unit = make_unit("110000")
    return {
        "individual": make_user("individual", person=make_person("110000", unit=unit)),
        "unit_agent": make_user("unit_agent", unit=unit),
        "institution": make_user("institution", institution_name="医院"),
        "officer": make_user("officer", region="110000"),
        "admin": make_user("admin"),
    }


def test_changing_the_password_on_the_page_ends_tokens_and_other_sessions():
    user = make_user("institution", institution_name="医院", password=PASSWORD)
    raw = token_issue(user=user)
    here, elsewhere = Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)
    assert elsewhere.get("/account/password/").status_code == 200

    r = _change(here, PASSWORD, "a-brand-new-secret")
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-secret")
    assert here.get("/account/password/").status_code == 200  # this session goes on
    assert elsewhere.get("/account/password/")["Location"].startswith("/login/")  # the other one ended
    assert token_authenticate(raw=raw) is None
    assert ApiToken.objects.get(user=user).revoked_at is not None


def test_the_page_refuses_a_wrong_current_password_and_a_weak_new_one():
    user = make_user("institution", institution_name="医院", password=PASSWORD)
    client = Client()
    client.force_login(user)
    wrong = _change(client, "not-my-password", "a-brand-new-secret")
    assert wrong.status_code == 200 and "error-message" in wrong.content.decode()
    weak = _change(client, PASSWORD, "1234567890123")
    assert weak.status_code == 200 and "error-message" in weak.content.decode()
    mismatch = _change(client, PASSWORD, "a-brand-new-secret", "another-new-secret")
    assert mismatch.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_admin_setting_a_password_ends_the_users_tokens():
    admin = make_user("admin", password=PASSWORD)
    user = make_user("institution", institution_name="医院", password=PASSWORD)
    raw = token_issue(user=user)
    client = Client()
    client.force_login(admin)
    r = client.post(f"/admin/accounts/user/{user.pk}/password/",
                    {"password1": "set-by-the-admin-1", "password2": "set-by-the-admin-1", "usable_password": "true"})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert token_authenticate(raw=raw) is None
