"""The SMS gateway and the SMTP server of the notice tests, each a real process on a free
port, started by these fixtures and stopped after the test (import them into a conftest or a
test module). Settings point medpause at them for the test."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).parent
TOKEN = "stub-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{args[0]} ended: {process.stderr.read().decode()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{args[0]} did not listen on {port}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class SmsGatewayStub:
    def __init__(self, port: int):
        self.url = f"http://127.0.0.1:{port}/"

    def _call(self, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method="POST" if data else "GET",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    @property
    def messages(self) -> list[dict]:
        return self._call("messages")["messages"]

    @property
    def attempts(self) -> int:
        return self._call("messages")["attempts"]

    def fail_next(self, count: int, status: int = 503) -> None:
        self._call("control", {"fail": count, "status": status})


class SmtpStub:
    def __init__(self, port: int, folder: Path):
        self.port, self.folder = port, folder

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in sorted(self.folder.glob("*.eml"))]


@pytest.fixture
def sms_gateway(settings):
    """The stub SMS gateway, running; MEDPAUSE_SMS_URL and MEDPAUSE_SMS_TOKEN point at it."""
    port = _free_port()
    process = _start([str(HERE / "sms_gateway.py"), str(port), TOKEN], port)
    stub = SmsGatewayStub(port)
    settings.MEDPAUSE_SMS_URL, settings.MEDPAUSE_SMS_TOKEN = stub.url, TOKEN
    yield stub
    _stop(process)


@pytest.fixture
def smtp_server(settings, tmp_path):
    """The local SMTP server, running; Django's SMTP backend sends to it."""
    port = _free_port()
    folder = tmp_path / "mail"
    folder.mkdir()
    process = _start([str(HERE / "smtp_server.py"), str(port), str(folder)], port)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield SmtpStub(port, folder)
    _stop(process)
