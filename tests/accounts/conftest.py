import pytest


@pytest.fixture(autouse=True)
def _own_token_epoch(settings, tmp_path):
    """Test processes running side by side revoke tokens too: each test watches its own epoch
    file, so another process's revocation does not empty this one's token cache mid-test."""
    settings.MEDPAUSE_TOKEN_EPOCH_FILE = tmp_path / "token-epoch"
