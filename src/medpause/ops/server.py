"""The production HTTP server: granian (a Rust HTTP server) running the WSGI application
(config/wsgi.py) in worker processes. Chosen on measurements (docs/performance.md, "Hot path"):
against gunicorn's sync workers it keeps connections alive and parses HTTP outside Python.

`medpause serve` calls serve(); the command line of the server is built by server_argv() so it
can be read and tested without starting anything.

MEDPAUSE_WORKERS  worker processes (default: one per CPU, os.cpu_count())
MEDPAUSE_THREADS  threads per worker answering requests (default 4): a request waiting on the
                  database or building a PDF does not hold up the others
"""

from __future__ import annotations

import os
import sys

# gunicorn's --limit-request-line: the WSGI entry point answers 414 beyond it (config/wsgi.py)
MAX_REQUEST_LINE = 8190
# Bytes of a request's head (request line and headers) the server buffers at most
# (gunicorn allowed 100 header fields of 8 KiB each).
MAX_HEAD_BYTES = 64 * 1024
DEFAULT_THREADS = 4


def workers_from_machine() -> int:
    value = os.environ.get("MEDPAUSE_WORKERS", "").strip()
    if value:
        return max(1, int(value))
    return max(1, os.cpu_count() or 1)


def threads_per_worker() -> int:
    value = os.environ.get("MEDPAUSE_THREADS", "").strip()
    return max(1, int(value)) if value else DEFAULT_THREADS


def server_argv(*, host: str, port: int | str, workers: int | None = None, threads: int | None = None) -> list[str]:
    """The server's command line. No access log: the server would print each request line,
    query strings (card numbers) included; Django logs refused requests by path only."""
    workers = workers or workers_from_machine()
    threads = threads or threads_per_worker()
    return [
        sys.executable, "-m", "granian", "medpause.config.wsgi:application",
        "--interface", "wsgi",
        "--host", host, "--port", str(port),
        "--workers", str(workers),
        "--blocking-threads", str(threads),
        "--backpressure", str(threads * 16),
        "--no-ws",
        "--no-access-log",
        "--http1-buffer-size", str(MAX_HEAD_BYTES),
        "--http1-header-read-timeout", "30000",
        "--respawn-failed-workers",
        "--workers-kill-timeout", "30",
    ]


def serve(*, host: str, port: int | str, workers: int | None = None, threads: int | None = None) -> None:
    """Replace this process with the server (never returns)."""
    argv = server_argv(host=host, port=port, workers=workers, threads=threads)
    os.execv(argv[0], argv)
