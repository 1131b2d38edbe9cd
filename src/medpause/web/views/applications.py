"""An applicant's view of their applications: list, detail with history and documents,
document download, answering a request for more documents, withdrawing, the filled-in
form as PDF. Written once for the insured person (/me/) and the unit agent (/unit/); each
view reads whose pages these are from its scope (medpause.web.views.scope)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from medpause.accounts.models import Role
from medpause.accounts.permissions import (
    APPLICANTS,
    applications_visible_to,
    documents_visible_to,
    get_visible,
    is_applicant,
    role_required,
)
from medpause.audit.services import audit_read
from medpause.cases.models import Application
from medpause.cases.selectors import (
    application_get,
    application_policy,
    declared_by_unit,
    missing_documents,
    replaced_documents,
)
from medpause.cases.services import application_submit, application_withdraw
from medpause.cases.states import Action, Status, allowed_actions
from medpause.common.errors import DomainError
from medpause.web.views.common import document_response, or_404, pdf_response, status_label
from medpause.web.views.scope import scope_of
from medpause.web.views.uploads import document_groups, handle_uploads
from medpause.web.views.wizard_state import load_draft

ROLE_LABELS = {
    Role.INDIVIDUAL: _("Insured person"),
    Role.UNIT_AGENT: _("Unit"),
    Role.OFFICER: _("Bureau officer"),
    Role.ADMIN: _("Bureau officer"),
    "system": _("Automatic rule"),
}

applicant_page = role_required(*APPLICANTS)


def get_application(scope, app_id) -> Application:
    return or_404(application_get, user=scope.user, application_id=app_id)


def application_rows(scope, queryset):
    rows = []
    policies = {}
    for app in queryset:
        policy = policies.get(app.policy_version_id) or application_policy(app)
        policies[app.policy_version_id] = policy
        reason = policy.reasons.get(app.reason)
        rows.append({
            "app": app, "reason_name": reason.name if reason else app.reason,
            "status_label": status_label(app.status), "url": scope.detail_url(app),
        })
    return rows


@applicant_page
def application_list(request):
    scope = scope_of(request)
    qs = applications_visible_to(scope.user).order_by("-created_at")
    return render(request, "web/applications/list.html", {
        "scope": scope, "rows": application_rows(scope, qs[:200]),
    })


def _missing_and_declared(app, policy) -> dict:
    """What is still missing, and what the unit's batch file declared held (not missing, ADR 0005)."""
    missing = missing_documents(app)
    declared = declared_by_unit(app, missing)
    names = lambda codes: [policy.groups[c].name for c in codes if c in policy.groups]  # noqa: E731
    return {"missing": names([c for c in missing if c not in declared]), "declared": names(declared)}


@applicant_page
def application_detail(request, app_id):
    scope = scope_of(request)
    app = get_application(scope, app_id)
    policy = application_policy(app)
    reason = policy.reasons.get(app.reason)
    events = list(app.events.all())
    for event in events:
        event.status_text = status_label(event.to_status)
        event.role_text = ROLE_LABELS.get(event.actor_role, event.actor_role)
    supplement_note = ""
    if app.status == Status.SUPPLEMENT_REQUESTED:
        asked = [e for e in events if e.action == Action.REQUEST_SUPPLEMENT]
        supplement_note = asked[-1].note if asked else ""
    actions = allowed_actions(app.status)
    may_act = is_applicant(actor=scope.user, application=app)
    info = document_groups(app)
    return render(request, "web/applications/detail.html", {
        "scope": scope, "app": app, "reason": reason, "events": events, "status_text": status_label(app.status),
        **_missing_and_declared(app, policy),
        "may_withdraw": may_act and Action.WITHDRAW in actions,
        "may_answer": may_act and app.status == Status.SUPPLEMENT_REQUESTED,
        "may_continue": may_act and app.status == Status.DRAFT,
        "supplement_note": supplement_note,
        "supplement_groups": [policy.groups[c].name for c in app.supplement_groups or [] if c in policy.groups],
        "documents": [
            (d, info["kind_names"].get(d.kind, d.kind)) for d in documents_visible_to(scope.user, app)
        ],
        "replaced": replaced_documents(app),
        "urls": {"withdraw": scope.withdraw_url(app), "supplement": scope.supplement_url(app),
                 "form": scope.form_url(app), "continue": scope.continue_url(app)},
        **{k: v for k, v in info.items() if k != "groups"},
    })


