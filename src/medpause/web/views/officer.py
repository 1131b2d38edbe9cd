"""The officer workbench: the region's review queue, one application with its documents and the
decisions on it, a person look-up by ID number, and the region's statistics.

Officers see their own region only; an administrator sees every region. Anyone else gets a 404
(a signed-out visitor is sent to the sign-in page). Every read goes through the selectors and
every change through a transition service; domain errors are shown with their code. ID numbers
never appear in a URL: the look-up is a POST form and pages are addressed by row id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medpause.accounts.models import Role
from medpause.audit.services import audit_read
from medpause.cases.models import ApplicantType, Application, Kind
from medpause.cases.selectors import (
    application_get,
    application_policy,
    applications_visible_to,
    missing_documents,
    required_groups_of,
    review_queue,
    suspensions_of,
)
from medpause.cases.services import (
    application_approve,
    application_reject,
    application_request_supplement,
    application_take,
)
from medpause.cases.states import PENDING_STATUSES, Action, Status, allowed_actions
from medpause.common.dates import add_working_days, today, working_days_between
from medpause.common.errors import DomainError, NotFound
from medpause.coverage.selectors import card_status_on
from medpause.policy.models import PolicyVersion, Region
from medpause.policy.selectors import policy_in_force, policy_of
from medpause.registry.selectors import contributions_of, person_by_id_number, person_get
from medpause.registry.services import id_number_clean

OFFICER_ROLES = frozenset({"officer", "admin"})
REVIEW_ACTIONS = (Action.TAKE, Action.APPROVE, Action.REJECT, Action.REQUEST_SUPPLEMENT)
PENDING = [Status.SUBMITTED, Status.IN_REVIEW, Status.SUPPLEMENT_REQUESTED]
DECIDED = [Status.APPROVED, Status.REJECTED]
SOON_WORKING_DAYS = 3
STATISTICS_DAYS = 14
PAGE_SIZE = 50
VIEWABLE_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
# A document is shown inside the page's frame: nothing in it may run or load anything else.
DOCUMENT_CSP = "default-src 'none'; img-src 'self'; object-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"

COVERAGE_LABELS = {
    "active": _("Active"),
    "suspended": _("Suspended"),
    "terminated": _("Ended for good"),
    "waiting": _("Waiting period: no benefits yet"),
    "unknown": _("Unknown"),
}


# --- access ------------------------------------------------------------------------------


def officer_required(view):
    """Officers and administrators only. Signed out: to the sign-in page; any other role: 404,
    so the workbench does not even admit that it exists."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request.user, "role", None) not in OFFICER_ROLES:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _ns(request) -> str:
    """The namespace these views are mounted under ("officer", or "web:officer" when the web
    app includes them), so links work wherever the workbench is included."""
    match = getattr(request, "resolver_match", None)
    return match.namespace if match and match.namespace else "officer"


def _url(request, name: str, *args) -> str:
    return reverse(f"{_ns(request)}:{name}", args=args)


SECTIONS = {"queue.html": "queue", "application.html": "queue", "statistics.html": "statistics"}


def _page(request, template: str, context: dict, status: int = 200):
    context = {
        "ns": _ns(request),
        "is_admin": request.user.role == "admin",
        "section": SECTIONS.get(template, "persons"),
        **context,
    }
    return render(request, f"web/officer/{template}", context, status=status)


def _application_or_404(request, pk) -> Application:
    try:
        return application_get(user=request.user, application_id=pk)
    except NotFound as exc:
        raise Http404 from exc


def _error_text(exc: DomainError) -> str:
    return _("%(message)s (code: %(code)s)") % {"message": exc.message, "code": exc.code}


# --- small readers -------------------------------------------------------------------------


def _reason_name(policy_version, code: str) -> str:
    reason = policy_of(policy_version).reasons.get(code)
    return reason.name if reason else code


def _days_left(due: dt.date | None, on: dt.date) -> int | None:
    return None if due is None else working_days_between(on, due)


@dataclass
class Row:
    """One application in a list, with what the list shows about its review time limit."""

    app: Application
    reason_name: str
    days_left: int | None
    pending: bool

    @property
    def overdue(self) -> bool:
        return self.pending and self.days_left is not None and self.days_left < 0

    @property
    def overdue_by(self) -> int:
        return -self.days_left if self.overdue else 0


