"""An applicant's view of their applications: list, detail with history and documents,
document download, answering a request for more documents, withdrawing, the filled-in
form as PDF. Shared by the individual portal and the unit portal (see Scope)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from medpause.audit.services import audit_read
from medpause.cases.models import Application
from medpause.cases.rights import is_applicant
from medpause.cases.selectors import (
    application_get,
    application_policy,
    applications_visible_to,
    missing_documents,
)
from medpause.cases.services import application_submit, application_withdraw
from medpause.cases.states import Status, allowed_actions
from medpause.common.errors import DomainError
from medpause.web.views.common import document_response, or_404, pdf_response, status_label
from medpause.web.views.documents import document_groups, handle_uploads
from medpause.web.views.wizard import load_draft

ROLE_LABELS = {
    "individual": _("Insured person"),
    "unit_agent": _("Unit"),
    "officer": _("Bureau officer"),
    "admin": _("Bureau officer"),
    "system": _("Automatic rule"),
}


# The legal representative's ID copy a unit uploads is that person's data, not the employee's.
PRIVATE_TO_APPLICANT = {"legal_rep_id_card"}


def may_download(scope, application, document) -> bool:
    return document.kind not in PRIVATE_TO_APPLICANT or is_applicant(actor=scope.user, application=application)


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
            "status_label": status_label(app.status), "url": scope.app_url("detail", app),
        })
    return rows


def application_list(request, scope):
    qs = applications_visible_to(scope.user).order_by("-created_at")
    return render(request, "web/applications/list.html", {
        "scope": scope, "rows": application_rows(scope, qs[:200]),
    })


def application_detail(request, scope, app_id):
    app = get_application(scope, app_id)
    policy = application_policy(app)
    reason = policy.reasons.get(app.reason)
    events = list(app.events.all())
    for event in events:
        event.status_text = status_label(event.to_status)
        event.role_text = ROLE_LABELS.get(event.actor_role, event.actor_role)
    supplement_note = ""
    if app.status == Status.SUPPLEMENT_REQUESTED:
        asked = [e for e in events if e.action == "request_supplement"]
        supplement_note = asked[-1].note if asked else ""
    actions = allowed_actions(app.status)
    may_act = is_applicant(actor=scope.user, application=app)
    info = document_groups(app)
    return render(request, "web/applications/detail.html", {
        "scope": scope, "app": app, "reason": reason, "events": events, "status_text": status_label(app.status),
        "missing": [policy.groups[c].name for c in missing_documents(app) if c in policy.groups],
        "may_withdraw": may_act and "withdraw" in actions,
        "may_answer": may_act and app.status == Status.SUPPLEMENT_REQUESTED,
        "may_continue": may_act and app.status == Status.DRAFT,
        "supplement_note": supplement_note,
        "supplement_groups": [policy.groups[c].name for c in app.supplement_groups or [] if c in policy.groups],
        "documents": [(d, info["kind_names"].get(d.kind, d.kind), may_download(scope, app, d))
                      for d in app.documents.all()],
        "urls": {name: scope.app_url(name, app) for name in ("withdraw", "supplement", "form", "continue")},
        **{k: v for k, v in info.items() if k != "groups"},
    })


def application_submitted(request, scope, app_id):
    app = get_application(scope, app_id)
    if app.status == Status.DRAFT:
        return redirect(scope.app_url("detail", app))
    reason = application_policy(app).reasons.get(app.reason)
    return render(request, "web/applications/submitted.html", {
        "scope": scope, "app": app, "reason": reason, "status_text": status_label(app.status),
    })


def application_document(request, scope, app_id, doc_id):
    """A document of an application the user may see; served by this view only."""
    app = get_application(scope, app_id)
    document = app.documents.filter(pk=doc_id).first()
    if document is None or not may_download(scope, app, document):
        raise Http404
    audit_read(scope.user, "document.view", document, application_id=app.pk, kind=document.kind,
               channel=scope.audience)
    return document_response(document)


def application_withdraw_view(request, scope, app_id):
    app = get_application(scope, app_id)
    if not is_applicant(actor=scope.user, application=app) or "withdraw" not in allowed_actions(app.status):
        messages.error(request, _("This application can no longer be withdrawn."))
        return redirect(scope.app_url("detail", app))
    if request.method == "POST":
        try:
            application_withdraw(actor=scope.user, application=app, note=request.POST.get("note", "")[:500])
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, gettext("Application %(ref)s was withdrawn.") % {"ref": app.reference})
        return redirect(scope.app_url("detail", app))
    return render(request, "web/applications/withdraw.html", {"scope": scope, "app": app,
                                                              "detail_url": scope.app_url("detail", app)})


def application_supplement(request, scope, app_id):
    """Answer a request for more documents: upload what was asked for, then resubmit."""
    app = get_application(scope, app_id)
    if app.status != Status.SUPPLEMENT_REQUESTED or not is_applicant(actor=scope.user, application=app):
        return redirect(scope.app_url("detail", app))
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
                return redirect(scope.app_url("detail", app))
        elif not errors:
            return redirect(scope.app_url("supplement", app))
    events = [e for e in app.events.all() if e.action == "request_supplement"]
    info = document_groups(app)
    summary = [(f"file_{code}", message) for code, message in errors.items()] + summary
    return render(request, "web/applications/supplement.html", {
        "scope": scope, "app": app, "note": events[-1].note if events else "", "errors": summary,
        "group_errors": errors, "accept": ".pdf,.jpg,.jpeg,.png", "detail_url": scope.app_url("detail", app),
        "unit": app.unit, **info,
    })


def application_continue(request, scope, app_id):
    """Pick up a draft in the wizard."""
    app = get_application(scope, app_id)
    if app.status != Status.DRAFT or not is_applicant(actor=scope.user, application=app):
        return redirect(scope.app_url("detail", app))
    scope.person = app.person
    load_draft(request, scope, app)
    if app.kind == "resume":
        return redirect(scope.wizard_url("resume", "start"))
    return redirect(scope.wizard_url("stop", "start"))


def application_form_pdf(request, scope, app_id):
    app = get_application(scope, app_id)
    try:
        from medpause.printing import application_form_pdf as make_pdf
    except ImportError:
        return HttpResponse(gettext("The form cannot be printed at the moment. Please try again later."),
                            status=503, content_type="text/plain; charset=utf-8")
    return pdf_response(make_pdf(application=app), f"{app.reference}.pdf")
