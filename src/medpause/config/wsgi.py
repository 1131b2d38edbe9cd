import os

from django.core.wsgi import get_wsgi_application

from medpause.config import restrict_files

restrict_files()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medpause.config.settings")

from medpause.ops.wsgi import instrument  # noqa: E402 - after the settings module is named

# Request ids, /healthz /readyz /metrics, request logs and latency: around every request.
application = instrument(get_wsgi_application())
