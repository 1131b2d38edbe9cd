"""Certificates the bureau issues from its own register (it never asks an applicant for them):
the participation certificate (参保证明) and the payment certificate (缴费证明)."""

from __future__ import annotations

from decimal import Decimal

from reportlab.platypus import Table

from medpause.cases.selectors import application_policy, suspensions_of
from medpause.common.dates import today
from medpause.common.errors import NotFound
from medpause.coverage.selectors import SCHEDULED, current_cover, period_state
from medpause.policy.selectors import policy_in_force
from medpause.printing import labels
from medpause.printing.forms import FormGrid, citation
from medpause.printing.i18n import _, pgettext
from medpause.printing.issue import code_line, issue_block
from medpause.printing.layout import (
    ACCENT,
    CONTENT_WIDTH,
    SHADE,
    build,
    fmt_date,
    fmt_money,
    gap,
    grid,
    header,
    p,
    section,
)
from medpause.printing.services import document_issue
from medpause.registry.models import Card
from medpause.registry.selectors import contributions_of
from medpause.transfers.selectors import transfers_of
from medpause.transfers.states import Status as TransferStatus

KINDS = ("participation", "payment")
LAW_SOURCE = "sil_23"


def _title(kind: str) -> str:
    if kind == "payment":
        return _("Certificate of basic medical insurance payments")
    return _("Certificate of participation in basic medical insurance")


def _person_grid(person, card, *, with_unit: bool = True) -> Table:
    g = FormGrid()
    g.pair(_("Name"), person.name, _("Citizen ID number"), person.id_number)
    g.pair(_("Medical insurance card number"), card.number if card else "—", pgettext("printed form", "Region"),
           f"{person.region.name} ({person.region.code})")
    unit = person.unit.name if (with_unit and person.unit) else "—"
    g.pair(_("Category"), labels.label(labels.CATEGORY, person.category), pgettext("printed form", "Unit"), unit)
    return g.table()


def _reason_name(suspension, fallback_policy) -> str:
    policy = fallback_policy
    if suspension.stop_application_id:
        policy = application_policy(suspension.stop_application)
    reason = policy.reasons.get(suspension.reason) or fallback_policy.reasons.get(suspension.reason)
    return reason.name if reason else suspension.reason


def _until(s, day) -> str:
    """The second column of a stop: its last day, or what it is on the day of issue."""
    if period_state(start=s.start_date, end=s.end_date, day=day) == SCHEDULED:
        return _("scheduled: not begun")
    if s.end_date:
        return fmt_date(s.end_date)
    if s.terminating:
        return _("for good")
    if s.planned_end_date:
        return _("ongoing (planned end %(date)s)") % {"date": fmt_date(s.planned_end_date)}
    return _("ongoing")


def _suspensions_table(suspensions, policy, day) -> list:
    if not suspensions:
        return [p(_("No stop of the insurance is recorded."), "body")]
    widths = [26, 78, 96, CONTENT_WIDTH - 26 - 78 - 96 - 80 - 80, 80, 80]
    rows = [[p("#", "label", bold=True), p(_("From"), "label", bold=True), p(_("To (last day)"), "label", bold=True),
             p(_("Reason"), "label", bold=True), p(_("Kind"), "label", bold=True),
             p(_("Benefits again from"), "label", bold=True)]]
    for n, s in enumerate(suspensions, 1):
        until = _until(s, day)
        kind = _("Termination") if s.terminating else _("Suspension")
        rows.append([p(str(n), "cell"), p(fmt_date(s.start_date), "cell"), p(until, "cell"),
                     p(_reason_name(s, policy), "cell"), p(kind, "cell"), p(fmt_date(s.benefits_from), "cell")])
    return [grid(rows, widths, label_cols=(), header=True)]


