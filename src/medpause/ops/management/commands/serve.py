import os
import sys

from django.core.management import BaseCommand


class Command(BaseCommand):
    help = "Serve the product with gunicorn (static files through WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--workers", default=os.environ.get("MEDPAUSE_WORKERS", "3"))

    def handle(self, *args, host, port, workers, **options):
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        self.stdout.write(f"Serving medpause at http://{host}:{port}/")
        self.stdout.flush()
        argv = [
            sys.executable, "-m", "gunicorn", "medpause.config.wsgi:application",
            "--bind", bind, "--workers", str(workers), "--access-logfile", "-", "--timeout", "120",
            "--limit-request-line", "8190",
        ]
        os.execv(sys.executable, argv)
