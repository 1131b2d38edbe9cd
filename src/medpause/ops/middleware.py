"""Leaves the route name and the signed-in user of a request in its WSGI environ, for the log line
and the metrics that the WSGI wrapper (medpause.ops.wsgi) writes once the response is sent."""

from __future__ import annotations

from medpause.common.requestctx import ROUTE_KEY, note_user


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None:
            request.META[ROUTE_KEY] = match.view_name if match.url_name else (match.route or "unmatched")
        # The API's token user (django-ninja's request.auth), else the session's user if a view
        # has looked it up already (never a query of our own for it).
        user = getattr(request, "auth", None)
        if getattr(user, "pk", None) is None:
            user = request.__dict__.get("_cached_user")
        note_user(request.META, user)
        return response