@applicant_page
def application_submitted(request, app_id):
    scope = scope_of(request)
    app = get_application(scope, app_id)
    if app.status == Status.DRAFT:
        return redirect(scope.detail_url(app))
    reason = application_policy(app).reasons.get(app.reason)
    return render(request, "web/applications/submitted.html", {
        "scope": scope, "app": app, "reason": reason, "status_text": status_label(app.status),
    })


@applicant_page
def application_document(request, app_id, doc_id):
    """A document of an application the user may see; served by this view only."""
    scope = scope_of(request)
    app = get_application(scope, app_id)
    documents = documents_visible_to(scope.user, app)
    document = or_404(get_visible, scope=documents, object_id=doc_id, message=_("No such document."))
    audit_read(scope.user, "document.view", document, application_id=app.pk, kind=document.kind,
               channel=scope.audience)
    return document_response(document)


@applicant_page
def application_withdraw_view(request, app_id):
    scope = scope_of(request)
    app = get_application(scope, app_id)
    may_withdraw = Action.WITHDRAW in allowed_actions(app.status)
    if not may_withdraw or not is_applicant(actor=scope.user, application=app):
        messages.error(request, _("This application can no longer be withdrawn."))
        return redirect(scope.detail_url(app))
    if request.method == "POST":
        try:
            application_withdraw(actor=scope.user, application=app, note=request.POST.get("note", "")[:500])
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, gettext("Application %(ref)s was withdrawn.") % {"ref": app.reference})
        return redirect(scope.detail_url(app))
    return render(request, "web/applications/withdraw.html", {"scope": scope, "app": app,
                                                              "detail_url": scope.detail_url(app)})


@applicant_page
def application_supplement(request, app_id):
    """Answer a request for more documents: upload what was asked for, then resubmit."""
    scope = scope_of(request)
    app = get_application(scope, app_id)
    if app.status != Status.SUPPLEMENT_REQUESTED or not is_applicant(actor=scope.user, application=app):
        return redirect(scope.detail_url(app))
    errors: dict[str, str] = {}
    summary: list = []
    if request.method == "POST":
        info = document_groups(app)
        _stored, errors = handle_uploads(request, scope, app, info["groups"])
        if not errors and request.POST.get("action") == "resubmit":
            try:
                application_submit(actor=scope.user, application=app)
            except DomainError as exc:
                if exc.code == "missing_documents":
                    info = document_groups(app)
                    for group in info["groups"]:
                        if group["missing"]:
                            errors[group["code"]] = gettext("Add a document for: %(group)s.") % {"group": group["name"]}
                else:
                    summary.append(("", str(exc.message)))
            else:
                messages.success(request, gettext("Application %(ref)s was sent again.") % {"ref": app.reference})
                return redirect(scope.detail_url(app))
        elif not errors:
            return redirect(scope.supplement_url(app))
    events = [e for e in app.events.all() if e.action == Action.REQUEST_SUPPLEMENT]
    info = document_groups(app)
    summary = [(f"file_{code}", message) for code, message in errors.items()] + summary
    return render(request, "web/applications/supplement.html", {
        "scope": scope, "app": app, "note": events[-1].note if events else "", "errors": summary,
        "group_errors": errors, "accept": ".pdf,.jpg,.jpeg,.png", "detail_url": scope.detail_url(app),
        "unit": app.unit, **info,
    })


@applicant_page
def application_continue(request, app_id):
    """Pick up a draft in the wizard."""
    scope = scope_of(request)
    app = get_application(scope, app_id)
    if app.status != Status.DRAFT or not is_applicant(actor=scope.user, application=app):
        return redirect(scope.detail_url(app))
    scope.person = app.person
    load_draft(request, scope, app)
    return redirect(scope.wizard_url(app.kind, "start"))


@applicant_page
def application_form(request, app_id):
    scope = scope_of(request)
    app = get_application(scope, app_id)
    try:
        from medpause.printing import application_form_pdf
    except ImportError:
        return HttpResponse(gettext("The form cannot be printed at the moment. Please try again later."),
                            status=503, content_type="text/plain; charset=utf-8")
    return pdf_response(application_form_pdf(application=app, viewer=scope.user), f"{app.reference}.pdf")


@applicant_page
def application_receipt(request, app_id):
    """The receipt (受理回执) of a submitted application; a draft has none yet (409)."""
    scope = scope_of(request)
    app = get_application(scope, app_id)
    from medpause.printing import receipt_pdf

    try:
        data = receipt_pdf(application=app, base_url=request.build_absolute_uri("/"))
    except DomainError as exc:  # a draft: nothing was received yet
        return HttpResponse(str(exc.message), status=exc.status, content_type="text/plain; charset=utf-8")
    return pdf_response(data, f"{app.reference}-receipt.pdf")
