"""Sign in and sign out through Django's own views; the page a locked-out sign-in answers."""

from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse

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


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Without a `next`, each role lands on its own portal."""
        return landing_url(self.request.user)


login_view = SignInView.as_view()
logout_view = auth_views.LogoutView.as_view()


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
