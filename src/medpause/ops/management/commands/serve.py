import os
import shutil
import sys

from django.conf import settings
from django.core.management import BaseCommand


def metrics_dir() -> str:
    """PROMETHEUS_MULTIPROC_DIR for the worker processes, emptied: counts start again with the
    server, and a dead worker's files from an earlier run are not added in (medpause.ops.metrics)."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or str(settings.MEDPAUSE_METRICS_DIR)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


class Command(BaseCommand):
    help = "Serve the product with gunicorn (static files through WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--workers", default=os.environ.get("MEDPAUSE_WORKERS", "3"))

    def handle(self, *args, host, port, workers, **options):
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir()
        self.stdout.write(f"Serving medpause at http://{host}:{port}/")
        self.stdout.flush()
        # No access log of the server's own: it would print query strings (card numbers). The
        # application writes one JSON line per request instead (medpause.ops.wsgi).
        argv = [
            sys.executable, "-m", "gunicorn", "medpause.config.wsgi:application",
            "--bind", bind, "--workers", str(workers), "--timeout", "120",
            "--limit-request-line", "8190",
        ]
        os.execv(sys.executable, argv)
