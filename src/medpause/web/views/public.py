"""Public pages (no sign-in): the home page and the guide "what do I need, here, for this reason?"."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from medpause.accounts.models import ApplicantType
from medpause.cases.rules import may_file as rule_may_file
from medpause.common.errors import DomainError, NotFound
from medpause.common.throttle import public_rate_limited
from medpause.policy.selectors import policy_in_force, reasons_for, region_get, requirements_for
from medpause.printing import blank_form_pdf
from medpause.web.forms import GuideReasonForm, GuideStartForm
from medpause.web.templatetags.web_tags import listjoin, sentence_join
from medpause.web.views.common import pdf_response

FILER_NAMES = {
    ApplicantType.INDIVIDUAL: _("the insured person"),
    ApplicantType.UNIT: _("the unit (employer)"),
    ApplicantType.OFFICER: _("an officer at the bureau counter"),
}

CATEGORY_NAMES = {
    "employee": _("employees insured through a unit"),
    "flexible": _("flexible workers who pay alone"),
}

# The five steps of the seed guide, in plain words. The identity step reads differently for a
# unit, whose legal representative's identification the bureau already holds.
IDENTITY_STEP = (_("Show your identity"), _("Show your ID card or another valid identity document."))
UNIT_IDENTITY_STEP = (
    _("Show the employee's identity"),
    _("Show the employee's ID card or another valid identity document. The unit's legal representative's "
      "identification is already on file with the bureau."),
)
STOP_STEPS = [
    (_("Fill in the application form"),
     _("Give the reason, the dates and any other information. Download the blank form from this page, get it "
       "at the bureau, or apply online. Check every answer before you hand it in.")),
    IDENTITY_STEP,
    (_("Give proof of the reason"),
     _("For example, a certificate that the labour contract ended, an admission notice or a retirement "
       "certificate. The list above says what this reason needs.")),
    (_("Hand in the application"),
     _("Hand in the form and documents at the social security bureau or medical insurance center, or "
       "upload them online. Check that they are complete.")),
    (_("Review and decision"),
     _("The bureau reviews the application within the time limit. If it meets the conditions, the stop is "
       "approved and the card stops working. When the stop ends or the reason goes away, apply to resume "
       "with proof. The card works again only after approval.")),
]
RESUME_STEPS = [
    (_("Fill in the resumption form"),
     _("Give the day the insurance should start again. Download the blank form from this page, get it at the "
       "bureau, or apply online.")),
    IDENTITY_STEP,
    (_("Give proof if you resume early"),
     _("If you resume before the planned end of the stop, show that the reason has gone, for example a "
       "new labour contract or a discharge certificate.")),
    (_("Hand in the application"),
     _("Hand in the form and documents at the social security bureau or medical insurance center, or "
       "upload them online.")),
    (_("Review and decision"),
     _("The bureau reviews the application within the time limit. The card works again only after "
       "approval. After a long break there may be a waiting period before benefits start.")),
]


def guide_steps(kind: str, applicant_type: str) -> list[tuple]:
    steps = STOP_STEPS if kind == "stop" else RESUME_STEPS
    if applicant_type == ApplicantType.UNIT:
        return [UNIT_IDENTITY_STEP if step is IDENTITY_STEP else step for step in steps]
    return steps


def home(request):
    return render(request, "web/public/home.html")


def _start_form(request):
    if request.GET.get("change"):  # "Change" links: show the answers given, as the starting point
        return GuideStartForm(initial=request.GET.dict())
    if {"kind", "applicant_type", "region"} & set(request.GET):
        return GuideStartForm(request.GET)
    return GuideStartForm(initial={"kind": "stop"})


@public_rate_limited
@require_GET
def guide(request):
    """Question 1: stop or resume, who applies, and where."""
    form = _start_form(request)
    if form.is_bound and form.is_valid():
        return redirect(_guide_url("web:guide_reason", form.cleaned_data))
    return render(request, "web/public/guide_start.html", {"form": form})


def _guide_url(name: str, params: dict) -> str:
    from django.urls import reverse

    return reverse(name) + "?" + urlencode({k: v for k, v in params.items() if v})


def _valid_start(request) -> dict | None:
    form = GuideStartForm(request.GET)
    return form.cleaned_data if form.is_valid() else None


def _reason_hints(applicant_type: str, kind: str, reasons) -> dict:
    hints = {}
    for reason in reasons:
        parts = []
        if not rule_may_file(reason, applicant_type, kind):
            who = listjoin(FILER_NAMES[f] for f in reason.filed_by)
            if applicant_type == ApplicantType.UNIT:
                parts.append(gettext("A unit cannot file this. Who may file: %(who)s.") % {"who": who})
            else:
                parts.append(gettext("You cannot file this yourself. Who may file: %(who)s.") % {"who": who})
        if kind == "stop" and reason.effect == "terminate":
            parts.append(gettext("The insurance ends for good."))
        if kind == "stop" and reason.effect == "retire":
            parts.append(gettext("Contributions stop and retiree benefits go on."))
        if kind == "stop" and reason.max_duration_months:
            parts.append(gettext("At most %(months)d months.") % {"months": reason.max_duration_months})
        hints[reason.code] = sentence_join(parts)
    return hints


@public_rate_limited
@require_GET
def guide_reason(request):
    """Question 2: the reason (the list depends on the region's policy)."""
    start = _valid_start(request)
    if start is None:
        return redirect(_guide_url("web:guide", request.GET.dict()))
    reasons = reasons_for(region_code=start["region"], kind=start["kind"])
    hints = _reason_hints(start["applicant_type"], start["kind"], reasons)
    # the form sends `asked` with it, so "Continue" with no reason chosen is answered with an error
    if ("reason" in request.GET or "asked" in request.GET) and not request.GET.get("change"):
        form = GuideReasonForm(request.GET, reasons=reasons, hints=hints)
        if form.is_valid():
            return redirect(_guide_url("web:guide_answer", {**start, "reason": form.cleaned_data["reason"]}))
    else:
        form = GuideReasonForm(initial={"reason": request.GET.get("reason")}, reasons=reasons, hints=hints)
    if start["kind"] == "resume":
        form.fields["reason"].label = _("Why was the insurance stopped?")
    region = region_get(code=start["region"])
    return render(request, "web/public/guide_reason.html", {
        "form": form, "start": start, "region": region,
        "back_url": _guide_url("web:guide", {**start, "change": "1"}),
    })


def who_may_file_sentence(requirements: dict, region_name: str) -> str:
    """One sentence that says who may file, and for whom it is not possible."""
    filers = [f for f in requirements["filed_by"] if f != ApplicantType.OFFICER]
    if requirements["applicant_may_file"]:
        return ""
    if filers == [ApplicantType.UNIT]:
        return gettext(
            "In %(region)s only the unit (employer) can file this, or an officer at the bureau counter. "
            "Ask your employer to file it for you."
        ) % {"region": region_name}
    if filers == [ApplicantType.INDIVIDUAL]:
        return gettext(
            "In %(region)s only the insured person can file this, or an officer at the bureau counter. "
            "A unit cannot file it for an employee."
        ) % {"region": region_name}
    return gettext("In %(region)s this can be filed only at the bureau counter.") % {"region": region_name}


@public_rate_limited
@require_GET
def guide_answer(request):
    """The answer: documents, steps, consequences, legal basis, time limit, who may file."""
    start = _valid_start(request)
    if start is None:
        return redirect(_guide_url("web:guide", request.GET.dict()))
    reason_code = request.GET.get("reason", "")
    try:
        req = requirements_for(
            region_code=start["region"], reason_code=reason_code, applicant_type=start["applicant_type"],
            kind=start["kind"],
        )
    except NotFound:
        return redirect(_guide_url("web:guide_reason", start))
    _pv, policy = policy_in_force(region=region_get(code=start["region"]))
    reason = policy.reasons[reason_code]
    categories = [CATEGORY_NAMES[c] for c in reason.categories] if len(reason.categories) < 2 else []
    to_bring = [d for d in req["documents"] if not d["provided_by_bureau"]]
    held = [d for d in req["documents"] if d["provided_by_bureau"]]
    params = {**start, "reason": reason_code}
    may_file = rule_may_file(reason, start["applicant_type"], start["kind"])  # the rulebook's answer
    form_url = _guide_url_kind(start["kind"], start["region"], reason_code)
    return render(request, "web/public/guide_answer.html", {
        "req": req,
        "start": start,
        "kind": start["kind"],
        "applicant_type": start["applicant_type"],
        "to_bring": [d for d in to_bring if not d["only_if_resuming_early"]],
        "early": [d for d in to_bring if d["only_if_resuming_early"]],
        "held": held,
        "categories": categories,
        "who_sentence": "" if may_file else who_may_file_sentence(req, req["region_name"]),
        "may_file": may_file,
        "filers": [FILER_NAMES[f] for f in req["filed_by"]],
        "steps": guide_steps(start["kind"], start["applicant_type"]),
        "form_url": form_url,
        "change_start_url": _guide_url("web:guide", {**params, "change": "1"}),
        "change_reason_url": _guide_url("web:guide_reason", {**params, "change": "1"}),
        "other_kind_url": _guide_url("web:guide_answer", {
            **params, "kind": "resume" if start["kind"] == "stop" else "stop"}) if req["resumable"] else "",
    })


def _guide_url_kind(kind: str, region: str, reason: str) -> str:
    from django.urls import reverse

    return reverse("web:guide_form", kwargs={"kind": kind}) + "?" + urlencode({"region": region, "reason": reason})


@public_rate_limited
@require_GET
def guide_form(request, kind: str):
    """The blank application form as PDF, for printing and filling in by hand."""
    if kind not in ("stop", "resume"):
        raise Http404
    region, reason = request.GET.get("region", ""), request.GET.get("reason", "")
    if not region or not reason:  # the form is the region's and the reason's: ask for them first
        return redirect(_guide_url("web:guide", {"kind": kind}))
    try:
        requirements_for(region_code=region, reason_code=reason, kind=kind)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    try:
        data = blank_form_pdf(region_code=region, reason_code=reason, kind=kind)
    except DomainError as exc:
        raise Http404(str(exc.message)) from exc
    return pdf_response(data, f"medpause-{kind}-{region}-{reason}.pdf")
