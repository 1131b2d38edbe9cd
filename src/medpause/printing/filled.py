"""The application form filled in from a stored application, for the bureau's file and the
applicant's records: the sections of the blank form (`forms`) with the application's answers,
its documents, what is missing and its history."""

from __future__ import annotations

from reportlab.graphics.barcode.code128 import Code128
from reportlab.platypus import KeepTogether, Table

from medpause.accounts.models import ApplicantType
from medpause.accounts.permissions import documents_visible_to
from medpause.cases.selectors import application_policy, missing_documents
from medpause.policy.schema import Policy, Reason
from medpause.policy.selectors import APPLICANT_DOCUMENT_TYPE, consequences_for
from medpause.printing import labels
from medpause.printing.forms import (
    applicant_section,
    bureau_section,
    checklist_header,
    checklist_table,
    consequences_section,
    form_title,
    legal_section,
    local_time,
    resume_details,
    signature_section,
    stop_details,
    unit_section,
)
from medpause.printing.i18n import _, pgettext
from medpause.printing.layout import (
    CONTENT_WIDTH,
    RULE,
    TickBox,
    build,
    fmt_date,
    fmt_size,
    gap,
    grid,
    header,
    p,
    section,
)


def _card_number(person) -> str:
    from medpause.registry.models import Card

    card = Card.objects.filter(person=person).only("number").first()
    return card.number if card else "—"


def _reference_block(application) -> Table:
    status = labels.label(labels.STATUS, application.status)
    left = [
        p(_("Application reference"), "small"),
        p(application.reference, "reference", bold=True),
        gap(2),
        p(_("Status: %(status)s") % {"status": status}, "body", bold=True),
        p(_("Judged by policy version %(version)s") % {"version": application.policy_version.label}, "small"),
    ]
    barcode = Code128(application.reference, barHeight=30, barWidth=0.85, humanReadable=True, fontSize=7)
    table = Table([[left, barcode]], colWidths=[CONTENT_WIDTH - 200, 200])
    table.setStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                    ("BOX", (0, 0), (-1, -1), 0.9, RULE), ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)])
    return table


def _application_checklist(application, policy: Policy, reason: Reason | None) -> list:
    doc_type = APPLICANT_DOCUMENT_TYPE.get(application.applicant_type, ApplicantType.INDIVIDUAL)
    if reason is None:
        return [p("—", "body")]
    if application.kind == "stop":
        codes = list(reason.stop_documents.get(doc_type, ()))
        codes += [g for g in reason.bureau_documents if g not in codes]
    else:
        codes = list(reason.resume_documents.get(doc_type, ()))
        if application.early_resume:
            codes += [g for g in reason.early_resume_documents if g not in codes]
    missing = set(missing_documents(application))
    documents = list(application.documents.all())
    rows = [checklist_header()]
    for code in codes:
        group = policy.groups.get(code)
        if group is None:
            continue
        attached = [d for d in documents if d.kind in group.any_of]
        if group.provided_by_bureau:
            note, done = _("Held by the bureau"), True
        elif code in missing:
            note, done = _("Missing"), False
        else:
            names = sorted({policy.kinds[d.kind].name for d in attached if d.kind in policy.kinds})
            note, done = _("Attached: %(kinds)s") % {"kinds": _(", ").join(names)}, True
        any_of = " / ".join(policy.kinds[k].name for k in group.any_of if k in policy.kinds)
        rows.append([TickBox(done), p(group.name, "cell"), p(any_of, "cell"), p(note, "cell", bold=not done)])
    return [checklist_table(rows, [], [])]


def _documents_table(application, policy: Policy, viewer) -> list:
    documents = list(documents_visible_to(viewer, application))
    if not documents:
        return [p(_("No document has been uploaded."), "body")]
    widths = [170, 70, 110, CONTENT_WIDTH - 350]
    rows = [[p(_("Kind of document"), "label", bold=True), p(_("Size"), "label", bold=True),
             p(_("SHA-256 (first 12)"), "label", bold=True), p(_("Uploaded at"), "label", bold=True)]]
    for d in documents:
        kind = policy.kinds[d.kind].name if d.kind in policy.kinds else d.kind
        rows.append([p(kind, "cell"), p(fmt_size(d.size), "cell"), p(d.sha256[:12], "cell"),
                     p(local_time(d.uploaded_at), "cell")])
    return [grid(rows, widths, label_cols=(), header=True)]


