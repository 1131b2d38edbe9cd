"""The insured person's own pages (/me/): home with notices and the latest applications,
coverage, certificates. The wizard and the application pages, which a unit agent uses too,
are in `wizard` and `applications`."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from medpause.accounts.models import Role
from medpause.accounts.permissions import applications_visible_to, role_required
from medpause.audit.services import audit_read
from medpause.cases.selectors import current_suspension, suspensions_of
from medpause.common.dates import today
from medpause.common.errors import DomainError
from medpause.coverage.backpay import gap_offer
from medpause.coverage.selectors import card_status_on, period_state
from medpause.notices.delivery import notice_path
from medpause.notices.selectors import notices_for
from medpause.notices.services import notice_text
from medpause.policy.selectors import back_payment_sentence, waiting_sentence
from medpause.policy.selectors import policy_in_force as policy_of_region
from medpause.registry.selectors import contributions_of
from medpause.transfers.selectors import transfers_of
from medpause.web.views import applications as apps
from medpause.web.views import wizard
from medpause.web.views.common import CARD_STATUS_HINTS, CARD_STATUS_LABELS, account_context, pdf_response
from medpause.web.views.scope import ME, Scope

CERTIFICATE_KINDS = ("participation", "payment")


def _scope(request) -> Scope:
    return Scope(ME, request.user, request.user.person)


individual = role_required(Role.INDIVIDUAL)


def coverage_context(viewer, person) -> dict:
    """Card, today's status and stop periods of one person (already visible to `viewer`)."""
    from medpause.policy.selectors import policy_in_force

    day = today()
    status = card_status_on(person=person, day=day)
    card = getattr(person, "card", None)
    _pv, policy = policy_in_force(region=person.region)
    periods = []
    for s in suspensions_of(user=viewer, person=person):
        reason = policy.reasons.get(s.reason)
        periods.append({"s": s, "reason_name": reason.name if reason else s.reason,
                        "state": period_state(start=s.start_date, end=s.end_date, day=day)})
    return {
        "person": person, "card": card, "status": status.status,
        "status_label": CARD_STATUS_LABELS.get(status.status, status.status),
        "status_hint": CARD_STATUS_HINTS.get(status.status, ""),
        "benefits_from": status.benefits_from, "today": day, "periods": periods,
        "scheduled_from": status.scheduled_from,
        "transfers": transfers_of(user=viewer, person_id=person.pk),
    }


def back_payment_context(person) -> dict:
    """What back-paying the gap of the person's current or latest stop would cost, with the
    policy's back-payment and waiting-period sentences, before anyone asks."""
    try:
        offer = gap_offer(person=person)
        if offer is None:
            return {"offer": None}
        _pv, policy = policy_of_region(region=person.region)
    except DomainError:
        return {"offer": None}
    return {"offer": {
        "q": offer, "count": len(offer.months), "first": offer.months[0], "last": offer.months[-1],
        "total": offer.amount + offer.late_fee,
        "sentences": [back_payment_sentence(policy=policy), waiting_sentence(policy=policy, category=person.category)],
    }}


def _resumable(scope) -> bool:
    return wizard.suspension_to_resume(scope) is not None


@individual
def home(request):
    scope = _scope(request)
    person = scope.person
    notices = [{"n": n, "url": notice_path(n, request.user), "text": notice_text(n)} for n in notices_for(request.user, limit=10)]
    qs = applications_visible_to(request.user).order_by("-created_at")
    return render(request, "web/portal/home.html", {
        "scope": scope, **coverage_context(request.user, person), "notices": notices,
        "rows": apps.application_rows(scope, qs[:5]), "more_applications": qs.count() > 5,
        "can_resume": _resumable(scope), "current": current_suspension(person=person),
        **back_payment_context(person),
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
        "scope": scope, **coverage_context(request.user, person), "contributions": list(reversed(rows)),
        "totals": totals, **account_context(request.user, person), **back_payment_context(person),
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
    data = certificate_pdf(person=person, kind=kind, viewer=request.user, base_url=request.build_absolute_uri("/"))
    audit_read(request.user, "certificate.download", person, kind=kind, channel="me")
    return pdf_response(data, f"certificate-{kind}.pdf")
