"""The lean path of the two questions hospitals ask at every visit: GET /api/v1/eligibility and
POST /api/v1/settlements.

The WSGI entry point (config/wsgi.py) hands every /api/v1/ request to `HotPath`. For these two
operations it answers a well-formed request from an institution itself, without the URL
resolver, the middleware classes and django-ninja's per-request machinery (about 0.1 ms instead
of several): it checks the host and the input as the API does, authenticates the bearer token
through the same cached `token_authenticate`, calls the same selector
(`coverage.selectors.eligibility`) and service (`coverage.services.settlement_create`, with its
audit event), and builds the answer with the router's own `eligibility_body` and
`settlement_answer`, the same error shape and the same headers the API's middleware would add.

Anything else - a missing or unknown token, another role, a parameter or a body the lean
checks do not accept as plainly valid, another method, a configured HTTPS redirect or HSTS -
goes to the API's django-ninja handler unchanged (the body is handed on), which then gives
the answer it always gave: 400, 401, 403, 405 and the OpenAPI document stay ninja's. tests/api/test_hot.py checks on
each database that both paths give the same statuses, bodies and headers.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
from http import HTTPStatus

from django.conf import settings
from django.core import signals
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.utils import translation
from ninja.responses import NinjaJSONEncoder

from medpause.accounts.models import Role
from medpause.accounts.permissions import has_role
from medpause.accounts.services import token_authenticate
from medpause.api.errors import error_body
from medpause.api.routers.coverage import eligibility_body, settlement_answer
from medpause.common.dates import today
from medpause.common.errors import DomainError
from medpause.common.middleware import DEFAULT_CSP
from medpause.common.requestctx import note_user
from medpause.coverage.selectors import eligibility
from medpause.coverage.services import settlement_create

logger = logging.getLogger("medpause.api")
request_logger = logging.getLogger("django.request")

ELIGIBILITY, SETTLEMENTS = "/api/v1/eligibility", "/api/v1/settlements"
# What the lean path accepts as plainly valid; anything else is left to django-ninja.
_CARD = re.compile(r"[0-9A-Za-z._-]{1,32}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_AMOUNT = re.compile(r"[0-9]{1,10}(\.[0-9]{1,2})?")
_REFERENCE = re.compile(r"[\x21-\x7e]([\x20-\x7e]{0,62}[\x21-\x7e])?")
_BEARER = re.compile(r"Bearer ([A-Za-z0-9_-]{1,200})")
_SETTLEMENT_FIELDS = {"card_number", "date", "amount", "institution_reference"}
_FUNDS = ("pooled", "personal_account")
MAX_BODY = 4096


def _day(value: str) -> dt.date | None:
    if not _DATE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def middleware_headers() -> list[tuple[str, str]]:
    """The headers the API's middleware stack (settings.MEDPAUSE_API_MIDDLEWARE) adds to a JSON
    answer over plain HTTP: SecurityMiddleware, the CSP and X-Frame-Options."""
    headers = []
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        policy = settings.SECURE_REFERRER_POLICY
        value = policy if isinstance(policy, str) else ",".join(policy)
        headers.append(("Referrer-Policy", value))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    headers.append(("Content-Security-Policy", getattr(settings, "MEDPAUSE_CSP", DEFAULT_CSP)))
    headers.append(("X-Frame-Options", getattr(settings, "X_FRAME_OPTIONS", "DENY").upper()))
    return headers


class Fallback(Exception):
    """The lean path does not answer this request: the API's own handler will."""


