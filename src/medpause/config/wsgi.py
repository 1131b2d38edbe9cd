"""The WSGI entry point: `application`.

Around every request, lean or not: request ids, /healthz /readyz /metrics, one JSON log line
and its latency (medpause.ops.wsgi). Inside: requests under /api/v1/ go to the API's own
handler, with only the middleware the API needs (settings.MEDPAUSE_API_MIDDLEWARE), and the
two hot operations to their lean path (medpause.api.hot); pages, the admin and static files go
through the full stack (settings.MIDDLEWARE). A request line longer than 8 KiB is refused with
414 before either, as the OpenAPI document declares."""

import os

from medpause.config import restrict_files

restrict_files()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medpause.config.settings")

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

MAX_REQUEST_LINE = 8190  # bytes
API_PREFIX = "/api/v1/"
URI_TOO_LONG = (b"<!DOCTYPE html><html><head><title>414 URI Too Long</title></head>"
                b"<body><h1>414 URI Too Long</h1><p>The request line is longer than 8 KiB.</p></body></html>")


class ApiHandler(WSGIHandler):
    """Django's WSGI handler with the API's middleware stack instead of the pages'."""

    def load_middleware(self, is_async=False):
        pages = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.MEDPAUSE_API_MIDDLEWARE  # read once, here, at start-up
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = pages


def request_line_length(environ) -> int:
    """The length of the request line as the client sent it (method, target, protocol)."""
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if not target:
        from urllib.parse import quote

        target = quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""), safe="/;=,:@!$&'()*+~")
        if environ.get("QUERY_STRING"):
            target += "?" + environ["QUERY_STRING"]
    return len(environ.get("REQUEST_METHOD", "")) + len(target) + len(environ.get("SERVER_PROTOCOL", "")) + 2


pages = get_wsgi_application()

from medpause.api.hot import HotPath  # noqa: E402 - after Django is set up
from medpause.ops.wsgi import instrument  # noqa: E402

api = HotPath(ApiHandler())


def dispatch(environ, start_response):
    if request_line_length(environ) > MAX_REQUEST_LINE:
        start_response("414 URI Too Long", [("Content-Type", "text/html; charset=utf-8"),
                                            ("Content-Length", str(len(URI_TOO_LONG))), ("Connection", "close")])
        return [URI_TOO_LONG]
    if environ.get("PATH_INFO", "").startswith(API_PREFIX):
        return api(environ, start_response)
    return pages(environ, start_response)


application = instrument(dispatch)