def _rows(apps, on: dt.date) -> list[Row]:
    return [
        Row(
            app=a,
            reason_name=_reason_name(a.policy_version, a.reason),
            days_left=_days_left(a.due_date, on),
            pending=a.status in PENDING_STATUSES,
        )
        for a in apps
    ]


def _region_scope(request, qs, data):
    """An administrator may narrow a list to one region (by its code); an officer is already
    bound to theirs."""
    regions = []
    selected = None
    if request.user.role == "admin":
        regions = list(Region.objects.filter(application__isnull=False).distinct().order_by("code"))
        code = (data.get("region") or "").strip()
        selected = next((r for r in regions if r.code == code), None)
        if selected:
            qs = qs.filter(region=selected)
    return qs, regions, selected


# --- the queue -----------------------------------------------------------------------------

STATUS_FILTER_OPEN, STATUS_FILTER_ALL = "", "all"
DUE_CHOICES = [
    ("", _("Any")),
    ("overdue", _("Overdue")),
    ("soon", lazy(lambda: _("Due within %(days)d working days") % {"days": SOON_WORKING_DAYS}, str)()),
    ("later", _("Due later")),
]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    reason = forms.ChoiceField(label=_("Reason"), required=False)
    due = forms.ChoiceField(label=_("Review time limit"), required=False, choices=DUE_CHOICES)

    def __init__(self, *args, reasons: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (STATUS_FILTER_OPEN, _("Open (not decided yet)")),
            *[(s.value, s.label) for s in Status if s != Status.DRAFT],
            (STATUS_FILTER_ALL, _("All")),
        ]
        self.fields["reason"].choices = [("", _("All reasons")), *reasons]


def _reason_choices(qs) -> list[tuple[str, str]]:
    """The reasons of the applications in the list, named by the policy each was judged by."""
    pairs = list(qs.order_by().values_list("policy_version", "reason").distinct())
    versions = PolicyVersion.objects.in_bulk({pv_id for pv_id, _code in pairs})
    names: dict[str, str] = {}
    for pv_id, code in pairs:
        names.setdefault(code, _reason_name(versions[pv_id], code))
    return sorted(names.items(), key=lambda item: str(item[1]))


@officer_required
@require_GET
def queue(request):
    on = today()
    qs = review_queue(user=request.user)
    qs, regions, region = _region_scope(request, qs, request.GET)
    form = QueueFilterForm(request.GET or None, reasons=_reason_choices(qs))
    form.is_valid()  # shows a choice it does not know; the list is filtered by the valid ones
    cleaned = getattr(form, "cleaned_data", {})
    data = {name: cleaned.get(name, "") for name in form.fields}
    if "reason" in form.errors:  # a reason no application in the list has: nothing matches
        data["reason"] = request.GET.get("reason", "")
    status = data.get("status") or STATUS_FILTER_OPEN
    if status == STATUS_FILTER_OPEN:
        qs = qs.filter(status__in=PENDING)
    elif status != STATUS_FILTER_ALL:
        qs = qs.filter(status=status)
    if data.get("reason"):
        qs = qs.filter(reason=data["reason"])
    due = data.get("due", "")
    soon_limit = add_working_days(on, SOON_WORKING_DAYS + 1)  # before it: at most 3 working days left
    if due == "overdue":
        qs = qs.filter(status__in=PENDING, due_date__lt=on)
    elif due == "soon":
        qs = qs.filter(status__in=PENDING, due_date__gte=on, due_date__lt=soon_limit)
    elif due == "later":
        qs = qs.filter(status__in=PENDING, due_date__gte=soon_limit)
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _page(
        request,
        "queue.html",
        {
            "form": form,
            "rows": _rows(page.object_list, on),
            "page": page,
            "query": query.urlencode(),
            "total": paginator.count,
            "today": on,
            "regions": regions,
            "region": region,
            "scope_name": region.name if region else (request.user.region.name if request.user.region else ""),
        },
    )


def _person_applications(user, person_id):
    """A person's applications the bureau has in hand: a draft is still the applicant's own
    work, except one an officer is filling in at the counter."""
    qs = applications_visible_to(user).filter(person_id=person_id).order_by("-created_at")
    return qs.exclude(status=Status.DRAFT, applicant_type__in=[ApplicantType.INDIVIDUAL, ApplicantType.UNIT])


