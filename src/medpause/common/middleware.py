from django.conf import settings

# No inline scripts or styles anywhere: every script and style comes from /static/.
DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; frame-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "MEDPAUSE_CSP", DEFAULT_CSP)

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            # Django's admin ships its own inline code; nothing comes from another host.
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data:",
            )
        else:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class RefuseUnstorableText:
    """Pages: a path or query string with text the database cannot store (a NUL character,
    medpause.common.text) is a bad request (400), before any view looks it up. Forms refuse it
    themselves (Django's CharField does); the API has its own parser (medpause.api.api)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.core.exceptions import BadRequest

        from medpause.common.text import first_unstorable, storable

        if request.path.startswith("/api/"):
            return self.get_response(request)  # the API refuses it in its own error shape
        if not storable(request.path) or first_unstorable({k: request.GET.getlist(k) for k in request.GET}):
            raise BadRequest("unstorable text in the address")
        return self.get_response(request)
