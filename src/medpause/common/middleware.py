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
        if request.path.startswith("/api/v1/docs") or request.path.startswith("/admin/"):
            # The interactive API docs and Django's admin ship their own inline code.
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; script-src 'self' 'unsafe-inline' cdn.jsdelivr.net; "
                "style-src 'self' 'unsafe-inline' cdn.jsdelivr.net; img-src 'self' data: cdn.jsdelivr.net",
            )
        else:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
