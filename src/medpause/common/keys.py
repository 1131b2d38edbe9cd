"""Keys kept outside the database, so that a copy of the database alone (a dump, a backup, a
DBA's SQL console) can neither read the encrypted ID numbers nor rewrite the audit trail unseen.

Each key comes from the environment or, when the variable is unset, from a file of the data
folder that is created with mode 0600 on first use (like `secret_key`):

| key | environment | file | used for |
|---|---|---|---|
| audit | `MEDPAUSE_AUDIT_KEY` | `audit_key` | HMAC of the audit chain, its head, checkpoints, anchors |
| data | `MEDPAUSE_DATA_KEY` | `data_keys` | AES-256-GCM of ID numbers; a ring of `id:key`, the last current |
| index | `MEDPAUSE_INDEX_KEY` | `index_key` | HMAC of normalised ID numbers, the look-up column |

A key is 32 random bytes written in URL-safe base64 (`medpause keys new` prints one). The data
key is a ring so that it can be rotated: every ciphertext names the id of the key that sealed
it; `medpause keys rotate` adds a new key to the file (or takes the last one of the variable)
and re-encrypts every value under it."""

from __future__ import annotations

import base64
import os
import re
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

AUDIT_KEY_ENV, AUDIT_KEY_FILE = "MEDPAUSE_AUDIT_KEY", "audit_key"
DATA_KEY_ENV, DATA_KEY_FILE = "MEDPAUSE_DATA_KEY", "data_keys"
INDEX_KEY_ENV, INDEX_KEY_FILE = "MEDPAUSE_INDEX_KEY", "index_key"
KEY_BYTES = 32
KEY_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


def new_key() -> str:
    """32 random bytes in URL-safe base64, as every key is written."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def _decode(text: str, where: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{where}: a key is {KEY_BYTES} bytes in URL-safe base64") from exc
    if len(raw) != KEY_BYTES:
        raise ImproperlyConfigured(f"{where}: a key is {KEY_BYTES} bytes in URL-safe base64, not {len(raw)}")
    return raw


def _path(name: str) -> Path:
    return Path(settings.DATA_DIR) / name


def _create(path: Path, content: str) -> None:
    """Write a new key file readable by its owner only. It appears whole or not at all (written
    aside, then linked into place), and a concurrent first use keeps the other process's."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        tmp.unlink()


def _single(env: str, filename: str) -> bytes:
    if os.environ.get(env):
        return _decode(os.environ[env], env)
    path = _path(filename)
    if not path.exists():
        _create(path, new_key() + "\n")
    return _decode(path.read_text(), str(path))


@cache
def audit_key() -> bytes:
    return _single(AUDIT_KEY_ENV, AUDIT_KEY_FILE)


@cache
def index_key() -> bytes:
    return _single(INDEX_KEY_ENV, INDEX_KEY_FILE)


@dataclass(frozen=True)
class KeyRing:
    keys: dict[str, bytes]
    current: str
    source: str  # "environment" or the file's path

    @property
    def from_file(self) -> bool:
        return self.source != "environment"


def _parse_ring(text: str, where: str) -> KeyRing:
    keys: dict[str, bytes] = {}
    current = ""
    for entry in re.split(r"[,\n]", text):
        entry = entry.strip()
        if not entry or entry.startswith("#"):
            continue
        key_id, sep, value = entry.partition(":")
        if not sep or not KEY_ID_RE.match(key_id):
            raise ImproperlyConfigured(
                f"{where}: each entry is `id:key`, the id letters and digits (e.g. k1:…)"
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"{where}: the key id {key_id} appears twice")
        keys[key_id] = _decode(value, f"{where} ({key_id})")
        current = key_id
    if not keys:
        raise ImproperlyConfigured(f"{where}: no key")
    return KeyRing(keys, current, where)


@cache
def data_keys() -> KeyRing:
    if os.environ.get(DATA_KEY_ENV):
        return _parse_ring(os.environ[DATA_KEY_ENV], "environment")
    path = _path(DATA_KEY_FILE)
    if not path.exists():
        _create(path, f"k1:{new_key()}\n")
    return _parse_ring(path.read_text(), str(path))


def data_key_add() -> str:
    """Append a new key to the data folder's ring and make it current; returns its id. A ring
    given in the environment is changed there, by whoever deploys the service."""
    ring = data_keys()
    if not ring.from_file:
        raise ImproperlyConfigured(
            f"the data keys come from {DATA_KEY_ENV}: add a new `id:key` entry at its end (medpause keys new)"
        )
    numbers = [int(k[1:]) for k in ring.keys if re.fullmatch(r"k\d+", k)]
    key_id = f"k{max(numbers, default=0) + 1}"
    path = Path(ring.source)
    text = path.read_text()
    tmp = path.with_name(path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text.rstrip("\n") + f"\n{key_id}:{new_key()}\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    keys_forget()
    return key_id


def keys_forget() -> None:
    """Read the keys again on next use (after a rotation, or a test changing them)."""
    audit_key.cache_clear()
    index_key.cache_clear()
    data_keys.cache_clear()
