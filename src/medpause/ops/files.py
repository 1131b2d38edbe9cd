"""The data folder is the service's alone: the folder and every folder below it 0700, the
database, the secret key and every stored file 0600. `medpause setup` enforces it (also on an
install made before, when uploads were 0640); new files get it from the umask (077) and
FILE_UPLOAD_PERMISSIONS."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages

DIR_MODE, FILE_MODE = 0o700, 0o600


def _restrict(path: str, mode: int) -> None:
    if not os.path.islink(path) and os.stat(path).st_mode & 0o777 != mode:
        os.chmod(path, mode)


def _restrict_tree(root: Path) -> None:
    if not root.is_dir():
        return
    _restrict(str(root), DIR_MODE)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            _restrict(os.path.join(folder, name), DIR_MODE)
        for name in files:
            _restrict(os.path.join(folder, name), FILE_MODE)


def data_dir_restrict() -> list[Path]:
    """Set the modes; returns the folders walked. The static files inside are read by the
    service itself (WhiteNoise), so they are the service's alone as well."""
    data = Path(settings.DATA_DIR)
    data.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    walked = [data]
    _restrict_tree(data)
    store = storages["default"]
    if isinstance(store, FileSystemStorage):  # a bucket's objects are private by their ACL instead
        files = Path(store.location)
        files.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        if not files.resolve().is_relative_to(data.resolve()):
            _restrict_tree(files)
            walked.append(files)
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and Path(str(database["NAME"])).exists():
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{database['NAME']}{suffix}").exists():
                _restrict(f"{database['NAME']}{suffix}", FILE_MODE)
    return walked
