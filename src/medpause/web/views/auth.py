"""Sign in and sign out through Django's own views; the page a locked-out sign-in answers."""

from django.contrib.auth import views as auth_views
from django.shortcuts import render

from medpause.accounts.services import signin_retry_after
from medpause.web.forms import SignInForm

login_view = auth_views.LoginView.as_view(
    template_name="registration/login.html", authentication_form=SignInForm, redirect_authenticated_user=True
)
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
