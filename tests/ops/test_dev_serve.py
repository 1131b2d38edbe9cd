"""`./dev serve` does everything the README's first command promises: the server, and a
`medpause worker` beside it that stops when serve stops."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> dict[int, str]:
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, ValueError):
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_dev_serve_starts_a_worker_beside_the_server_and_stops_it_with_the_server(tmp_path):
    port = _free_port()
    env = {**os.environ, "MEDPAUSE_DATA_DIR": str(tmp_path / "var"), "PORT": str(port), "MEDPAUSE_WORKERS": "1"}
    env.pop("DATABASE_URL", None)
    dev = subprocess.Popen(["./dev", "serve"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while True:
            assert dev.poll() is None, "./dev serve stopped"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not answer"
            time.sleep(1)
        workers = [pid for pid, cmd in _children(dev.pid).items() if "medpause worker" in cmd]
        assert len(workers) == 1, _children(dev.pid)
    finally:
        dev.send_signal(signal.SIGTERM)
        dev.wait(timeout=60)
    deadline = time.monotonic() + 30
    while _alive(workers[0]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(workers[0])  # the worker stopped with serve
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
        raise AssertionError("the server still answers")
    except OSError:
        pass
