"""The public progress look-up (办件进度查询): no sign-in, the reference and the ID number's
last six characters POSTed (never in a URL), rate-limited per client with the API's look-ups."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from medpause.cases.selectors.progress import (
    LAST6_RE,
    PROGRESS_RATE,
    REFERENCE_RE,
    normalize_last6,
    normalize_reference,
    progress_of,
)
from medpause.cases.states import PENDING_STATUSES, Status
from medpause.common.errors import NotFound
from medpause.common.throttle import SharedRateThrottle, too_many

THROTTLE = SharedRateThrottle("progress", PROGRESS_RATE)

NEXT_STEPS = {
    Status.SUBMITTED: _("The bureau has received the application and will review it by the date above."),
    Status.IN_REVIEW: _("An officer is reviewing the application. The decision comes by the date above."),
    Status.SUPPLEMENT_REQUESTED: _("The bureau asked for more documents. Sign in to see which ones and to send "
                                   "them; the review goes on when they arrive."),
    Status.APPROVED: _("The application was approved. Sign in to see the decision and download it."),
    Status.REJECTED: _("The application was rejected. Sign in to read the reason and how to ask for a "
                       "review of the decision."),
    Status.WITHDRAWN: _("The application was withdrawn. Nothing more happens with it."),
    Status.CHECKED: _("A first officer approved the application; a second officer takes the final decision by the "
                      "date above."),
    Status.REVOCATION_REQUESTED: _("The bureau is checking its decision again. Until it is confirmed, nothing changes."),
    Status.REVOKED: _("The bureau revoked its decision: it no longer has any effect. Sign in to read why."),
}


class ProgressForm(forms.Form):
    reference = forms.CharField(
        label=_("Application reference"), max_length=40,
        help_text=_("On your receipt, for example TB20261201ABCDEF."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
        error_messages={"required": _("Enter the application reference.")},
    )
    id_number_last6 = forms.CharField(
        label=_("Last six characters of the ID number"), max_length=12,
        help_text=_("Of the person the application is for, for example 00302X."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "text",
                                      "autocapitalize": "characters"}),
        error_messages={"required": _("Enter the last six characters of the ID number.")},
    )

    def clean_reference(self):
        value = normalize_reference(self.cleaned_data["reference"])
        if not REFERENCE_RE.match(value):
            raise forms.ValidationError(_("A reference is TB or HF, eight digits of a date and six letters or "
                                          "digits, such as TB20261201ABCDEF."))
        return value

    def clean_id_number_last6(self):
        value = normalize_last6(self.cleaned_data["id_number_last6"])
        if not LAST6_RE.match(value):
            raise forms.ValidationError(_("Enter six characters: five digits and a digit or X."))
        return value


@require_http_methods(["GET", "POST"])
def progress(request):
    form = ProgressForm(request.POST if request.method == "POST" else None)
    context = {"form": form}
    if form.is_bound:
        if not THROTTLE.allow_request(request):
            return too_many(request, THROTTLE, "lookups")
        if form.is_valid():
            try:
                app = progress_of(**form.cleaned_data)
            except NotFound as exc:
                context["not_found"] = exc.message
                return render(request, "web/public/progress.html", context, status=404)
            return render(request, "web/public/progress_result.html", {
                "app": app, "pending": app.status in PENDING_STATUSES, "next_step": NEXT_STEPS.get(app.status),
            })
        return render(request, "web/public/progress.html", context)
    return render(request, "web/public/progress.html", context)
