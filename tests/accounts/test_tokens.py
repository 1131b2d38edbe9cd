"""Accounts: argon2 passwords, API tokens stored only as hashes and revocable, role bindings."""

import datetime as dt
import os

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.test import RequestFactory
from django.utils import timezone

from medpause.accounts.models import ApiToken, User
from medpause.accounts.services import token_authenticate, token_issue, token_login, token_revoke, user_create
from medpause.common.errors import Conflict, NotFound, Refused
from tests.factories import make_person, make_user, region

pytestmark = pytest.mark.django_db


def _request():
    return RequestFactory().post("/api/v1/auth/token")


@pytest.mark.real_hasher
def test_argon2_is_the_password_hasher():
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert get_hasher("default").algorithm == "argon2"
    user = make_user("admin", password="a-long-password")
    stored = User.objects.get(pk=user.pk).password
    assert stored.startswith("argon2$") and "a-long-password" not in stored
    assert user.check_password("a-long-password") and not user.check_password("wrong-password")



def test_other_tests_hash_with_the_fast_hasher():
    user = make_user("admin", password="a-long-password")
    assert User.objects.get(pk=user.pk).password.startswith("md5$")

def test_a_token_is_stored_only_as_its_hash():
    user = make_user("officer", region="110000", password="s3cret-pass-long")
    raw, who, _expires = token_login(request=_request(), username=user.username, password="s3cret-pass-long")
    assert who == user and raw.startswith("mp_") and len(raw) > 40
    token = ApiToken.objects.get(user=user)
    assert token.key_hash != raw and len(token.key_hash) == 64
    assert raw not in token.key_hash and raw[3:] not in token.key_hash
    assert token.prefix == raw[3:9]
    stored = [str(v) for v in ApiToken.objects.values_list("key_hash", "prefix", "user__username")[0]]
    assert not any(raw in v or raw[3:] in v for v in stored)
    assert token_authenticate(raw=raw) == user
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_wrong_password_or_inactive_user_gets_no_token():
    user = make_user("officer", region="110000", password="s3cret-pass-long")
    assert token_login(request=_request(), username=user.username, password="nope-nope-nope") is None
    assert token_login(request=_request(), username="nobody", password="s3cret-pass-long") is None
    raw, _, _ = token_login(request=_request(), username=user.username, password="s3cret-pass-long")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert token_login(request=_request(), username=user.username, password="s3cret-pass-long") is None
    assert token_authenticate(raw=raw) is None
    assert ApiToken.objects.filter(user=user).count() == 1


def test_a_revoked_token_no_longer_authenticates():
    user = make_user("officer", region="110000")
    raw, other = token_issue(user=user), token_issue(user=user)
    token_revoke(raw=raw)
    assert token_authenticate(raw=raw) is None
    assert token_authenticate(raw=other) == user  # revoking one leaves the others
    with pytest.raises(NotFound):
        token_revoke(raw=raw)  # already revoked
    token_revoke(token_id=ApiToken.objects.get(prefix=other[3:9]).pk)
    assert token_authenticate(raw=other) is None


@pytest.mark.parametrize("raw", ["", "mp_", "mp_not-a-real-token", "Bearer x"])
def test_unknown_tokens_do_not_authenticate(raw):
    make_user("officer", region="110000")
    assert token_authenticate(raw=raw) is None


def test_roles_need_their_binding():
    cases = [
        ("officer", {}, "region"),
        ("individual", {}, "person_id"),
        ("unit_agent", {}, "unit_id"),
        ("institution", {}, "institution_name"),
    ]
    for role, binding, field in cases:
        with pytest.raises(Refused) as exc:
            user_create(username=f"u-{role}", password="long-enough-pass", role=role, **binding)
        assert exc.value.code == "binding_required" and exc.value.details == {"field": field}
    with pytest.raises(Refused) as exc:
        user_create(username="x", password="long-enough-pass", role="superhero")
    assert exc.value.code == "invalid_role"
    with pytest.raises(Refused) as exc:
        user_create(username="x", password="short", role="admin")
    assert exc.value.code == "weak_password"