# --- one application -----------------------------------------------------------------------


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The applicant can read it."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant will read this. Say which rule or document is the problem."),
        error_messages={"required": _("Give the reason for the rejection.")},
    )


class SupplementForm(forms.Form):
    reason = forms.CharField(
        label=_("What is needed and why"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant will read this."),
        error_messages={"required": _("Say what is needed and why.")},
    )
    documents = forms.MultipleChoiceField(
        label=_("Documents needed"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one document.")},
    )

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        policy = application_policy(application)
        required = required_groups_of(application)
        others = [g for g in policy.groups.values() if g.code not in required and not g.provided_by_bureau]
        field = self.fields["documents"]
        field.choices = [(code, policy.groups[code].name) for code in required] + [(g.code, g.name) for g in others]
        field.choice_hints = {code: _("Required for this reason") for code in required}


FORMS = {
    Action.APPROVE: ("approve", ApproveForm),
    Action.REJECT: ("reject", RejectForm),
    Action.REQUEST_SUPPLEMENT: ("supplement", SupplementForm),
}


def _action_form(action: str, application: Application, data=None):
    if action == Action.TAKE:
        return None
    prefix, form_class = FORMS[action]
    kwargs = {"application": application} if form_class is SupplementForm else {}
    return form_class(data, prefix=prefix, **kwargs)


@dataclass
class GroupCheck:
    code: str
    name: str
    kinds: list[str]
    documents: list = field(default_factory=list)
    missing: bool = False
    asked_again: bool = False
    bureau: bool = False


@dataclass
class DocumentView:
    document: object
    kind_name: str
    groups: list[str]
    url: str
    is_pdf: bool
    is_image: bool


def _checklist(app: Application, policy, documents) -> list[GroupCheck]:
    missing = set(missing_documents(app))
    required = required_groups_of(app)
    codes = required + [g for g in app.supplement_groups or [] if g not in required]
    checks = []
    for code in codes:
        group = policy.groups.get(code)
        if group is None:
            continue
        kinds = set(group.any_of)
        checks.append(
            GroupCheck(
                code=code, name=group.name, kinds=[policy.kinds[k].name for k in group.any_of if k in policy.kinds],
                documents=[d for d in documents if d.kind in kinds], missing=code in missing,
                asked_again=code in (app.supplement_groups or []),
            )
        )
    reason = policy.reasons.get(app.reason)
    if reason is not None and app.kind == Kind.STOP:
        for code in reason.bureau_documents:
            group = policy.groups.get(code)
            if group is not None and code not in codes:
                checks.append(
                    GroupCheck(code=code, name=group.name, kinds=[policy.kinds[k].name for k in group.any_of
                                                                 if k in policy.kinds], bureau=True)
                )
    return checks


def _coverage(person, on: dt.date) -> dict:
    status = card_status_on(person=person, day=on)
    try:
        card = person.card
    except person.__class__.card.RelatedObjectDoesNotExist:
        card = None
    periods = []
    for s in suspensions_of(person=person):
        pv = s.stop_application.policy_version if s.stop_application_id else None
        if pv is None:
            try:
                pv, _policy = policy_in_force(region=s.region, on=s.start_date)
            except DomainError:
                pv = None
        periods.append({"suspension": s, "reason_name": _reason_name(pv, s.reason) if pv else s.reason})
    return {
        "card": card,
        "status": status.status,
        "status_label": COVERAGE_LABELS.get(status.status, status.status),
        "benefits_from": status.benefits_from,
        "periods": periods,
        "on": on,
    }


def _application_page(request, app: Application, *, bound=None, errors=None, status: int = 200):
    on = today()
    policy = application_policy(app)
    reason = policy.reasons.get(app.reason)
    documents = list(app.documents.all())
    group_names: dict[str, list[str]] = {}
    for group in policy.groups.values():
        for kind in group.any_of:
            group_names.setdefault(kind, []).append(group.name)
    doc_views = [
        DocumentView(
            document=d,
            kind_name=policy.kinds[d.kind].name if d.kind in policy.kinds else d.kind,
            groups=group_names.get(d.kind, []),
            url=_url(request, "document", app.pk, d.pk),
            is_pdf=d.content_type == "application/pdf",
            is_image=d.content_type.startswith("image/"),
        )
        for d in documents
    ]
    allowed = [a for a in allowed_actions(app.status) if a in REVIEW_ACTIONS]
    bound = bound or {}
    action_forms = {}
    for action in allowed:
        if action == Action.TAKE:
            continue
        prefix = FORMS[action][0]
        action_forms[prefix] = bound.get(action) or _action_form(action, app)
    posted = next(iter(bound.values()), None)
    others = _person_applications(request.user, app.person_id).exclude(pk=app.pk)
    days_left = _days_left(app.due_date, on)
    pending = app.status in PENDING_STATUSES
    return _page(
        request,
        "application.html",
        {
            "app": app,
            "person": app.person,
            "policy": policy,
            "reason": reason,
            "reason_name": reason.name if reason else app.reason,
            "documents": doc_views,
            "checklist": _checklist(app, policy, documents),
            "missing_count": len(missing_documents(app)),
            "coverage": _coverage(app.person, on),
            "events": list(app.events.select_related("actor")),
            "others": _rows(others, on),
            "allowed": allowed,
            "can_take": Action.TAKE in allowed,
            "forms": action_forms,
            "posted_form": posted,
            "posted_action": next(iter(bound.keys()), None),
            "errors": errors or [],
            "days_left": days_left,
            "overdue": pending and days_left is not None and days_left < 0,
            "overdue_by": -days_left if days_left is not None and days_left < 0 else 0,
            "pending": pending,
            "today": on,
            "role_labels": {**dict(Role.choices), "system": _("by rule")},
            "kind_names": {code: kind.name for code, kind in policy.kinds.items()},
            "supplement_names": [policy.groups[g].name for g in app.supplement_groups or [] if g in policy.groups],
        },
        status=status,
    )


@officer_required
@require_GET
def application(request, pk: int):
    return _application_page(request, _application_or_404(request, pk))


DONE_MESSAGES = {
    Action.TAKE: _("You took application %(reference)s into review."),
    Action.APPROVE: _("Application %(reference)s is approved."),
    Action.REJECT: _("Application %(reference)s is rejected."),
    Action.REQUEST_SUPPLEMENT: _("More documents were asked for on application %(reference)s."),
}


def _run(action: str, actor, app: Application, data: dict) -> None:
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


@officer_required
@require_POST
def application_action(request, pk: int, action: str):
    app = _application_or_404(request, pk)
    form = _action_form(action, app, request.POST)
    bound = {action: form} if form is not None else {}
    if form is not None and not form.is_valid():
        return _application_page(request, app, bound=bound, status=422)
    try:
        _run(action, request.user, app, form.cleaned_data if form is not None else {})
    except DomainError as exc:
        app = _application_or_404(request, pk)
        return _application_page(request, app, bound=bound, errors=[("", _error_text(exc))], status=exc.status)
    messages.success(request, DONE_MESSAGES[action] % {"reference": app.reference})
    return HttpResponseRedirect(_url(request, "application", app.pk))


@officer_required
@require_GET
def document(request, pk: int, document_pk: int):
    """One uploaded document, shown inline, only to those who may see its application."""
    app = _application_or_404(request, pk)
    doc = app.documents.filter(pk=document_pk).first()
    if doc is None:
        raise Http404
    try:
        handle = doc.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
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


# --- persons -------------------------------------------------------------------------------


class PersonLookupForm(forms.Form):
    id_number = forms.CharField(
        label=_("ID number"), max_length=32,
        help_text=_("The 18 characters on the resident identity card."),
        error_messages={"required": _("Enter the ID number.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters",
                                      "class": "input-id-number"}),
    )

    def clean_id_number(self):
        try:
            return id_number_clean(self.cleaned_data["id_number"])
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message), code=exc.code) from exc


