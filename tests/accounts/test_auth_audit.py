"""Who got in and who gained power (ASVS V2/V7): sign-ins and failed sign-ins (page, admin, API)
with the client's address and never the password, changes to a user's role, binding, staff,
superuser or active flag (services and the admin), tokens issued and revoked: each leaves one
audit event naming its actor, and the chain still verifies."""

import json

import pytest
from django.test import Client

from medpause.accounts.models import User
from medpause.accounts.services import password_change, token_issue, token_revoke, user_deactivate
from medpause.audit.models import AuditEvent
from medpause.audit.services import audit_verify
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-9"


@pytest.fixture
def events():
    """events(action) -> the events of that action recorded since the fixture was made."""
    start = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    def of(action):
        return list(AuditEvent.objects.filter(seq__gt=start, action=action).order_by("seq"))

    return of


def _all_data_text():
    return json.dumps(list(AuditEvent.objects.values_list("data", flat=True)), ensure_ascii=False)


def test_a_sign_in_on_the_page_leaves_one_event_with_the_address(events):
    user = make_user("institution", username="h.page", institution_name="医院", password=PASSWORD)
    r = Client(REMOTE_ADDR="192.0.2.10").post("/login/", {"username": "h.page", "password": PASSWORD})
    assert r.status_code == 302
    (event,) = events("auth.sign_in")
    assert (event.actor_id, event.actor_username, event.target_id) == (user.pk, "h.page", str(user.pk))
    assert event.data == {"ip": "192.0.2.10", "channel": "page"}
    assert audit_verify(full=True).ok


def test_a_failed_sign_in_leaves_one_event_without_the_password(events):
    user = make_user("institution", username="h.fail", institution_name="医院", password=PASSWORD)
    r = Client(REMOTE_ADDR="192.0.2.11").post("/login/", {"username": "h.fail", "password": "a-wrong-guess-77"})
    assert r.status_code == 200
    (event,) = events("auth.sign_in_failed")
    assert event.actor_id is None and event.target_id == str(user.pk)
    assert event.data == {"ip": "192.0.2.11", "channel": "page", "username": "h.fail", "locked_out": False}
    assert "a-wrong-guess-77" not in _all_data_text()
    # an unknown user name is recorded too, with no target user
    Client().post("/login/", {"username": "nobody-here", "password": "a-wrong-guess-77"})
    assert events("auth.sign_in_failed")[-1].target_id == ""
    assert audit_verify(full=True).ok


def test_the_admin_and_the_api_sign_ins_are_recorded_with_their_channel(events):
    make_user("admin", username="root", password=PASSWORD)
    Client().post("/admin/login/", {"username": "root", "password": PASSWORD})
    Client().post("/api/v1/auth/token", json.dumps({"username": "root", "password": "a-wrong-guess-77"}),
                  content_type="application/json")
    r = Client().post("/api/v1/auth/token", json.dumps({"username": "root", "password": PASSWORD}),
                      content_type="application/json")
    assert r.status_code == 200
    assert [e.data["channel"] for e in events("auth.sign_in")] == ["admin", "api"]
    assert [e.data["channel"] for e in events("auth.sign_in_failed")] == ["api"]
    (issued,) = events("token.issue")
    assert issued.actor_username == "root" and issued.data["prefix"] == r.json()["token"][3:9]
    assert "a-wrong-guess-77" not in _all_data_text() and PASSWORD not in _all_data_text()


def test_tokens_issued_and_revoked_leave_one_event_each(events):
    admin = make_user("admin")
    user = make_user("institution", institution_name="医院")
    raw = token_issue(user=user)
    token_revoke(raw=raw, actor=admin)
    (issued,), (revoked,) = events("token.issue"), events("token.revoke")
    assert issued.actor_id == user.pk and revoked.actor_id == admin.pk
    assert issued.data["prefix"] == revoked.data["prefix"] == raw[3:9]
    assert audit_verify(full=True).ok


def test_a_password_change_and_a_deactivation_record_the_tokens_they_end(events):
    admin = make_user("admin")
    user = make_user("institution", institution_name="医院")
    token_issue(user=user)
    password_change(user=user, password="another-long-secret", actor=admin)
    (changed,) = events("user.password_change")
    (revoked,) = events("token.revoke")
    assert changed.actor_id == admin.pk and revoked.actor_id == admin.pk
    assert revoked.data["reason"] == "password_change"
    token_issue(user=user)
    user_deactivate(user=user, actor=admin)
    (powers,) = events("user.powers_change")
    assert powers.actor_id == admin.pk and powers.data == {"changes": {"is_active": [True, False]}}
    assert events("token.revoke")[-1].data["reason"] == "deactivated"
    assert audit_verify(full=True).ok


def test_role_and_superuser_changes_in_the_admin_name_the_administrator(events):
    admin = make_user("admin", username="root")
    user = make_user("institution", username="h.rise", institution_name="医院")
    client = Client()
    client.force_login(admin)
    form = {
        "username": "h.rise", "first_name": "", "last_name": "", "email": "", "is_active": "on", "is_staff": "on",
        "is_superuser": "on", "role": "admin", "region": "", "person": "", "unit": "", "institution_name": "",
        "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00", "last_login_0": "", "last_login_1": "",
    }
    r = client.post(f"/admin/accounts/user/{user.pk}/change/", form)
    assert r.status_code == 302, r.content.decode()[:3000]
    (event,) = events("user.powers_change")
    assert (event.actor_id, event.actor_username, event.target_id) == (admin.pk, "root", str(user.pk))
    assert event.data["changes"] == {"role": ["institution", "admin"], "institution_name": ["医院", ""],
                                     "is_staff": [False, True], "is_superuser": [False, True]}
    assert audit_verify(full=True).ok


def test_a_user_made_in_the_admin_is_recorded_with_its_maker(events):
    admin = make_user("admin", username="root")
    client = Client()
    client.force_login(admin)
    r = client.post("/admin/accounts/user/add/", {"username": "new.one", "password1": "long-enough-pass-1",
                                                  "password2": "long-enough-pass-1", "usable_password": "true"})
    assert r.status_code == 302, r.content.decode()[:3000]
    (event,) = [e for e in events("user.create") if e.target_id == str(User.objects.get(username="new.one").pk)]
    assert event.actor_id == admin.pk and event.data["role"] == "individual"


def test_a_lockout_is_recorded_as_a_failed_sign_in_locked_out(events):
    make_user("institution", username="h.lock", institution_name="医院", password=PASSWORD)
    for _ in range(5):
        Client().post("/login/", {"username": "h.lock", "password": "a-wrong-guess-77"})
    assert [e.data["locked_out"] for e in events("auth.sign_in_failed")] == [False] * 4 + [True]
