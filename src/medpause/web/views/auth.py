"""Sign in and sign out through Django's own views."""

from django.contrib.auth import views as auth_views

from medpause.web.forms import SignInForm

login_view = auth_views.LoginView.as_view(
    template_name="registration/login.html", authentication_form=SignInForm, redirect_authenticated_user=True
)
logout_view = auth_views.LogoutView.as_view()
