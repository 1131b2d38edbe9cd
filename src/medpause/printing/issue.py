"""The foot of every document the bureau issues (certificates, receipts): when and by whom it
was issued, its verification code, the QR code of its public verification page, and the place
of the bureau's seal."""

from __future__ import annotations

import datetime as dt

from reportlab.platypus import Flowable, KeepTogether, Table

from medpause.printing.forms import FormGrid
from medpause.printing.i18n import _
from medpause.printing.layout import ACCENT, CONTENT_WIDTH, draw_text, gap, p, qr_code
from medpause.printing.verification import format_code, verify_url

QR_SIZE = 80
SEAL_SIZE = 78


class SealPlace(Flowable):
    """A dashed circle where the bureau stamps its seal."""

    def __init__(self, text: str, size: float = SEAL_SIZE):
        super().__init__()
        self.text, self.size = text, size

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        c, r = self.canv, self.size / 2
        c.saveState()
        c.setStrokeColor(ACCENT)
        c.setFillColor(ACCENT)
        c.setDash(3, 2)
        c.setLineWidth(0.8)
        c.circle(r, r, r - 1, stroke=1, fill=0)
        draw_text(c, r, r - 3, self.text, 7.5, align="center")
        c.restoreState()


def code_line(code: str) -> str:
    return _("Verification code %(code)s") % {"code": format_code(code)}


def issue_block(*, issued: dt.date, code: str, bureau: str, note: str, base_url: str | None = None) -> list:
    """Issued on / by, the verification code and how to check it, the QR code, the seal."""
    side = QR_SIZE + 12 + SEAL_SIZE + 16
    g = FormGrid(width=CONTENT_WIDTH - side, label_width=78)
    g.wide(_("Issued on"), issued.isoformat())
    g.wide(_("Issued by"), bureau)
    g.wide(_("Verification code"), p(format_code(code), "value", bold=True))
    check = _("Scan the QR code, or enter the verification code at %(url)s, to see that the bureau issued "
              "this document.") % {"url": verify_url(base_url=base_url)}
    g.full(p(check, "small"), shade=True)
    qr = qr_code(verify_url(code, base_url=base_url), size=QR_SIZE)
    table = Table([[g.table(), qr, SealPlace(_("Bureau seal"))]], colWidths=[CONTENT_WIDTH - side, QR_SIZE + 12,
                                                                              SEAL_SIZE + 16])
    table.setStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (1, 0), (-1, 0), "CENTER"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    return [KeepTogether([table, gap(3), p(note, "small")])]
