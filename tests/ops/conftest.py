"""Calling the WSGI entry point itself (config/wsgi.py), as a server would: the wrapper around
every request, the operations endpoints, the request log."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.test import RequestFactory

from tests.api.conftest import world  # noqa: F401 - the API tests' small world, for the storage tests


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    def json(self):
        import json

        return json.loads(self.body)


@pytest.fixture(scope="session")
def wsgi_app():
    """config/wsgi.py's application; the umask it sets for the serving process is put back for
    the rest of the tests (tests/ops/test_files.py checks it in a process of its own)."""
    before = os.umask(0o022)
    os.umask(before)
    from medpause.config.wsgi import application

    os.umask(before)
    return application


@pytest.fixture
def call(wsgi_app):
    def call(path: str, *, method: str = "GET", data=None, remote_addr: str = "127.0.0.1", **headers) -> Answer:
        factory = RequestFactory(REMOTE_ADDR=remote_addr)
        if method == "POST":
            request = factory.post(path, data or "", content_type="application/json", **headers)
        else:
            request = factory.generic(method, path, **headers) if data is None else factory.get(path, data, **headers)
        seen = {}

        def start_response(status, response_headers, exc_info=None):
            seen["status"], seen["headers"] = int(status.split()[0]), dict(response_headers)

        body = wsgi_app(request.environ, start_response)
        try:
            content = b"".join(body)
        finally:
            body.close()
        return Answer(seen["status"], seen["headers"], content)

    return call
