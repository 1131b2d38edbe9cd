"""Readiness: does each thing the service needs answer? `checks()` names each one with "ok" or
the kind of failure (an exception's class name: never a message, which could carry data)."""

from __future__ import annotations

import logging
import os

from django.core.files.storage import storages
from django.db import connections

from medpause.ops.queue import queue_state

logger = logging.getLogger(__name__)


def database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def storage() -> None:
    """The documents' storage: the bucket answers (S3), or the folder is there and writable."""
    store = storages["default"]
    bucket = getattr(store, "bucket", None)
    if bucket is not None:  # django-storages' S3Storage
        bucket.meta.client.head_bucket(Bucket=bucket.name)
        return
    location = getattr(store, "location", None)
    if location is not None:
        os.makedirs(location, mode=0o700, exist_ok=True)  # as the first upload would
        if not os.access(location, os.W_OK | os.X_OK):
            raise PermissionError("storage folder not writable")
        return
    store.exists("readyz")


def task_queue() -> None:
    queue_state()  # None (no queue configured) counts as ok; a queue that does not answer raises


CHECKS = {"database": database, "storage": storage, "task_queue": task_queue}


def checks() -> dict[str, str]:
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready", named, never raised
            logger.warning("readiness: %s does not answer (%s)", name, type(exc).__name__)
            results[name] = type(exc).__name__
    return results
