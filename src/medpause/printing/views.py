"""Pages of the printing app: the public verification of issued documents (/verify/, no
sign-in, rate-limited per client)."""

from __future__ import annotations

from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from medpause.common.errors import NotFound
from medpause.common.throttle import public_rate_limited, too_many, verify_throttle
from medpause.printing import labels
from medpause.printing.selectors import verification_of
from medpause.printing.verification import format_code, normalize_code

THROTTLE = verify_throttle()


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"), max_length=64,
        help_text=_("16 letters and digits, printed next to the QR code, for example ABCD-EFGH-JKMN-PQRS."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
        error_messages={"required": _("Enter the verification code.")},
    )

    def clean_code(self):
        code = normalize_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(_("A verification code has 16 letters and digits, such as "
                                          "ABCD-EFGH-JKMN-PQRS."))
        return code


def _too_many(request):
    return too_many(request, THROTTLE, "codes")


@public_rate_limited
@require_GET
def verify(request):
    """The form: a code sent with it (GET, the code is not personal data) goes to its page."""
    form = VerifyForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("printing:verify_code", code=form.cleaned_data["code"])
    return render(request, "printing/verify_form.html", {"form": form})


@require_GET
def verify_code(request, code: str):
    """What a verification code confirms (the QR code printed on a document points here)."""
    if not THROTTLE.allow_request(request):
        return _too_many(request)
    normalized = normalize_code(code)
    if normalized is not None and normalized != code:
        return redirect("printing:verify_code", code=normalized)
    try:
        info = verification_of(code=code)
    except NotFound as exc:
        form = VerifyForm(initial={"code": code[:64]})
        return render(request, "printing/verify_form.html", {"form": form, "not_found": exc.message,
                                                             "code": code[:64]}, status=404)
    return render(request, "printing/verify_result.html", {
        **info, "code_display": format_code(info["code"]), "bureau": labels.bureau_name(info["region"]),
    })
