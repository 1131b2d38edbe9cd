"""Officers and administrators owe a one-time code after the password (accounts.otp): until
they give it, every page but signing in and out, the code pages and the language switch
answers a redirect to the code page (the admin too)."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from medpause.accounts.permissions import needs_second_factor

OPEN_PREFIXES = ("/login/", "/logout/", "/account/otp/", "/i18n/", "/static/", "/api/")


class SecondFactorRequired:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and needs_second_factor(user) and not user.is_verified()
                and not request.path.startswith(OPEN_PREFIXES)):
            return redirect(reverse("web:otp") + "?" + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)
