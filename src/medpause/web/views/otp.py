"""The one-time code of officers and administrators: asked after the password
(web.middleware.SecondFactorRequired sends them here), or first enrolled: the secret as text and
as a QR code drawn on the server, confirmed by a first code."""

from __future__ import annotations

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login

from medpause.accounts.otp import (
    totp_check,
    totp_confirm,
    totp_device,
    totp_enrolment,
    totp_qr_svg,
    totp_secret,
)
from medpause.accounts.permissions import needs_second_factor
from medpause.audit.services import audit_record
from medpause.common.clientip import client_ip
from medpause.web.views.auth import landing_url


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Six-digit code"), max_length=12, widget=forms.TextInput(attrs={
        "autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "none", "spellcheck": "false"}))


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return landing_url(request.user)


def _gate(request):
    """None when the visitor is signed in and still owes a code, else where to send them."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not needs_second_factor(request.user) or request.user.is_verified():
        return redirect(_next(request))
    return None


def _wrong(form, request) -> None:
    form.add_error("code", _("The code is not correct or has been used. Enter the code your app shows now."))
    audit_record(actor=request.user, action="auth.second_factor_failed", target=request.user,
                 data={"ip": client_ip(request)})


@never_cache
def verify(request):
    """Enter the code of the authenticator app."""
    if (answer := _gate(request)) is not None:
        return answer
    device = totp_device(request.user)
    if device is None:
        return redirect(reverse("web:otp_enrol") + "?" + urlencode({"next": _next(request)}))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_check(device, form.cleaned_data["code"]):
            otp_login(request, device)
            audit_record(actor=request.user, action="auth.second_factor", target=request.user,
                         data={"ip": client_ip(request)})
            return redirect(_next(request))
        _wrong(form, request)
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next(request)})


@never_cache
def enrol(request):
    """Set up the authenticator app: the secret, its QR code, then a first code."""
    if (answer := _gate(request)) is not None:
        return answer
    if totp_device(request.user) is not None:
        return redirect(reverse("web:otp") + "?" + urlencode({"next": _next(request)}))
    device = totp_enrolment(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_confirm(device, form.cleaned_data["code"]):
            otp_login(request, device)
            return redirect(_next(request))
        _wrong(form, request)
    return render(request, "registration/otp_enrol.html", {
        "form": form, "next": _next(request), "secret": totp_secret(device), "qr_svg": totp_qr_svg(device),
    })