@officer_required
@require_http_methods(["GET", "POST"])
def person_lookup(request):
    """Find a person by ID number. A POST form, so the number never lands in a URL, a browser
    history or a server log line. A person of another region is reported exactly like a
    person who does not exist."""
    form = PersonLookupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            person = person_by_id_number(user=request.user, id_number=form.cleaned_data["id_number"])
            audit_read(request.user, "person.lookup", person or ("registry.person", ""),
                       id_number=form.cleaned_data["id_number"], found=person is not None, channel="officer")
            if person is not None:
                return HttpResponseRedirect(_url(request, "person", person.pk))
            form.add_error(
                "id_number",
                forms.ValidationError(
                    _("No insured person with this ID number is registered.")
                    if request.user.role == "admin"
                    else _("No insured person with this ID number is registered in your region."),
                    code="not_found",
                ),
            )
        status = 422 if form.errors else 200
    return _page(request, "person_lookup.html", {"form": form}, status=status)


@officer_required
@require_GET
def person(request, pk: int):
    try:
        someone = person_get(user=request.user, person_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    audit_read(request.user, "person.view", someone, channel="officer")
    on = today()
    apps = _person_applications(request.user, someone.pk)
    contributions = list(reversed(contributions_of(person=someone)))
    return _page(
        request,
        "person.html",
        {
            "person": someone,
            "coverage": _coverage(someone, on),
            "applications": _rows(apps, on),
            "contributions": contributions[:36],
            "contributions_total": len(contributions),
            "today": on,
        },
    )


# --- statistics ----------------------------------------------------------------------------


def region_statistics(qs, on: dt.date, days: int = STATISTICS_DAYS) -> dict:
    """Backlog by status, decisions per day over the last `days` days (today included), the
    average time from first submission to decision, and how many open applications are past
    their review time limit. `qs`: the applications in scope."""
    counts = dict(qs.exclude(status=Status.DRAFT).order_by().values_list("status").annotate(n=Count("id")))
    backlog = [{"status": s, "label": s.label, "count": counts.get(s.value, 0)} for s in map(Status, PENDING)]
    others = [{"status": s, "label": s.label, "count": counts.get(s.value, 0)}
              for s in (Status.APPROVED, Status.REJECTED, Status.WITHDRAWN)]
    first = on - dt.timedelta(days=days - 1)
    decided = qs.filter(status__in=DECIDED, decided_at__isnull=False)
    per_day: dict[tuple[dt.date, str], int] = {}
    rows = (
        decided.filter(decided_at__date__gte=first, decided_at__date__lte=on)
        .order_by()
        .annotate(day=TruncDate("decided_at"))
        .values_list("day", "status")
        .annotate(n=Count("id"))
    )
    for day, status, n in rows:
        per_day[(day, status)] = n
    daily = []
    for i in range(days):
        day = first + dt.timedelta(days=i)
        approved = per_day.get((day, Status.APPROVED.value), 0)
        rejected = per_day.get((day, Status.REJECTED.value), 0)
        daily.append({"day": day, "approved": approved, "rejected": rejected, "total": approved + rejected})
    peak = max((d["total"] for d in daily), default=0)
    durations = [
        (decided_at - submitted).total_seconds()
        for submitted, decided_at in decided.filter(first_submitted_at__isnull=False)
        .order_by()
        .values_list("first_submitted_at", "decided_at")
        .iterator()
    ]
    average = sum(durations) / len(durations) if durations else None
    return {
        "backlog": backlog,
        "backlog_total": sum(b["count"] for b in backlog),
        "others": others,
        "daily": daily,
        "daily_total": sum(d["total"] for d in daily),
        "approved_total": sum(d["approved"] for d in daily),
        "rejected_total": sum(d["rejected"] for d in daily),
        "peak": peak,
        "average_days": None if average is None else round(average / 86400, 1),
        "average_hours": None if average is None else round(average / 3600, 1),
        "decided_count": len(durations),
        "overdue": qs.filter(status__in=PENDING, due_date__lt=on).count(),
        "first": first,
        "days": days,
    }


@officer_required
@require_GET
def statistics(request):
    on = today()
    qs = applications_visible_to(request.user)
    qs, regions, region = _region_scope(request, qs, request.GET)
    stats = region_statistics(qs, on)
    return _page(
        request,
        "statistics.html",
        {
            "stats": stats,
            "today": on,
            "regions": regions,
            "region": region,
            "scope_name": region.name if region else (request.user.region.name if request.user.region else ""),
        },
    )