def _transfers_table(moves) -> Table:
    widths = [CONTENT_WIDTH * 0.32, CONTENT_WIDTH * 0.32, CONTENT_WIDTH * 0.18, CONTENT_WIDTH * 0.18]
    rows = [[p(_("Transferred out of"), "label", bold=True), p(_("Transferred into"), "label", bold=True),
             p(_("Transfer date"), "label", bold=True), p(_("Status"), "label", bold=True)]]
    for t in moves:
        rows.append([p(f"{t.from_region.name} ({t.from_region.code})", "cell"),
                     p(f"{t.to_region.name} ({t.to_region.code})", "cell"), p(fmt_date(t.date), "cell"),
                     p(str(TransferStatus(t.status).label), "cell")])
    return grid(rows, widths, label_cols=(), header=True)


def _participation(person, card, region, policy, issued, viewer) -> tuple[list, dict]:
    cover = current_cover(person=person)
    status = cover.status
    suspensions = suspensions_of(user=viewer, person=person)
    since = card.issued_on if card else None
    scheme = _("the basic medical insurance for employees")
    statement = _(
        "This is to certify that %(name)s (citizen ID number %(id)s) has been insured in %(scheme)s in "
        "%(region)s since %(since)s, as: %(category)s. On %(date)s the medical insurance card is: %(status)s."
    ) % {
        "name": person.name, "id": person.id_number, "scheme": scheme, "region": person.region.name,
        "since": fmt_date(since), "category": labels.label(labels.CATEGORY, person.category),
        "date": issued.isoformat(), "status": labels.label(labels.CARD_STATUS, status),
    }
    if cover.scheduled_from:
        statement += " " + _(
            "A stop of the insurance is approved from %(start)s: the card can be used until the day before."
        ) % {"start": fmt_date(cover.scheduled_from)}
    g = FormGrid()
    g.pair(_("Insured since"), fmt_date(since), _("Card status on %(date)s") % {"date": issued.isoformat()},
           labels.label(labels.CARD_STATUS, status))
    story = [
        p(statement, "statement"), gap(8),
        section(_("Insured person")), _person_grid(person, card), g.table(), gap(8),
        section(_("Periods the insurance was stopped")), gap(3), *_suspensions_table(suspensions, policy, issued),
    ]
    moves = [t for t in transfers_of(user=viewer, person_id=person.pk) if t.status in (TransferStatus.SENT, TransferStatus.RECEIVED)]
    if moves:
        story += [gap(8), section(_("Transfers between regions")), gap(3), _transfers_table(moves)]
    fields = {
        "status": status,
        "scheduled_from": fmt_date(cover.scheduled_from) if cover.scheduled_from else None,
        "insured_since": fmt_date(since),
        "suspensions": [
            [fmt_date(s.start_date), fmt_date(s.end_date), s.reason, s.terminating, fmt_date(s.benefits_from)]
            for s in suspensions
        ],
        **({"transfers": [[t.from_region.code, t.to_region.code, t.date.isoformat(), t.status] for t in moves]}
           if moves else {}),
    }
    return story, fields