class HotPath:
    """WSGI application for /api/v1/: the lean path for the two hot operations, `api` (the
    django-ninja handler) for everything else."""

    def __init__(self, api):
        self.api = api
        self.headers = middleware_headers()
        # With an HTTPS redirect or HSTS configured, SecurityMiddleware's answers depend on the
        # scheme: every request is then left to the API's handler.
        self.enabled = not (settings.SECURE_SSL_REDIRECT or settings.SECURE_HSTS_SECONDS)

    def __call__(self, environ, start_response):
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == ELIGIBILITY and method == "GET" and self.enabled:
            lean = self._eligibility
        elif path == SETTLEMENTS and method == "POST" and self.enabled:
            lean = self._settlement
        else:
            return self.api(environ, start_response)
        request = WSGIRequest(environ)
        try:
            request.get_host()
            answer = self._answer(request, lean)
        except (Fallback, DisallowedHost):
            if request.method == "POST" and hasattr(request, "_body"):  # hand the body on, unread
                environ["wsgi.input"] = io.BytesIO(request._body)
                environ["CONTENT_LENGTH"] = str(len(request._body))
            return self.api(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]

    def _answer(self, request, lean):
        translation.activate(translation.get_language_from_request(request))
        signals.request_started.send(sender=self.__class__, environ=request.environ)
        try:
            try:
                status, data, extra = lean(request)
            except DomainError as exc:
                details = exc.details if isinstance(exc.details, dict) else {"value": exc.details}
                status, data, extra = exc.status, error_body(exc.code, exc.message, details), {}
            except Fallback:
                raise
            except Exception:
                logger.exception("API error on %s %s", request.method, request.path)
                status, data, extra = 500, error_body("server_error"), {}
            body = json.dumps(data, cls=NinjaJSONEncoder).encode()
            language = translation.get_language()
        finally:
            signals.request_finished.send(sender=self.__class__)
            translation.deactivate()
        phrase = HTTPStatus(status).phrase
        if status >= 400:
            level = request_logger.error if status >= 500 else request_logger.warning
            level("%s: %s", phrase, request.path, extra={"status_code": status, "request": request})
        headers = [("Content-Type", "application/json; charset=utf-8"), *extra.items(), *self.headers,
                   ("Vary", "Accept-Language"), ("Content-Language", language),
                   ("Content-Length", str(len(body)))]
        return f"{status} {phrase}", headers, body

    def _user(self, request, roles):
        match = _BEARER.fullmatch(request.META.get("HTTP_AUTHORIZATION", ""))
        user = token_authenticate(raw=match.group(1)) if match else None
        if not has_role(user, *roles):
            raise Fallback
        note_user(request.META, user)  # for the request's log line (medpause.ops.wsgi)
        return user

    def _eligibility(self, request):
        query = request.GET
        if not set(query) <= {"card_number", "date"} or any(len(query.getlist(k)) != 1 for k in query):
            raise Fallback
        number = query.get("card_number", "")
        day = _day(query["date"]) if "date" in query else today()
        if not _CARD.fullmatch(number) or day is None:
            raise Fallback
        self._user(request, (Role.INSTITUTION, Role.ADMIN))
        _card, status = eligibility(card_number=number, day=day)
        return 200, eligibility_body(number, day, status), {}

    def _settlement(self, request):
        length = request.META.get("CONTENT_LENGTH") or ""
        if request.content_type != "application/json" or not length.isdigit() or int(length) > MAX_BODY:
            raise Fallback
        try:
            data = json.loads(request.body)
        except ValueError as exc:
            raise Fallback from exc
        if not isinstance(data, dict) or set(data) - {"fund"} != _SETTLEMENT_FIELDS or not all(
                isinstance(v, str) for v in data.values()) or data.get("fund", "pooled") not in _FUNDS:
            raise Fallback
        day = _day(data["date"])
        if (day is None or not _CARD.fullmatch(data["card_number"]) or not _AMOUNT.fullmatch(data["amount"])
                or not _REFERENCE.fullmatch(data["institution_reference"])):
            raise Fallback
        user = self._user(request, (Role.INSTITUTION,))
        settled, created = settlement_create(
            institution=user, card_number=data["card_number"], date=day, amount=data["amount"],
            institution_reference=data["institution_reference"], fund=data.get("fund", "pooled"),
        )
        return settlement_answer(settled, created)
