"""The data folder is readable by the service only: the folder 0700, the database, the secret
key and stored documents 0600, after `medpause setup` and after an upload; the entry points run
with umask 077."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from medpause.cases.services import application_create, document_add
from medpause.common.dates import today
from tests.factories import PNG_1PX, make_person, make_user


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MEDPAUSE_S3_BUCKET")}
    return {**env, "MEDPAUSE_DATA_DIR": str(data_dir)}


def test_setup_leaves_the_data_folder_to_the_service_alone(tmp_path):
    data = tmp_path / "var"
    # an install made before: a world-readable folder and an upload stored 0644
    (data / "files" / "documents" / "2024" / "01").mkdir(parents=True, mode=0o755)
    os.chmod(data, 0o755)
    old = data / "files" / "documents" / "2024" / "01" / "old.pdf"
    old.write_bytes(b"%PDF-1.4\n%%EOF")
    os.chmod(old, 0o644)
    medpause = Path(sys.executable).parent / "medpause"
    done = subprocess.run([str(medpause), "setup"], env=_env(data), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert mode(data) == 0o700
    assert mode(data / "medpause.sqlite3") == 0o600
    assert mode(data / "secret_key") == 0o600
    assert mode(data / "files") == 0o700
    assert mode(data / "files" / "documents" / "2024" / "01") == 0o700
    assert mode(old) == 0o600
    for path in data.rglob("*"):  # nothing in it is readable by group or others
        assert mode(path) & 0o077 == 0, f"{path.relative_to(data)} is {oct(mode(path))}"


@pytest.mark.parametrize("entry", ["medpause.config.wsgi", "medpause.config.asgi"])
def test_the_serving_processes_run_with_umask_077(tmp_path, entry):
    code = f"import os, {entry}; print(oct(os.umask(0)))"
    done = subprocess.run([sys.executable, "-c", code], env=_env(tmp_path / "var"), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0o77"


def test_the_command_runs_with_umask_077(tmp_path):
    """Every `medpause` command (setup, the reminder and batch jobs, a task worker) starts with it."""
    code = "import os, sys; sys.argv = ['medpause', 'check']; from medpause.config.cli import main; main(); print(oct(os.umask(0)))"
    done = subprocess.run([sys.executable, "-c", code], env=_env(tmp_path / "var"), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "0o77"


@pytest.mark.django_db
def test_an_uploaded_document_is_0600_in_folders_0700():
    person = make_person("310000", category="flexible")
    me = make_user("individual", person=person)
    app = application_create(actor=me, kind="stop", person=person, reason="flexible_pause", start_date=today(),
                             end_date=today() + dt.timedelta(days=30))
    document = document_add(actor=me, application=app, kind="id_card", data=PNG_1PX, filename="id.png")
    path = Path(document.file.path)
    assert mode(path) == 0o600
    folder = path.parent
    while folder != Path(settings.MEDIA_ROOT):
        assert mode(folder) == 0o700, folder
        folder = folder.parent
