"""The information sheet of a transfer between regions (《参保人员基本医疗保险信息表》, 医保办发
〔2021〕43号): what the old place sends the new one when it transfers a person out. Both regions,
the dates, the months insured, the account balance moved, and, as on every document the bureau
issues, a verification code and its QR code. It is a participation voucher (参保凭证): issued as
an IssuedDocument of kind `participation`, whose content names the transfer. Officers read the
ID number whole; the person and their unit see it masked."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as lazy

from medpause.accounts.permissions import sees_full_id_numbers
from medpause.common.dates import today
from medpause.common.errors import Conflict
from medpause.printing import labels
from medpause.printing.forms import FormGrid
from medpause.printing.i18n import _
from medpause.printing.issue import code_line, issue_block
from medpause.printing.layout import build, fmt_date, fmt_money, gap, header, p, section
from medpause.printing.services import document_issue
from medpause.registry.selectors import contributions_of
from medpause.transfers.states import Status

KIND = "participation"


def _region(region) -> str:
    return f"{region.name} ({region.code})"


def transfer_sheet_pdf(*, transfer, viewer, base_url: str | None = None) -> bytes:
    """The sheet of a sent (or received) transfer the viewer may see (the caller fetched it
    through the viewer's scope); 409 `not_sent` before the old place has sent it."""
    if transfer.status not in (Status.SENT, Status.RECEIVED):
        raise Conflict("not_sent", lazy("The information sheet is issued when the transfer is sent."))
    person, source, target = transfer.person, transfer.from_region, transfer.to_region
    id_shown = person.id_number if sees_full_id_numbers(viewer) else person.id_number_masked
    months = [c.month for c in contributions_of(person=person) if c.month < transfer.date]
    insured = (_("%(n)d months (%(first)s to %(last)s)") % {
        "n": len(months), "first": months[0].strftime("%Y-%m"), "last": months[-1].strftime("%Y-%m")}
        if months else "—")
    fields = {"transfer": transfer.pk, "person": person.pk, "from": source.code, "to": target.code,
              "date": transfer.date.isoformat(), "balance": str(transfer.balance_moved), "months": len(months)}
    code = document_issue(kind=KIND, person=person, region=source, fields=fields).code
    bureau = labels.bureau_name(source)
    title = _("Basic medical insurance information sheet (transfer between regions)")
    line = code_line(code)
    statement = _(
        "%(name)s is transferred from %(from)s to %(to)s: insured in %(from)s until %(end)s, and in %(to)s from "
        "%(date)s. The personal-account balance moves with the insurance."
    ) % {"name": person.name, "from": source.name, "to": target.name,
         "end": fmt_date(transfer.date - dt.timedelta(days=1)), "date": fmt_date(transfer.date)}
    who = FormGrid()
    who.pair(_("Name"), person.name, _("Citizen ID number"), id_shown)
    who.pair(_("Medical insurance card number"), transfer.old_card_number or "—", _("Category"),
             labels.label(labels.CATEGORY, person.category))
    move = FormGrid()
    move.pair(_("Transferred out of"), _region(source), _("Transferred into"), _region(target))
    move.pair(_("Insured in the new region from"), fmt_date(transfer.date), _("Transferred out on"),
              fmt_date(transfer.sent_at.date() if transfer.sent_at else None))
    move.pair(_("Months insured"), insured, _("Personal-account balance moved (yuan)"),
              fmt_money(transfer.balance_moved or 0))
    move.pair(_("Status"), str(Status(transfer.status).label), _("Take in by"),
              fmt_date(transfer.in_due))
    story = header(bureau, title, line) + [
        p(statement, "statement"), gap(8),
        section(_("Insured person")), who.table(), gap(8),
        section(_("Transfer")), move.table(),
    ]
    note = _("The bureau of the old region issues this sheet when it transfers the person out; the new region's "
             "bureau takes the person in on it. The verification page confirms the document.")
    story += [gap(12)] + issue_block(issued=today(), code=code, bureau=bureau, note=note, base_url=base_url)
    return build(story, title=title, author=bureau, subject=line, footer_left=f"{bureau} · {title} · {line}")
