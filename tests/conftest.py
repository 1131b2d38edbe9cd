import pytest

from medpause.policy.services import policies_load


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Regions and policies are reference data: load them once into the test database."""
    with django_db_blocker.unblock():
        policies_load()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "files"}},
    }
    settings.MEDIA_ROOT = tmp_path / "files"
