"""The wrapper around the WSGI application (config/wsgi.py): it sees every request, whichever
handler answers it, and

- names the request: X-Request-ID if well-formed, else a new id; bound for the log lines
  written meanwhile and returned in the response's X-Request-ID header;
- answers the operations endpoints itself, before Django's middleware (no session, no host
  check, no personal data): GET /healthz, /readyz and /metrics;
- writes one JSON log line per request and observes its latency by route name, once the
  response is sent (the server closes it).

The route name and the user are left in the WSGI environ by RequestContextMiddleware
(medpause.ops.middleware) or by any handler that knows them (`note_route`, `note_user`); a path
no handler named is resolved here."""

from __future__ import annotations

import functools
import ipaddress
import json
import re
import time
from urllib.parse import parse_qsl

from django.conf import settings
from django.db import close_old_connections
from django.urls import Resolver404, resolve

from medpause.common.requestctx import ROUTE_KEY, USER_KEY, bind, new_request_id, unbind, well_formed
from medpause.ops import health, metrics
from medpause.ops.logging import log_request

UNMATCHED = "unmatched"
# The query parameters a request line names: only what looks like a parameter's name (q,
# card_number, page); anything else - a number sent as a name (`?110105199203140021`) - is "?".
PARAMETER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\[\]-]{0,39}")


@functools.lru_cache(maxsize=2048)
def route_of(path: str) -> str:
    """A path's route name (api:eligibility_check, web:home), bounded in number unlike paths."""
    if path.startswith(settings.STATIC_URL):
        return "static"
    try:
        match = resolve(path)
    except Resolver404:
        return UNMATCHED
    return match.view_name if match.url_name else (match.route or UNMATCHED)


# --- the operations endpoints ------------------------------------------------------------------

def _networks(value: str):
    return [ipaddress.ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip()]


@functools.lru_cache(maxsize=8)
def _allowed(value: str):
    return _networks(value)


def metrics_allowed(environ) -> bool:
    """Only a direct peer in MEDPAUSE_METRICS_ALLOW; a request relayed by a proxy never."""
    if environ.get("HTTP_X_FORWARDED_FOR") or environ.get("HTTP_FORWARDED"):
        return False
    try:
        address = ipaddress.ip_address(environ.get("REMOTE_ADDR", "").split("%")[0])
    except ValueError:
        return False
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    return any(address in net for net in _allowed(settings.MEDPAUSE_METRICS_ALLOW) if net.version == address.version)


def _json(status: str, body: dict):
    return status, "application/json", json.dumps(body).encode()


def _not_found():
    return _json("404 Not Found", {"error": {"code": "not_found", "message": "Not found.", "details": {}}})


def healthz(environ):
    return _json("200 OK", {"status": "ok"})


def readyz(environ):
    close_old_connections()
    try:
        results = health.checks()
    finally:
        close_old_connections()
    failing = [name for name, result in results.items() if result != "ok"]
    if failing:
        return _json("503 Service Unavailable", {"status": "unavailable", "failing": failing, "checks": results})
    return _json("200 OK", {"status": "ready", "checks": results})


def metrics_endpoint(environ):
    if not metrics_allowed(environ):
        return _not_found()
    close_old_connections()
    try:
        return "200 OK", metrics.CONTENT_TYPE, metrics.render()
    finally:
        close_old_connections()


OPERATIONS = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics_endpoint}


# --- the wrapper -------------------------------------------------------------------------------

class _Logged:
    """The response's body, passed through; closing it writes the request's line."""

    def __init__(self, body, finish):
        self._body, self._finish = body, finish

    def __iter__(self):
        return iter(self._body)

    def close(self):
        try:
            if hasattr(self._body, "close"):
                self._body.close()
        finally:
            self._finish()


class Instrumented:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        offered = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = offered if well_formed(offered) else new_request_id()
        environ["HTTP_X_REQUEST_ID"] = request_id
        bind(request_id)
        seen = {"status": 500}

        def start(status, headers, exc_info=None):
            seen["status"] = int(status.split(" ", 1)[0])
            headers = [(k, v) for k, v in headers if k.lower() != "x-request-id"] + [("X-Request-ID", request_id)]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        def finish():
            try:
                self._record(environ, seen["status"], time.perf_counter() - started, request_id)
            finally:
                unbind()

        try:
            body = self._answer(environ, start)
        except BaseException:
            finish()
            raise
        return _Logged(body, finish)

    def _answer(self, environ, start):
        operation = OPERATIONS.get(environ.get("PATH_INFO", ""))
        if operation is None:
            return self.app(environ, start)
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            status, content_type, body = _json("405 Method Not Allowed", {"error": {
                "code": "method_not_allowed", "message": "Method not allowed.", "details": {"allowed": "GET"}}})
        else:
            status, content_type, body = operation(environ)
        environ[ROUTE_KEY] = environ.get("PATH_INFO", "").strip("/")
        start(status, [("Content-Type", content_type), ("Content-Length", str(len(body))),
                       ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")])
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else body]

    def _record(self, environ, status: int, seconds: float, request_id: str) -> None:
        route = environ.get(ROUTE_KEY) or route_of(environ.get("PATH_INFO", "") or "/")
        method = environ.get("REQUEST_METHOD", "")
        if method not in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            method = "other"  # bounded labels whatever a client sends
        user_id, role = environ.get(USER_KEY) or (None, None)
        query_keys = sorted({key if PARAMETER_NAME.fullmatch(key) else "?"
                             for key, _value in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)})
        metrics.observe_request(route=route, method=method, status=status, seconds=seconds)
        log_request(
            method=method, route=route, status=status, duration_ms=seconds * 1000, request_id=request_id,
            user_id=user_id, role=role, query_keys=query_keys[:20],
        )


def instrument(app):
    """The WSGI application with request ids, the operations endpoints, request logs and metrics."""
    return Instrumented(app)
