"""The tests' shortcut of tests/static_files.py: static files are still served, byte for byte
and with the headers the settings ask for, by every new test client; the table is built from
disk once per process and settings, and built again when a setting it depends on changes."""

from pathlib import Path

import pytest
from django.test import Client, override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

import medpause.web

CSS = Path(medpause.web.__file__).resolve().parent / "static" / "web" / "css" / "site.css"
URL = "/static/web/css/site.css"


@pytest.fixture
def walks(monkeypatch):
    """How many times a folder of static files was walked on disk."""
    count = {"n": 0}
    original = WhiteNoiseMiddleware.update_files_dictionary

    def counted(self, root, prefix):
        count["n"] += 1
        return original(self, root, prefix)

    monkeypatch.setattr(WhiteNoiseMiddleware, "update_files_dictionary", counted)
    return count


def _get(client: Client):
    response = client.get(URL)
    assert response.status_code == 200
    return b"".join(response.streaming_content), response


def test_each_new_client_serves_the_file_from_disk_without_walking_the_folders_again(walks):
    first_body, first = _get(Client())
    walks["n"] = 0
    for _ in range(3):
        body, response = _get(Client())
        assert body == first_body == CSS.read_bytes()
        assert response["Content-Type"] == first["Content-Type"]
        assert response["Cache-Control"] == first["Cache-Control"]
    assert walks["n"] == 0
    assert Client().get("/static/web/css/no-such-file.css").status_code == 404


def test_a_changed_setting_builds_the_table_again(walks):
    _get(Client())
    walks["n"] = 0
    with override_settings(WHITENOISE_MAX_AGE=12345):
        _body, response = _get(Client())
        assert "max-age=12345" in response["Cache-Control"]
    assert walks["n"] > 0
    _body, response = _get(Client())
    assert "max-age=12345" not in response["Cache-Control"]


def test_a_static_root_of_its_own_is_read_for_its_own(tmp_path):
    (tmp_path / "only-here.txt").write_text("only in this folder")
    with override_settings(STATIC_ROOT=tmp_path):
        response = Client().get("/static/only-here.txt")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"only in this folder"
        assert _get(Client())[0] == CSS.read_bytes()  # the finders' files are still there
    assert Client().get("/static/only-here.txt").status_code == 404
