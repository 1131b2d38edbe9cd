"""One application as the bureau sees it: its documents shown inline, the checklist of what its
reason needs, the person's coverage and other applications, the history, and the decisions."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from medpause.accounts.models import Role
from medpause.accounts.permissions import documents_visible_to, get_visible
from medpause.audit.services import audit_read
from medpause.cases.models import Application, Kind
from medpause.cases.selectors import (
    application_policy,
    declared_by_unit,
    missing_documents,
    replaced_documents,
    required_groups_of,
)
from medpause.cases.selectors.queue import bureau_applications_of
from medpause.cases.services import (
    application_approve,
    application_cancel_revocation,
    application_confirm_revocation,
    application_reject,
    application_request_supplement,
    application_revoke,
    application_take,
)
from medpause.cases.services.judging import may_decide
from medpause.cases.states import PENDING_STATUSES, Action, Status, allowed_actions
from medpause.common.dates import today
from medpause.common.errors import DomainError, NotFound
from medpause.coverage.selectors import settlements_to_reprocess
from medpause.web.views.officer.common import (
    application_or_404,
    coverage,
    days_left,
    error_text,
    officer_only,
    page,
    rows,
)
from medpause.web.views.officer.forms import DECISION_FORMS, decision_form

OTHERS_SHOWN = 20  # the person's latest other applications; all of them are on the person's page
DECISIONS = (Action.APPROVE, Action.REJECT, Action.REQUEST_SUPPLEMENT)  # four eyes: not by whoever filed it
REVIEW_ACTIONS = (Action.TAKE, *DECISIONS, Action.REVOKE, Action.CONFIRM_REVOCATION, Action.CANCEL_REVOCATION)
VIEWABLE_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
# A document is shown inside the page's frame: nothing in it may run or load anything else.
DOCUMENT_CSP = "default-src 'none'; img-src 'self'; object-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
DONE_MESSAGES = {
    Action.TAKE: _("You took application %(reference)s into review."),
    Action.APPROVE: _("Application %(reference)s is approved."),
    Action.CHECK: _("Application %(reference)s is checked: another officer takes the final decision."),
    Action.REJECT: _("Application %(reference)s is rejected."),
    Action.REQUEST_SUPPLEMENT: _("More documents were asked for on application %(reference)s."),
    Action.REVOKE: _("The revocation of application %(reference)s waits for another officer."),
    Action.CONFIRM_REVOCATION: _("Application %(reference)s is revoked: its effect on cover is undone."),
    Action.CANCEL_REVOCATION: _("The decision on application %(reference)s stands."),
}


@dataclass
class GroupCheck:
    code: str
    name: str
    kinds: list[str]
    documents: list = field(default_factory=list)
    missing: bool = False
    asked_again: bool = False
    bureau: bool = False
    declared: bool = False  # declared held by the unit in its batch file (ADR 0005)


@dataclass
class DocumentView:
    document: object
    kind_name: str
    groups: list[str]
    url: str
    preview_url: str
    is_pdf: bool
    is_image: bool
    replaced: bool = False


def _kind_names(policy, group) -> list[str]:
    return [policy.kinds[k].name for k in group.any_of if k in policy.kinds]


def _checklist(app: Application, policy, documents) -> list[GroupCheck]:
    missing_list = missing_documents(app)
    declared = set(declared_by_unit(app, missing_list))
    missing = set(missing_list) - declared
    required = required_groups_of(app)
    codes = required + [g for g in app.supplement_groups or [] if g not in required]
    checks = []
    for code in codes:
        group = policy.groups.get(code)
        if group is None:
            continue
        kinds = set(group.any_of)
        checks.append(GroupCheck(
            code=code, name=group.name, kinds=_kind_names(policy, group),
            documents=[d for d in documents if d.kind in kinds], missing=code in missing,
            asked_again=code in (app.supplement_groups or []), declared=code in declared,
        ))
    reason = policy.reasons.get(app.reason)
    if reason is not None and app.kind == Kind.STOP:
        for code in reason.bureau_documents:
            group = policy.groups.get(code)
            if group is not None and code not in codes:
                checks.append(GroupCheck(code=code, name=group.name, kinds=_kind_names(policy, group), bureau=True))
    return checks


def _document_views(app: Application, policy, documents) -> list[DocumentView]:
    replaced = replaced_documents(app)
    group_names: dict[str, list[str]] = {}
    for group in policy.groups.values():
        for kind in group.any_of:
            group_names.setdefault(kind, []).append(group.name)
    return [
        DocumentView(
            document=d,
            kind_name=policy.kinds[d.kind].name if d.kind in policy.kinds else d.kind,
            groups=group_names.get(d.kind, []),
            url=reverse("officer:document", args=[app.pk, d.pk]),
            preview_url=reverse("officer:document_preview", args=[app.pk, d.pk]),
            is_pdf=d.content_type == "application/pdf",
            is_image=d.content_type.startswith("image/"),
            replaced=d.pk in replaced,
        )
        for d in documents
    ]


def _application_page(request, app: Application, *, bound=None, errors=None, status: int = 200):
    on = today()
    policy = application_policy(app)
    reason = policy.reasons.get(app.reason)
    documents = list(documents_visible_to(request.user, app))
    allowed = [a for a in allowed_actions(app.status) if a in REVIEW_ACTIONS]
    # four eyes: whoever filed it or added documents sees the decisions, but not to take them
    four_eyes = any(a in DECISIONS for a in allowed) and not may_decide(actor=request.user, application=app)
    if four_eyes:
        allowed = [a for a in allowed if a not in DECISIONS]
    # the officer who asked for a revocation does not confirm it
    asked_revocation = app.revocation_requested_by_id == request.user.pk and Action.CONFIRM_REVOCATION in allowed
    if asked_revocation:
        allowed.remove(Action.CONFIRM_REVOCATION)
    # two stages: the officer who approved the first does not take the final decision
    checked_it = app.status == Status.CHECKED and app.checked_by_id == request.user.pk and Action.APPROVE in allowed
    if checked_it:
        allowed.remove(Action.APPROVE)
    bound = bound or {}
    action_forms = {
        DECISION_FORMS[action][0]: bound.get(action) or decision_form(action, app)
        for action in allowed if action in DECISION_FORMS
    }
    others = list(bureau_applications_of(user=request.user, person_id=app.person_id).exclude(pk=app.pk)[
        : OTHERS_SHOWN + 1])
    left = days_left(app.due_date, on)
    pending = app.status in PENDING_STATUSES
    overdue = pending and left is not None and left < 0
    return page(request, "application.html", {
        "app": app,
        "person": app.person,
        "policy": policy,
        "reason": reason,
        "reason_name": reason.name if reason else app.reason,
        "documents": _document_views(app, policy, documents),
        "checklist": (checklist := _checklist(app, policy, documents)),
        "missing_count": sum(1 for check in checklist if check.missing),
        "coverage": coverage(request.user, app.person, on),
        "events": list(app.events.select_related("actor")),
        "others": rows(others[:OTHERS_SHOWN], on),
        "others_more": len(others) > OTHERS_SHOWN,
        "allowed": allowed,
        "four_eyes": four_eyes,
        "asked_revocation": asked_revocation,
        "checked_it": checked_it,
        "first_stage": policy.review_stages > 1 and app.status != Status.CHECKED,
        "can_take": Action.TAKE in allowed,
        "can_confirm_revocation": Action.CONFIRM_REVOCATION in allowed,
        "can_cancel_revocation": Action.CANCEL_REVOCATION in allowed,
        "to_reprocess": settlements_to_reprocess(application=app) if app.revocation_effect else [],
        "forms": action_forms,
        "posted_form": next(iter(bound.values()), None),
        "posted_action": next(iter(bound.keys()), None),
        "errors": errors or [],
        "days_left": left,
        "overdue": overdue,
        "overdue_by": -left if left is not None and left < 0 else 0,
        "pending": pending,
        "today": on,
        "role_labels": {**dict(Role.choices), "system": _("by rule")},
        "kind_names": {code: kind.name for code, kind in policy.kinds.items()},
        "supplement_names": [policy.groups[g].name for g in app.supplement_groups or [] if g in policy.groups],
    }, status=status)


@officer_only
@require_GET
def application(request, pk: int):
    return _application_page(request, application_or_404(request, pk))


def _decide(action: str, actor, app: Application, data: dict) -> None:
    if action == Action.TAKE:
        application_take(actor=actor, application=app)
    elif action == Action.APPROVE:
        application_approve(actor=actor, application=app, note=data.get("note", ""))
    elif action == Action.REJECT:
        application_reject(actor=actor, application=app, reason=data["reason"])
    elif action == Action.REQUEST_SUPPLEMENT:
        application_request_supplement(
            actor=actor, application=app, reason=data["reason"], documents=list(data["documents"])
        )
    elif action == Action.REVOKE:
        application_revoke(actor=actor, application=app, reason=data["reason"])
    elif action == Action.CONFIRM_REVOCATION:
        application_confirm_revocation(actor=actor, application=app)
    elif action == Action.CANCEL_REVOCATION:
        application_cancel_revocation(actor=actor, application=app)


@officer_only
@require_POST
def application_action(request, pk: int, action: str):
    app = application_or_404(request, pk)
    form = decision_form(action, app, request.POST)
    bound = {action: form} if form is not None else {}
    if form is not None and not form.is_valid():
        return _application_page(request, app, bound=bound, status=422)
    try:
        _decide(action, request.user, app, form.cleaned_data if form is not None else {})
    except DomainError as exc:
        app = application_or_404(request, pk)
        return _application_page(request, app, bound=bound, errors=[("", error_text(exc))], status=exc.status)
    app.refresh_from_db(fields=["status"])
    done = Action.CHECK if action == Action.APPROVE and app.status == Status.CHECKED else action
    messages.success(request, DONE_MESSAGES[done] % {"reference": app.reference})
    return HttpResponseRedirect(reverse("officer:application", args=[app.pk]))


@officer_only
@require_GET
def document(request, pk: int, document_pk: int):
    """One uploaded document, shown inline, only to those who may see it."""
    app = application_or_404(request, pk)
    try:
        doc = get_visible(documents_visible_to(request.user, app), document_pk, _("No such document."))
        handle = doc.file.open("rb")
    except (NotFound, FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    audit_read(request.user, "document.view", doc, application_id=app.pk, kind=doc.kind, channel="officer")
    ext = VIEWABLE_TYPES.get(doc.content_type)
    if ext is None:  # never served as something a browser might run
        response = FileResponse(handle, content_type="application/octet-stream", as_attachment=True,
                                filename=f"{app.reference}-{doc.pk}.bin")
    else:
        response = FileResponse(handle, content_type=doc.content_type, as_attachment=False,
                                filename=f"{app.reference}-{doc.pk}.{ext}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = DOCUMENT_CSP
    return response
