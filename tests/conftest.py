import pytest
from django.conf import settings as django_settings
from django.test import Client

from medpause.policy.models import PolicyVersion
from medpause.policy.services import policies_load
from tests.static_files import remember_static_files

# Every test client builds its own middleware chain: WhiteNoise's table of static files is read
# from disk once per process and per settings, not once per client (tests/static_files.py).
remember_static_files()

if "replica" not in django_settings.DATABASES:
    # A second alias for the read replica, mirroring the test database (MEDPAUSE_REPLICA_URL gives
    # one in production). Reads go to it only where settings.MEDPAUSE_REPLICA_ALIAS names it, as
    # in tests/ops/test_replica.py; everywhere else everything stays on "default".
    _default = django_settings.DATABASES["default"]
    django_settings.DATABASES["replica"] = {
        **_default, "TEST": {**_default.get("TEST", {}), "MIRROR": "default", "NAME": None},
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Regions and policies are reference data: load them once into the test database."""
    with django_db_blocker.unblock():
        policies_load()


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Transactional tests (live server, background threads) flush the database after each
    test; load the reference data again for them."""
    marker = request.node.get_closest_marker("django_db")
    wants_tx = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if wants_tx:
        request.getfixturevalue("transactional_db")
        if not PolicyVersion.objects.exists():
            policies_load()


@pytest.fixture(autouse=True)
def _fast_passwords(request, settings):
    """Users are made by the hundred here: hash their passwords with MD5, not argon2 (slow by
    design). A test of the real hasher is marked `real_hasher`."""
    if request.node.get_closest_marker("real_hasher") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "files"}},
    }
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture(autouse=True)
def _own_token_epoch(settings, tmp_path):
    """Test processes running side by side revoke tokens too: each test watches its own token
    cache epoch file, so another process's revocation does not empty this one's cache mid-test."""
    settings.MEDPAUSE_TOKEN_EPOCH_FILE = tmp_path / "token-epoch"


@pytest.fixture(autouse=True)
def _one_throttle_window(monkeypatch):
    """Rate limits count in fixed windows of a minute: a test's requests all fall in the window
    it started in, however slowly a loaded machine serves them (a window ending mid-test would
    reset the count and let the request that must be refused through)."""
    import time
    from types import SimpleNamespace

    from medpause.common import throttle

    started = time.time()
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: started))


@pytest.fixture(autouse=True)
def _public_rate(settings):
    """The public pages and API are limited per client address, and every test client is one
    address: out of the way here, lowered by the tests of the limit itself."""
    settings.MEDPAUSE_PUBLIC_RATE = 1_000_000


@pytest.fixture(autouse=True)
def _audit_anchors(settings, tmp_path):
    """Each test's audit chain is anchored (if at all) in its own file, never in the data
    folder's, which belongs to the database of `./dev serve`."""
    settings.MEDPAUSE_AUDIT_ANCHOR = str(tmp_path / "audit-anchors.jsonl")


password_only_login = Client.force_login  # signed in with the password, the one-time code still owed


def _fully_signed_in(self, user, backend=None):
    """Client.force_login in these tests: a whole sign-in, the one-time code of an officer or
    administrator included (tests/accounts/test_second_factor.py signs in with the password
    only, through `password_only_login`)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from medpause.accounts.permissions import needs_second_factor

    password_only_login(self, user, backend)
    if needs_second_factor(user):
        device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "test"})
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture(autouse=True)
def _second_factor_given(monkeypatch):
    monkeypatch.setattr(Client, "force_login", _fully_signed_in)
