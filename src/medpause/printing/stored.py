"""Public PDFs rendered once and served from file storage (the data folder or the bucket,
config/storage.py), so every server process and machine shares one rendering.

A stored copy is named by everything it depends on: for the blank form, the region, the policy
version in force (its id and the digest of its file: a new policy renders anew), the kind, the
reason, the language and the day (the form prints the day's date)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

PREFIX = "public-forms"


def stored_pdf(name: str, render: Callable[[], bytes]) -> bytes:
    """The stored copy of `name`, or `render()` stored under it first."""
    path = f"{PREFIX}/{name}"
    if default_storage.exists(path):
        with default_storage.open(path, "rb") as handle:
            return handle.read()
    data = render()
    if not default_storage.exists(path):  # another process may have stored it meanwhile
        default_storage.save(path, ContentFile(data))
    return data
