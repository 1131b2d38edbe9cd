"""Sign in and sign out through Django's own views; the page a locked-out sign-in answers."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse

from medpause.accounts.middleware import ENDED_BECAUSE, IDLE, TOO_LONG
from medpause.accounts.models import Role
from medpause.accounts.services import signin_retry_after
from medpause.web.forms import SignInForm

LANDING = {
    Role.INDIVIDUAL: "web:portal_home",
    Role.UNIT_AGENT: "web:unit_home",
    Role.OFFICER: "officer:queue",
    Role.ADMIN: "officer:queue",
}


def landing_url(user) -> str:
    """Where a role starts after signing in: its own portal, not the public home page."""
    return reverse(LANDING.get(getattr(user, "role", None), "web:home"))


# A browser-session cookie that says "this browser was signed in": when the sign-in page is
# asked for while it is there but the session is gone, the session ended on its own (time limit,
# idle limit, the session expired on the server) and the page says so. It holds no identity.
WAS_SIGNED_IN = "medpause_was_signed_in"


def session_ended_reason(request) -> str:
    """Why the visitor has to sign in again ("idle", "too_long", "ended"), or "" for a first
    sign-in. Read once: the reason is forgotten after it has been told."""
    reason = request.session.pop(ENDED_BECAUSE, "")
    if not reason and request.COOKIES.get(WAS_SIGNED_IN) and not request.user.is_authenticated:
        reason = "ended"
    return reason


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Without a `next`, each role lands on its own portal."""
        return landing_url(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.method == "GET":
            context["session_ended"] = session_ended_reason(self.request)
            context["idle_minutes"] = settings.MEDPAUSE_IDLE_MINUTES
            context["session_hours"] = settings.MEDPAUSE_SESSION_HOURS
            context["IDLE"], context["TOO_LONG"] = IDLE, TOO_LONG
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        response.set_cookie(WAS_SIGNED_IN, "1", httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response


class SignOutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response.delete_cookie(WAS_SIGNED_IN, samesite="Lax")
        return response


login_view = SignInView.as_view()
logout_view = SignOutView.as_view()


def locked_out(request, response=None, *args, **kwargs):
    """Sign-in throttling (settings.AXES_*): this user name from this address failed too often.
    The page and the admin's sign-in answer 429 with the wait; the password is not checked. The
    API's token request has answered 429 `too_many_attempts` itself: that answer stands."""
    if request.path.startswith("/api/") and response is not None:
        return response
    seconds = signin_retry_after()
    response = render(request, "registration/locked_out.html", {"minutes": max(1, seconds // 60)}, status=429)
    response["Retry-After"] = str(seconds)
    return response
