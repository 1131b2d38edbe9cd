"""The one error shape of the API: {"error": {"code", "message", "details"}}.

Domain errors carry their code, translated message and status; ninja's own errors
(validation, authentication, unknown routes, unparsable bodies) are mapped here to the same
shape, with messages in the request's language."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from pydantic import Field

from medpause.common.errors import DomainError

logger = logging.getLogger("medpause.api")

# Messages of the API's own codes (the core's codes carry their own messages).
MESSAGES = {
    "invalid_input": _("The request is not valid: see the details for each field."),
    "invalid_json": _("The request body is not valid JSON."),
    "invalid_multipart": _("The request body is not a valid multipart form."),
    "not_authenticated": _("Sign in first: send a valid token in the Authorization header (Bearer)."),
    "invalid_credentials": _("The username or the password is not correct."),
    "forbidden": _("Your role may not do this."),
    "not_found": _("There is nothing at this address."),
    "method_not_allowed": _("This address does not accept this method."),
    "request_too_large": _("The request is too large."),
    "too_many_requests": _("Too many requests: wait a moment and try again."),
    "server_error": _("Something went wrong on our side. Please try again later."),
    "invalid_text": _("The request contains characters that cannot be stored (a NUL character or invalid "
                      "Unicode): see details.field."),
}

# tags of the bodies that are unions (POST /applications: kind = stop | resume)
UNION_TAGS = {"stop", "resume"}

STATUS_CODES = {
    400: "invalid_input",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    429: "too_many_requests",
}


class ErrorBody(Schema):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", examples=["not_found"], description="stable machine code")
    message: str = Field(description="a sentence in the request's language (Accept-Language)")
    details: dict[str, Any] = Field(default_factory=dict, description="what the code refers to")


class ErrorOut(Schema):
    """Every 4xx (and the rare 5xx) answer."""

    error: ErrorBody


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Response declarations for the error statuses an operation can answer with."""
    return {status: ErrorOut for status in statuses}


def error_body(code: str, message: Any = None, details: dict | None = None) -> dict:
    if message is None:
        message = MESSAGES.get(code, MESSAGES["invalid_input"])
    return {"error": {"code": code, "message": str(message), "details": details or {}}}


def error_response(api, request: HttpRequest, status: int, code: str, message: Any = None,
                   details: dict | None = None) -> HttpResponse:
    return api.create_response(request, error_body(code, message, details), status=status)


def _field_errors(errors: list[dict]) -> list[dict]:
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ())]
        where = loc[0] if loc else "body"
        rest = loc[1:]
        if where == "body" and rest[:1] == ["payload"]:  # the body parameter's own name
            rest = rest[1:]
        if len(rest) > 1 and rest[0] in UNION_TAGS:  # the branch of a union chosen by its tag
            rest = rest[1:]
        ctx = err.get("ctx") or {}
        if not rest and ctx.get("discriminator"):  # the tag itself is wrong or missing
            rest = [str(ctx["discriminator"]).strip("'\"")]
        out.append(
            {
                "in": where,
                "field": ".".join(rest),
                "type": str(err.get("type", "")),
                "message": str(err.get("msg", "")),
            }
        )
    return out


def install_handlers(api) -> None:
    def domain_error(request, exc: DomainError):
        details = exc.details if isinstance(exc.details, dict) else {"value": exc.details}
        response = error_response(api, request, exc.status, exc.code, exc.message, details)
        if getattr(exc, "retry_after", None):
            response["Retry-After"] = str(exc.retry_after)
        return response

    def validation_error(request, exc: ValidationError):
        return error_response(api, request, 400, "invalid_input", details={"fields": _field_errors(exc.errors)})

    def authentication_error(request, exc: AuthenticationError):
        response = error_response(api, request, 401, "not_authenticated")
        response["WWW-Authenticate"] = 'Bearer realm="medpause"'
        return response

    def authorization_error(request, exc: AuthorizationError):
        return error_response(api, request, 403, "forbidden")

    def http_error(request, exc: HttpError):
        if isinstance(exc.__cause__, DomainError):  # refused by the API's own parser (e.g. invalid_text)
            return domain_error(request, exc.__cause__)
        status = exc.status_code
        if status == 400 and str(exc).startswith("Cannot parse request body"):
            return error_response(api, request, 400, "invalid_input", MESSAGES["invalid_json"])
        code = STATUS_CODES.get(status, "invalid_input" if status < 500 else "server_error")
        return error_response(api, request, status, code)

    def not_found(request, exc: Http404):
        return error_response(api, request, 404, "not_found")

    def too_big(request, exc: RequestDataTooBig):
        return error_response(api, request, 413, "request_too_large")

    def too_many_fields(request, exc: TooManyFieldsSent):
        return error_response(api, request, 400, "invalid_input")

    def bad_multipart(request, exc: MultiPartParserError):
        return error_response(api, request, 400, "invalid_input", MESSAGES["invalid_multipart"])

    def server_error(request, exc: Exception):
        logger.exception("API error on %s %s", request.method, request.path)
        return error_response(api, request, 500, "server_error")

    api.add_exception_handler(Exception, server_error)
    api.add_exception_handler(DomainError, domain_error)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(AuthenticationError, authentication_error)
    api.add_exception_handler(AuthorizationError, authorization_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(RequestDataTooBig, too_big)
    api.add_exception_handler(TooManyFieldsSent, too_many_fields)
    api.add_exception_handler(MultiPartParserError, bad_multipart)
