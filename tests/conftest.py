import pytest

from medpause.policy.models import PolicyVersion
from medpause.policy.services import policies_load


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
def _media_root(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "files"}},
    }
    settings.MEDIA_ROOT = tmp_path / "files"
