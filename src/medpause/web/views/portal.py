"""The insured person's pages (/me/): coverage, notices, applications, the wizards, certificates."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from medpause.audit.services import audit_read
from medpause.cases.selectors import applications_visible_to, current_suspension, suspensions_of
from medpause.common.dates import today
from medpause.coverage.selectors import card_status_on
from medpause.notices.selectors import notices_for
from medpause.notices.services import notice_text
from medpause.registry.selectors import contributions_of
from medpause.web.views import applications as apps
from medpause.web.views import wizard
from medpause.web.views.common import CARD_STATUS_HINTS, CARD_STATUS_LABELS, pdf_response, role_required
from medpause.web.views.scope import Scope

CERTIFICATE_KINDS = ("participation", "payment")


def _scope(request) -> Scope:
    person = request.user.person
    if person is None:
        raise Http404
    return Scope("me", request.user, person)


def individual(view):
    return role_required("individual")(view)


def coverage_context(person) -> dict:
    """Card, today's status, stop periods and contributions of one person (already visible)."""
    from medpause.policy.selectors import policy_in_force

    day = today()
    status = card_status_on(person=person, day=day)
    card = getattr(person, "card", None)
    _pv, policy = policy_in_force(region=person.region)
    periods = []
    for s in suspensions_of(person=person):
        reason = policy.reasons.get(s.reason)
        periods.append({"s": s, "reason_name": reason.name if reason else s.reason})
    return {
        "person": person, "card": card, "status": status.status,
        "status_label": CARD_STATUS_LABELS.get(status.status, status.status),
        "status_hint": CARD_STATUS_HINTS.get(status.status, ""),
        "benefits_from": status.benefits_from, "today": day, "periods": periods,
    }


def _resumable(scope) -> bool:
    return wizard.suspension_to_resume(scope) is not None


@individual
def home(request):
    scope = _scope(request)
    person = scope.person
    notices = [{"n": n, "text": notice_text(n)} for n in notices_for(request.user, limit=10)]
    qs = applications_visible_to(request.user).order_by("-created_at")
    return render(request, "web/portal/home.html", {
        "scope": scope, **coverage_context(person), "notices": notices,
        "rows": apps.application_rows(scope, qs[:5]), "more_applications": qs.count() > 5,
        "can_resume": _resumable(scope), "current": current_suspension(person=person),
    })


@individual
def coverage(request):
    scope = _scope(request)
    person = scope.person
    rows = contributions_of(person=person)
    totals = {
        "employer": sum((c.employer_amount for c in rows), Decimal("0")),
        "employee": sum((c.employee_amount for c in rows), Decimal("0")),
    }
    totals["all"] = totals["employer"] + totals["employee"]
    return render(request, "web/portal/coverage.html", {
        "scope": scope, **coverage_context(person), "contributions": list(reversed(rows)), "totals": totals,
    })


@individual
def certificate(request, kind: str):
    if kind not in CERTIFICATE_KINDS:
        raise Http404
    person = _scope(request).person
    try:
        from medpause.printing import certificate_pdf
    except ImportError:
        return HttpResponse(gettext("The certificate cannot be printed at the moment. Please try again later."),
                            status=503, content_type="text/plain; charset=utf-8")
    data = certificate_pdf(person=person, kind=kind, base_url=request.build_absolute_uri("/"))
    audit_read(request.user, "certificate.download", person, kind=kind, channel="me")
    return pdf_response(data, f"certificate-{kind}.pdf")


# --- wizard and application pages, scoped to the signed-in person ------------------------

@individual
def stop_start(request):
    return wizard.wizard_start(request, _scope(request), "stop")


@individual
def resume_start(request):
    return wizard.wizard_start(request, _scope(request), "resume")


def _step(kind, step):
    @individual
    def view(request):
        return wizard.wizard_step(request, _scope(request), kind, step)

    view.__name__ = f"{kind}_{step}"
    return view


WIZARD_VIEWS = {
    (kind, step): _step(kind, step)
    for kind, steps in wizard.STEPS.items()
    for step in [*steps, "cancel"]
}


@individual
def application_list(request):
    return apps.application_list(request, _scope(request))


def _app_view(func):
    @individual
    def view(request, app_id, **kwargs):
        return func(request, _scope(request), app_id, **kwargs)

    view.__name__ = func.__name__
    return view


application_detail = _app_view(apps.application_detail)
application_submitted = _app_view(apps.application_submitted)
application_document = _app_view(apps.application_document)
application_withdraw = _app_view(apps.application_withdraw_view)
application_supplement = _app_view(apps.application_supplement)
application_continue = _app_view(apps.application_continue)
application_form = _app_view(apps.application_form_pdf)
