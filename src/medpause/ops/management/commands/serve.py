import os
import shutil

from django.conf import settings
from django.core.management import BaseCommand

from medpause.ops.server import serve, threads_per_worker, workers_from_machine


def metrics_dir() -> str:
    """PROMETHEUS_MULTIPROC_DIR for the worker processes, emptied: counts start again with the
    server, and a dead worker's files from an earlier run are not added in (medpause.ops.metrics)."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or str(settings.MEDPAUSE_METRICS_DIR)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


class Command(BaseCommand):
    help = "Serve the product (granian; static files through WhiteNoise). See medpause.ops.server."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--workers", type=int, default=None,
                            help="worker processes (default: MEDPAUSE_WORKERS, else one per CPU)")
        parser.add_argument("--threads", type=int, default=None,
                            help="threads per worker (default: MEDPAUSE_THREADS, else 4)")

    def handle(self, *args, host, port, workers, threads, **options):
        workers = workers or workers_from_machine()
        threads = threads or threads_per_worker()
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir()
        self.stdout.write(f"Serving medpause at http://{host}:{port}/ ({workers} workers, {threads} threads each)")
        self.stdout.flush()
        # No access log of the server's own: it would print query strings (card numbers). The
        # application writes one JSON line per request instead (medpause.ops.wsgi).
        serve(host=host, port=port, workers=workers, threads=threads)
