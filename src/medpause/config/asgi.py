import os

from django.core.asgi import get_asgi_application

from medpause.config import restrict_files

restrict_files()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medpause.config.settings")
application = get_asgi_application()
