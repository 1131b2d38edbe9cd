"""The HTTP API v1 (docs/api.md). Routers live in medpause.api.routers, one per domain.

Every answer outside 2xx has the one error shape of medpause.api.errors, including ninja's
own validation and authentication errors, unknown addresses (404) and wrong methods (405)."""

from __future__ import annotations

from functools import wraps

from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import URLPattern, path, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger
from ninja.parser import Parser

from medpause.api.auth import bearer
from medpause.api.errors import MESSAGES, ErrorOut, error_response, install_handlers
from medpause.api.routers import (
    account,
    applications,
    auth,
    batches,
    coverage,
    notices,
    progress,
    registry,
    requirements,
    transfers,
    users,
)
from medpause.api.routers.certificates import receipts as certificate_receipts
from medpause.api.routers.certificates import router as certificate_router
from medpause.common.errors import DomainError
from medpause.common.text import first_unstorable, storable

DESCRIPTION = """\
Stopping and resuming basic medical insurance: the public guide, the registry, applications
and their review, and eligibility and settlement for medical institutions.

* Authenticate with `POST /api/v1/auth/token`, then send `Authorization: Bearer <token>`.
* Every error answers `{"error": {"code", "message", "details"}}`; `message` follows
  `Accept-Language` (`zh-Hans` or `en`).
* Dates are `YYYY-MM-DD` in China Standard Time; money is a decimal string in yuan (`"123.45"`).
* Objects the caller may not see answer 404, as if absent; an endpoint the caller's role may
  never use answers 403 `forbidden`.
"""


def _unstorable(where: str) -> DomainError:
    return DomainError("invalid_text", MESSAGES["invalid_text"], status=400, details={"field": where})


class TextParser(Parser):
    """ninja's parser, refusing text the database cannot store (medpause.common.text) in JSON
    bodies, query strings and form fields with a 400 `invalid_text` before any view runs."""

    def parse_body(self, request):
        data = super().parse_body(request)
        place = first_unstorable(data)
        if place is not None:
            raise _unstorable(place or "body")
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        place = first_unstorable(result)
        if place is not None:
            raise _unstorable(place)
        return result


class OwnSwagger(Swagger):
    """The interactive docs (/api/v1/docs) from the service's own static files: Swagger UI as
    django-ninja ships it (ninja/static, Apache-2.0), started by api/swagger-init.js, which reads
    the OpenAPI document's address from a data attribute. Nothing is loaded from another host and
    no inline script runs, so the page keeps the site's strict Content Security Policy."""

    template = "api/swagger.html"

    def render_page(self, request, api, **kwargs):
        return render(request, self.template, {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)})


class MedpauseAPI(NinjaAPI):
    """NinjaAPI whose URL list ends with a catch-all, so that unknown addresses under
    /api/v1/ answer the API's own 404, and whose 405s carry the error shape."""

    def _get_urls(self):
        patterns = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern):
                if pattern.name == "api-root":
                    pattern = path("", self._not_found_view, name="api-root")
                else:
                    pattern.callback = self._shape_405(pattern.callback)
            patterns.append(pattern)
        patterns.append(re_path(r"^.*$", self._not_found_view))
        return patterns

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The generated document, with the error answers every operation can give declared
        even where a router forgot them: 400 where there is input, 401 where a token is needed."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        if "ErrorOut" not in components:
            error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(error_schema.pop("$defs", {}))
            components["ErrorOut"] = error_schema
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                needed = []
                if operation.get("parameters") or operation.get("requestBody"):
                    needed.append((400, "Bad Request"))
                if operation.get("security"):
                    needed.append((401, "Unauthorized"))
                for status, description in needed:
                    if status not in responses and str(status) not in responses:
                        responses[status] = {"description": description, "content": error}
                if operation.get("parameters"):
                    # A request line longer than 8 KiB is refused before the API, by the WSGI
                    # entry point (config/wsgi.py), with a short HTML page.
                    responses.setdefault(414, {
                        "description": "URI Too Long (answered by the HTTP server)",
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    })
        return schema

    def get_openapi_operation_id(self, operation) -> str:
        """Operation ids are the view names: `application_submit`, not the module path."""
        return operation.view_func.__name__.removesuffix("_view")

    def _shape_405(self, view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not storable(request.path):  # e.g. /certificates/%00: a path parameter
                return error_response(self, request, 400, "invalid_text", details={"field": "path"})
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseNotAllowed):
                allowed = response["Allow"]
                response = error_response(self, request, 405, "method_not_allowed", details={"allowed": allowed})
                response["Allow"] = allowed
            return response

        return csrf_exempt(wrapper)

    @property
    def _not_found_view(self):
        @csrf_exempt
        def not_found(request, *args, **kwargs):
            return error_response(self, request, 404, "not_found")

        return not_found


api = MedpauseAPI(
    title="medpause API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=bearer,
    parser=TextParser(),
    docs=OwnSwagger(),
)
install_handlers(api)

api.add_router("/auth", auth.router)
api.add_router("/users", users.router)
api.add_router("/units", registry.units)
api.add_router("/persons", registry.persons)
api.add_router("/", requirements.router)
api.add_router("/applications", applications.router)
api.add_router("/", coverage.router)
api.add_router("/", account.router)
api.add_router("/notices", notices.router)
api.add_router("/certificates", certificate_router)
api.add_router("/applications", certificate_receipts)

api.add_router("/batches", batches.router)
api.add_router("/progress", progress.router)
api.add_router("/transfers", transfers.router)
