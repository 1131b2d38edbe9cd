import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Users are made by the dozen here: hash with MD5 (tests/accounts checks argon2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