def _missing_list(application, policy: Policy) -> list:
    missing = missing_documents(application)
    if not missing:
        return [p(_("None: every required document is attached."), "body")]
    out = []
    for code in missing:
        group = policy.groups.get(code)
        if group is None:
            out.append(p(f"• {code}", "body"))
            continue
        any_of = " / ".join(policy.kinds[k].name for k in group.any_of if k in policy.kinds)
        out.append(p("• " + _("%(group)s (any one of: %(kinds)s)") % {"group": group.name, "kinds": any_of}, "body"))
    return out


def _history_table(application) -> list:
    events = list(application.events.all())
    if not events:
        return [p(_("No step has been taken yet: the application is a draft."), "body")]
    widths = [82, 92, 150, 80, CONTENT_WIDTH - 404]
    rows = [[p(_("Time (Beijing time)"), "label", bold=True), p(_("Action"), "label", bold=True),
             p(_("Status"), "label", bold=True), p(_("By"), "label", bold=True), p(pgettext("printed form", "Note"), "label", bold=True)]]
    for e in events:
        move = f"{labels.label(labels.STATUS, e.from_status)} → {labels.label(labels.STATUS, e.to_status)}"
        rows.append([p(local_time(e.at), "cell"), p(labels.label(labels.ACTION, e.action), "cell"), p(move, "cell"),
                     p(labels.label(labels.ROLE, e.actor_role), "cell"), p(e.note_text or "", "cell")])
    return [grid(rows, widths, label_cols=(), header=True)]


def application_form_pdf(*, application, viewer) -> bytes:
    """The form filled in from a stored application: what the bureau files. The full ID number is
    printed: the caller must already have fetched the application through `viewer`'s scope; the
    documents listed are those `viewer` may see."""
    app = application
    policy = application_policy(app)
    reason = policy.reasons.get(app.reason)
    person = app.person
    region = app.region
    unit = app.unit or person.unit
    bureau = labels.bureau_name(region)
    title = form_title(app.kind)
    subtitle = _("Region: %(region)s (%(code)s) · Policy version %(version)s") % {
        "region": region.name, "code": region.code, "version": app.policy_version.label,
    }
    story = header(bureau, title, subtitle)
    story += [_reference_block(app), gap(6)]
    story += applicant_section(
        applicant_type=app.applicant_type, name=person.name, id_number=person.id_number,
        card_number=_card_number(person), filled=True,
    ) + [gap(6)]
    story += unit_section(unit=unit, filled=True) + [gap(6)]
    if app.kind == "stop":
        if app.end_date:
            duration = _("From %(start)s to %(end)s") % {"start": fmt_date(app.start_date), "end": fmt_date(app.end_date)}
        elif reason is not None and not reason.resumable:
            duration = _("No end date: coverage ends for this reason.")
        else:
            duration = _("Open: until a resumption is approved")
        story += stop_details(
            reason=reason, reasons=[], start=fmt_date(app.start_date), end=fmt_date(app.end_date),
            duration=duration, note=app.note or "—", filled=True,
        )
    else:
        s = app.suspension
        stop_ref = s.stop_application.reference if s is not None and s.stop_application_id else "—"
        story += resume_details(
            reason=reason, reasons=[], stop_start=fmt_date(s.start_date if s else None), stop_reference=stop_ref,
            planned_end=fmt_date(s.planned_end_date if s else None), resume_date=fmt_date(app.start_date),
            early=app.early_resume, note=app.note or "—", filled=True,
        )
    story += [gap(6), section(_("4. Documents")), gap(3)]
    story += _application_checklist(app, policy, reason)
    story += [gap(5), KeepTogether([p(_("Documents uploaded"), "body", bold=True), gap(2), *_documents_table(app, policy, viewer)])]
    story += [gap(5), KeepTogether([p(_("Still missing"), "body", bold=True), gap(2), *_missing_list(app, policy)])]
    story.append(gap(6))
    if reason is not None:
        items = consequences_for(policy=policy, reason=reason, category=person.category)
        story += consequences_section(app.kind, items, app.consequences_acknowledged_at is not None)
        story += [gap(6)] + legal_section(policy, reason.legal_basis)
    submitted = ""
    if app.first_submitted_at:
        submitted = _("Submitted online on %(time)s (Beijing time).") % {"time": local_time(app.first_submitted_at)}
        if app.consequences_acknowledged_at:
            submitted += " " + _("The applicant confirmed having read what this means on %(time)s.") % {
                "time": local_time(app.consequences_acknowledged_at)
            }
    story += [gap(6)] + signature_section(submitted_note=submitted)
    story += [gap(6), section(_("History")), gap(3)] + _history_table(app)
    story += [gap(8)] + bureau_section(app)
    return build(
        story, title=f"{title} · {app.reference}", author=bureau, subject=app.policy_version.label,
        footer_left=f"{bureau} · {title} · {app.reference}",
    )