def _payment(person, card, region, policy, issued) -> tuple[list, dict]:
    contributions = contributions_of(person=person)
    flexible = person.category == "flexible"
    widths = [96] + [(CONTENT_WIDTH - 96) / 4] * 4
    own_share = _("Person's share, paid alone (yuan)") if flexible else _("Employee share (yuan)")
    rows = [[p(pgettext("printed form", "Month"), "label", bold=True), p(_("Contribution base (yuan)"), "right", bold=True),
             p(_("Employer share (yuan)"), "right", bold=True), p(own_share, "right", bold=True),
             p(_("Total (yuan)"), "right", bold=True)]]
    base_sum = employer_sum = employee_sum = Decimal("0.00")
    for c in contributions:
        rows.append([p(c.month.strftime("%Y-%m"), "cell"), p(fmt_money(c.base), "right"),
                     p(fmt_money(c.employer_amount), "right"), p(fmt_money(c.employee_amount), "right"),
                     p(fmt_money(c.total), "right")])
        base_sum += c.base
        employer_sum += c.employer_amount
        employee_sum += c.employee_amount
    n = len(rows)
    rows.append([p(_("Total: %(n)d months") % {"n": len(contributions)}, "cell", bold=True), p("", "right"),
                 p(fmt_money(employer_sum), "right", bold=True), p(fmt_money(employee_sum), "right", bold=True),
                 p(fmt_money(employer_sum + employee_sum), "right", bold=True)])
    table = grid(rows, widths, label_cols=(), header=True,
                 extra=[("BACKGROUND", (0, n), (-1, n), SHADE), ("LINEABOVE", (0, n), (-1, n), 1.2, ACCENT)])
    if contributions:
        period = _("%(first)s to %(last)s") % {
            "first": contributions[0].month.strftime("%Y-%m"), "last": contributions[-1].month.strftime("%Y-%m"),
        }
    else:
        period = "—"
    statement = _(
        "This is to certify that %(name)s (citizen ID number %(id)s) paid basic medical insurance premiums "
        "in %(region)s for the months below (%(period)s), %(total)s yuan in all."
    ) % {
        "name": person.name, "id": person.id_number, "region": person.region.name, "period": period,
        "total": fmt_money(employer_sum + employee_sum),
    }
    if flexible:
        who = _("As a flexible worker this person pays the whole premium alone: there is no employer share.")
    else:
        who = _("As an employee this person shares the premium with the employer (%(unit)s).") % {
            "unit": person.unit.name if person.unit else "—"
        }
    law = policy.sources.get(LAW_SOURCE)
    note = [
        p(_("Under Article 23 of the Social Insurance Law, employees pay the premium together with their "
            "employer; flexible workers pay it alone.") + " " + who, "body"),
    ]
    if law is not None:
        note += [gap(2), p(citation(law.title, law.article), "small", bold=True), p(law.text, "small")]
    story = [
        p(statement, "statement"), gap(8),
        section(_("Insured person")), _person_grid(person, card), gap(8),
        section(_("Monthly contributions")), gap(3),
        table if contributions else p(_("No contribution is recorded."), "body"),
        gap(6), section(pgettext("printed form", "Note")), gap(3), *note,
    ]
    fields = {
        "contributions": [
            [c.month.strftime("%Y-%m"), str(c.base), str(c.employer_amount), str(c.employee_amount)]
            for c in contributions
        ],
        "total": str(employer_sum + employee_sum),
    }
    return story, fields


def certificate_pdf(*, person, kind: str, viewer, base_url: str | None = None) -> bytes:
    """A participation or payment certificate of `person`, issued today by the bureau of the
    person's region, recorded as an IssuedDocument whose verification code (and its QR code,
    pointing at the public verification page under `base_url`) it carries. The same content
    printed again (in the other language, a second copy the same day) keeps its code. Full name
    and ID number, as on an official certificate: the caller must have fetched the person
    through `viewer`'s scope."""
    if kind not in KINDS:
        raise NotFound("unknown_certificate", _("There is no such certificate."), details={"kind": kind})
    region = person.region
    _pv, policy = policy_in_force(region=region)
    card = Card.objects.filter(person=person).first()
    issued = today()
    bureau = labels.bureau_name(region)
    title = _title(kind)
    if kind == "payment":
        body, specific = _payment(person, card, region, policy, issued)
    else:
        body, specific = _participation(person, card, region, policy, issued, viewer)
    fields = {
        "name": person.name, "id_number": person.id_number, "card": card.number if card else "",
        "region": region.code, "category": person.category, "issued_on": issued.isoformat(), **specific,
    }
    code = document_issue(kind=kind, person=person, region=region, fields=fields).code
    line = code_line(code)
    story = header(bureau, title, line)
    story += body
    note = _("The bureau issues this certificate from its own register. The verification page confirms the kind "
             "of document, the day it was issued, the issuing bureau and the person (name and ID number masked).")
    story += [gap(12)] + issue_block(issued=issued, code=code, bureau=bureau, note=note, base_url=base_url)
    return build(
        story, title=title, author=bureau, subject=line,
        footer_left=f"{bureau} · {title} · {line}",
    )
