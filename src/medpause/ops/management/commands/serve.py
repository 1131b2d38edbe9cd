from django.core.management import BaseCommand

from medpause.ops.server import serve, threads_per_worker, workers_from_machine


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
        self.stdout.write(f"Serving medpause at http://{host}:{port}/ ({workers} workers, {threads} threads each)")
        self.stdout.flush()
        serve(host=host, port=port, workers=workers, threads=threads)
