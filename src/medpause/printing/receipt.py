"""The receipt (受理回执) of a submitted application: what the bureau received and when, the
review deadline, and a verification code with its QR code."""

from __future__ import annotations

from django.utils import timezone

from medpause.cases.selectors import application_policy
from medpause.common.errors import Conflict
from medpause.printing import labels
from medpause.printing.forms import FormGrid, local_time
from medpause.printing.i18n import _, pgettext
from medpause.printing.issue import code_line, issue_block
from medpause.printing.layout import CONTENT_WIDTH, build, fmt_date, fmt_size, gap, grid, header, p, section
from medpause.printing.services import document_issue

KIND = "receipt"


def receipt_title() -> str:
    return _("Receipt of an application")


def _statement(app, bureau: str) -> str:
    values = {"bureau": bureau, "name": app.person.name, "time": local_time(app.first_submitted_at),
              "due": fmt_date(app.due_date)}
    if app.kind == "resume":
        text = _("%(bureau)s received the application of %(name)s to resume basic medical insurance, submitted "
                 "on %(time)s (Beijing time), with the documents listed below.")
    else:
        text = _("%(bureau)s received the application of %(name)s to stop basic medical insurance, submitted "
                 "on %(time)s (Beijing time), with the documents listed below.")
    text = text % values
    if app.due_date:
        text += " " + _("The review is due by %(due)s.") % values
    return text


def _documents_table(app, policy) -> list:
    documents = list(app.documents.all())
    if not documents:
        return [p(_("No document has been uploaded."), "body")]
    widths = [24, 150, CONTENT_WIDTH - 24 - 150 - 60 - 92, 60, 92]
    rows = [[p("#", "label", bold=True), p(_("Kind of document"), "label", bold=True),
             p(_("File name"), "label", bold=True), p(_("Size"), "label", bold=True),
             p(_("Received at"), "label", bold=True)]]
    for n, d in enumerate(documents, 1):
        kind = policy.kinds[d.kind].name if d.kind in policy.kinds else d.kind
        rows.append([p(str(n), "cell"), p(kind, "cell"), p(d.original_name or "—", "cell"), p(fmt_size(d.size), "cell"),
                     p(local_time(d.uploaded_at), "cell")])
    return [grid(rows, widths, label_cols=(), header=True)]


def receipt_fields(app) -> dict:
    """What the receipt certifies, language-free (its digest identifies the receipt)."""
    return {
        "reference": app.reference, "application": app.pk, "kind": app.kind, "name": app.person.name,
        "id_number": app.person.id_number, "region": app.region.code, "reason": app.reason,
        "submitted_at": app.first_submitted_at.isoformat(), "due_date": fmt_date(app.due_date),
        "documents": [[d.kind, d.original_name, d.size, d.sha256] for d in app.documents.all()],
    }


def receipt_pdf(*, application, base_url: str | None = None) -> bytes:
    """The receipt of a submitted application (the caller has checked that the viewer may see
    the application). A draft has none: Conflict `not_submitted`. The receipt is recorded as an
    IssuedDocument; printed again with the same content it keeps its verification code."""
    app = application
    if app.first_submitted_at is None:
        raise Conflict("not_submitted", _("The application has not been submitted yet, so there is no receipt."),
                       details={"status": app.status})
    policy = application_policy(app)
    reason = policy.reasons.get(app.reason)
    person, region = app.person, app.region
    bureau = labels.bureau_name(region)
    issued = document_issue(kind=KIND, person=person, region=region, application=app, fields=receipt_fields(app))
    code = issued.code
    title = receipt_title()
    subtitle = _("Application reference %(reference)s") % {"reference": app.reference} + " · " + code_line(code)
    story = header(bureau, title, subtitle)
    story += [p(_statement(app, bureau), "statement"), gap(8)]

    g = FormGrid()
    kind = _("Stop basic medical insurance") if app.kind == "stop" else _("Resume basic medical insurance")
    g.pair(_("Application reference"), p(app.reference, "value", bold=True), _("Application"), kind)
    g.pair(_("Insured person's name"), person.name, _("Citizen ID number"), person.id_number_masked)
    applicant = labels.label(labels.APPLICANT, app.applicant_type)
    if app.unit_id:
        applicant = f"{applicant}: {app.unit.name}"
    g.pair(_("Reason"), reason.name if reason else app.reason, pgettext("printed form", "Applicant"), applicant)
    g.pair(_("Submitted on"), local_time(app.first_submitted_at), pgettext("printed form", "Review due by"), fmt_date(app.due_date))
    g.wide(_("Receiving office"), _("%(bureau)s, online service") % {"bureau": bureau})
    story += [section(_("The application")), g.table(), gap(8)]
    story += [section(_("Documents received")), gap(3), *_documents_table(app, policy), gap(8)]
    story += [section(_("What happens next")), gap(3)]
    for text in (
        _("The bureau checks the application and the documents, and may ask for more documents; the application "
          "page shows every step."),
        _("Quote the application reference when you contact the bureau about this application."),
    ):
        story.append(p("• " + text, "body"))
    note = _("This receipt confirms that the bureau received the application; it is not a decision on it.")
    story += [gap(12)] + issue_block(
        issued=timezone.localdate(issued.issued_at), code=code, bureau=bureau, note=note, base_url=base_url,
    )
    return build(
        story, title=f"{title} · {app.reference}", author=bureau, subject=code_line(code),
        footer_left=f"{bureau} · {title} · {app.reference}",
    )