def test_bindings_follow_the_role_and_usernames_are_unique():
    person = make_person("310000", category="flexible")
    user = user_create(username="li", password="long-enough-pass", role="individual", person=person, region=region("110000"))
    assert (user.person, user.region, user.is_staff) == (person, None, False)
    admin = user_create(username="root", password="long-enough-pass", role="admin")
    assert admin.is_staff and admin.is_superuser
    with pytest.raises(Conflict) as exc:
        user_create(username="li", password="long-enough-pass", role="admin")
    assert exc.value.code == "username_taken"


# --- the token cache --------------------------------------------------------------------------


@pytest.fixture
def cached_token(django_assert_num_queries):
    from django.core.cache import caches

    caches["tokens"].clear()
    user = make_user("institution", institution_name="协和医院")
    raw = token_issue(user=user)
    assert token_authenticate(raw=raw) == user  # read once, kept
    with django_assert_num_queries(0):
        cached = token_authenticate(raw=raw)
    assert cached == user and cached.role == "institution" and cached.institution_name == "协和医院"
    return user, raw


def test_a_cached_user_has_no_password_hash_in_the_cache_but_loads_it_if_asked(cached_token):
    from django.core.cache import caches

    user, raw = cached_token
    from medpause.accounts.services import _cache_key, _hash

    entry = caches["tokens"].get(_cache_key(_hash(raw)))
    assert user.password not in [str(v) for v in entry]
    cached = token_authenticate(raw=raw)
    assert cached.check_password("correct-horse-9")  # the deferred hash is read from the database


def test_revocation_is_seen_at_once_despite_the_cache(cached_token, django_assert_num_queries):
    _user, raw = cached_token
    token_revoke(raw=raw)
    assert token_authenticate(raw=raw) is None


def test_a_password_change_ends_the_cached_token(cached_token):
    user, raw = cached_token
    user.set_password("another-long-one")
    user.save(update_fields=["password"])
    assert token_authenticate(raw=raw) is None
    assert ApiToken.objects.get(user=user).revoked_at is not None


def test_deactivation_ends_the_cached_token(cached_token):
    user, raw = cached_token
    user.is_active = False
    user.save()
    assert token_authenticate(raw=raw) is None
    assert ApiToken.objects.get(user=user).revoked_at is not None


def test_a_change_to_the_binding_empties_the_cache(cached_token, django_assert_num_queries):
    user, raw = cached_token
    user.institution_name = "另一家医院"
    user.save()
    with django_assert_num_queries(1):  # read again: the entry is gone
        assert token_authenticate(raw=raw).institution_name == "另一家医院"


def test_a_last_login_does_not_empty_the_cache(cached_token, django_assert_num_queries):
    from django.contrib.auth.models import update_last_login

    user, raw = cached_token
    update_last_login(None, user)
    with django_assert_num_queries(0):
        assert token_authenticate(raw=raw) == user


def test_another_process_revoking_empties_this_processs_cache(cached_token):
    """Other worker processes keep their own cache: the epoch file tells them to drop it."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from medpause.accounts.services import _epoch_path

    if not isinstance(caches["tokens"], LocMemCache):
        pytest.skip("a shared cache server (MEDPAUSE_REDIS_URL) sees deletions itself: no epoch file")

    user, raw = cached_token
    ApiToken.objects.filter(user=user).update(revoked_at=timezone.now())  # as seen from here: no signal
    assert token_authenticate(raw=raw) == user  # still cached in this process
    path = _epoch_path()
    path.touch()
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000))  # what tokens_forget does elsewhere
    assert token_authenticate(raw=raw) is None


def test_last_use_is_written_at_most_every_five_minutes(django_assert_num_queries):
    from django.core.cache import caches

    user = make_user("institution", institution_name="华山医院")
    raw = token_issue(user=user)
    caches["tokens"].clear()
    with django_assert_num_queries(2):  # the read, and the first use written
        token_authenticate(raw=raw)
    caches["tokens"].clear()
    with django_assert_num_queries(1):  # read again after the cache expired: no write
        token_authenticate(raw=raw)
    ApiToken.objects.filter(user=user).update(last_used_at=timezone.now() - dt.timedelta(minutes=6))
    caches["tokens"].clear()
    with django_assert_num_queries(2):
        token_authenticate(raw=raw)
