"""Shared pieces of every printed document: fonts, styles, mixed Chinese/Latin text, tick
boxes, character boxes, section bars, the page frame and the build step.

Fonts: Latin text is set in Helvetica (one of the 14 fonts every PDF reader has), everything
else in WenQuanYi Micro Hei, a TrueType font shipped in `fonts/` and embedded (as a subset of
the glyphs used) in every document, so that Chinese reads the same on any machine, with or
without Chinese fonts installed (docs/adr/0007-embedded-cjk-font.md). Every piece of text goes
through `rich()`, which wraps the runs Helvetica cannot show in the embedded font.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from medpause.printing.i18n import _, is_zh

CJK_FONT = "WenQuanYiMicroHei"
# Debian's fonts-wqy-microhei 0.2.0-beta, byte for byte: a TrueType collection whose first face
# is the proportional Micro Hei (the second, Micro Hei Mono, is not used). Licence: fonts/.
CJK_FONT_FILE = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
CJK_FONT_INDEX = 0
LATIN_BOLD = "Helvetica-Bold"

# Registered once, at import: building a PDF never registers fonts again. reportlab embeds only
# the glyphs a document uses (a subset), with a ToUnicode map, so text can be copied and searched.
if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(TTFont(CJK_FONT, str(CJK_FONT_FILE), subfontIndex=CJK_FONT_INDEX))
    # The font has no bold face: <b> around Chinese keeps the same face.
    registerFontFamily(CJK_FONT, normal=CJK_FONT, bold=CJK_FONT, italic=CJK_FONT, boldItalic=CJK_FONT)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 16 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN

INK = colors.HexColor("#1a1a1a")
RULE = colors.HexColor("#333333")
SHADE = colors.HexColor("#eef1f5")
BAR = colors.HexColor("#dde3ec")
ACCENT = colors.HexColor("#8b1a1a")  # the red of official seals and titles
MUTED = colors.HexColor("#555555")


def _latin(ch: str) -> bool:
    """Whether Helvetica-Bold (WinAnsi encoding) can draw the character."""
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def runs(text: str, *, bold: bool = False) -> list[tuple[str, str]]:
    """Split text into (font, piece) runs. Regular text is set in the embedded font whatever its
    script, so it reads the same everywhere; the embedded font has no bold face, so bold text is
    set in Helvetica-Bold where Helvetica can draw it, in the embedded font elsewhere."""
    if not bold:
        return [(CJK_FONT, text)] if text else []
    out: list[tuple[str, str]] = []
    for ch in text:
        font = LATIN_BOLD if _latin(ch) else CJK_FONT
        if ch.isspace() and out:
            font = out[-1][0]
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + ch)
        else:
            out.append((font, ch))
    return out


def rich(text, *, bold: bool = False) -> str:
    """Paragraph markup for plain text: escaped, each run in its font (see `runs`)."""
    parts = []
    for font, piece in runs(str(text if text is not None else ""), bold=bold):
        body = escape(piece).replace("\n", "<br/>")
        parts.append(f'<font face="{font}">{body}</font>')
    return "".join(parts)


def _style(name: str, **kw) -> ParagraphStyle:
    base = {"fontName": CJK_FONT, "fontSize": 9, "leading": 12.5, "textColor": INK}
    base.update(kw)
    return ParagraphStyle(name, **base)


STYLES = {
    "body": _style("body"),
    "small": _style("small", fontSize=7.5, leading=10, textColor=MUTED),
    "label": _style("label", fontSize=8.5, leading=11.5),
    "cell": _style("cell", fontSize=8.5, leading=11.5),
    "value": _style("value", fontSize=10, leading=13),
    "bureau": _style("bureau", fontSize=12, leading=16, alignment=TA_CENTER),
    "title": _style("title", fontName=LATIN_BOLD, fontSize=18, leading=24, alignment=TA_CENTER, textColor=ACCENT),
    "subtitle": _style("subtitle", fontSize=8.5, leading=12, alignment=TA_CENTER, textColor=MUTED),
    "section": _style("section", fontName=LATIN_BOLD, fontSize=10, leading=13),
    "right": _style("right", fontSize=8.5, leading=11.5, alignment=TA_RIGHT),
    "center": _style("center", fontSize=8.5, leading=11.5, alignment=TA_CENTER),
    "reference": _style("reference", fontName=LATIN_BOLD, fontSize=15, leading=19),
    "statement": _style("statement", fontSize=11, leading=19, firstLineIndent=0),
}


# CJK line breaking lets closing punctuation (，。）) hang past the line's end; a right indent of
# one character keeps it inside its box. Centred and right-aligned styles stay as they are.
_CJK_STYLES = {
    name: ParagraphStyle(
        f"{name}-cjk", parent=s, wordWrap="CJK", alignment=s.alignment,
        rightIndent=s.fontSize if s.alignment == TA_LEFT else 0,
    )
    for name, s in STYLES.items()
}


def style(name: str) -> ParagraphStyle:
    """The named style; in Chinese, lines may break between any two characters (CJK wrap)."""
    return _CJK_STYLES[name] if is_zh() else STYLES[name]


def p(text, name: str = "body", *, bold: bool = False) -> Paragraph:
    """A paragraph of plain text; the styles in Helvetica-Bold (titles, sections) are always bold."""
    s = style(name)
    return Paragraph(rich(text, bold=bold or s.fontName == LATIN_BOLD), s)


def p_markup(markup: str, name: str = "body") -> Paragraph:
    return Paragraph(markup, style(name))


# --- values -------------------------------------------------------------------


def fmt_date(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


def fmt_money(amount) -> str:
    return f"{Decimal(amount):,.2f}"


def fmt_size(size: int) -> str:
    if size < 1024:
        return _("%(n)d bytes") % {"n": size}
    if size < 1024 * 1024:
        return _("%(n).1f KB") % {"n": size / 1024}
    return _("%(n).1f MB") % {"n": size / (1024 * 1024)}


def blank_date() -> str:
    return _("______ y ____ m ____ d")


# --- small flowables --------------------------------------------------------------


class TickBox(Flowable):
    """A square to tick by hand, or already ticked."""

    def __init__(self, checked: bool = False, size: float = 8.5):
        super().__init__()
        self.checked, self.size = checked, size
        self.width = self.height = size

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        c, s = self.canv, self.size
        c.saveState()
        c.setLineWidth(0.7)
        c.setStrokeColor(INK)
        c.rect(0, 0, s, s, stroke=1, fill=0)
        if self.checked:
            c.setLineWidth(1.3)
            path = c.beginPath()
            path.moveTo(s * 0.18, s * 0.52)
            path.lineTo(s * 0.42, s * 0.22)
            path.lineTo(s * 0.86, s * 0.86)
            c.drawPath(path, stroke=1, fill=0)
        c.restoreState()


def ticks(options, *, columns: int = 3, width: float | None = None, name: str = "cell") -> Table:
    """Options laid out as [box] label pairs, `columns` to a row. options: [(label, checked)],
    checked True / False for a ticked / empty box, None for no box."""
    width = width or CONTENT_WIDTH
    per = width / columns
    rows, row = [], []
    for label, checked in options:  # checked None: a line without a box (nothing to tick)
        row += [TickBox(checked) if checked is not None else "", p(label, name)]
        if len(row) == 2 * columns:
            rows.append(row)
            row = []
    if row:
        while len(row) < 2 * columns:
            row += ["", ""]
        rows.append(row)
    if not rows:
        rows = [["", ""] * columns]
    table = Table(rows, colWidths=[12, per - 12] * columns)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("TOPPADDING", (0, 0), (0, -1), 3),
            ]
            + [("TOPPADDING", (2 * i, 0), (2 * i, -1), 3) for i in range(columns)]
        )
    )
    return table


ID_NUMBER_PARTS = (5, 13)  # birthplace | date of birth | sequence and check character
USCC_PARTS = (1, 7, 16)  # authority, type | division | organisation code | check character


def char_boxes(value: str = "", count: int = 18, cell: float = 15, parts: tuple[int, ...] = ()) -> Table:
    """`count` boxes, one character in each (empty when blank): ID numbers, USCC; a heavier
    line after each box index in `parts` shows the parts of the code."""
    chars = list((value or "")[:count].ljust(count))
    table = Table([[p(ch.strip(), "center") for ch in chars]], colWidths=[cell] * count, rowHeights=[cell + 2])
    groups = [("LINEAFTER", (i, 0), (i, 0), 1.4, RULE) for i in parts]
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, RULE),
                *groups,
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    table.hAlign = "LEFT"
    return table


def section(title: str) -> Table:
    """A shaded bar that opens a section of the form."""
    table = Table([[p(title, "section", bold=True)]], colWidths=[CONTENT_WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), BAR),
                ("BOX", (0, 0), (-1, -1), 0.8, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def grid(rows, col_widths, *, label_cols=(0,), header: bool = False, extra=None, min_height=None) -> Table:
    """A ruled table; cells in `label_cols` are shaded like the labels of a paper form."""
    table = Table(rows, colWidths=col_widths, repeatRows=1 if header else 0, rowHeights=min_height)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.6, RULE),
        ("BOX", (0, 0), (-1, -1), 0.9, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    for col in label_cols:
        commands.append(("BACKGROUND", (col, 0), (col, -1), SHADE))
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    commands += list(extra or [])
    table.setStyle(TableStyle(commands))
    return table


def gap(height: float = 4) -> Spacer:
    return Spacer(1, height)


def qr_code(value: str, size: float = 80) -> Drawing:
    """A QR code of `value` (an address), `size` points square, drawn by reportlab itself."""
    widget = QrCodeWidget(value, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


# --- the page -------------------------------------------------------------------


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    return sum(pdfmetrics.stringWidth(piece, font, size) for font, piece in runs(text, bold=bold))


def fit(text: str, size: float, width: float, *, bold: bool = False, smallest: float = 6) -> tuple[str, float]:
    """One line that fits `width`: the text at `size`, or smaller down to `smallest`, or cut with
    an ellipsis (for lines drawn on the canvas, which do not wrap)."""
    while size > smallest and text_width(text, size, bold=bold) > width:
        size = max(smallest, size - 0.5)
    if text_width(text, size, bold=bold) <= width:
        return text, size
    while text and text_width(text + "…", size, bold=bold) > width:
        text = text[:-1]
    return text.rstrip() + "…", size


def draw_text(canvas, x: float, y: float, text: str, size: float = 8, *, align: str = "left", bold: bool = False):
    """Draw one line of mixed text on the canvas (headers, footers, seals)."""
    pieces = runs(text, bold=bold)
    total = text_width(text, size, bold=bold)
    if align == "right":
        x -= total
    elif align == "center":
        x -= total / 2
    for font, piece in pieces:
        canvas.setFont(font, size)
        canvas.drawString(x, y, piece)
        x += pdfmetrics.stringWidth(piece, font, size)


def build(story, *, title: str, author: str, footer_left: str, subject: str = "") -> bytes:
    """Lay out `story` on A4 with a ruled footer (document, bureau, page number)."""
    buffer = BytesIO()
    page_label = _("Page %(page)d")

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, MARGIN - 5 * mm, PAGE_WIDTH - MARGIN, MARGIN - 5 * mm)
        canvas.setFillColor(MUTED)
        number = page_label % {"page": doc.page}
        room = CONTENT_WIDTH - text_width(number, 7.5) - 12
        left, size = fit(footer_left, 7.5, room)
        draw_text(canvas, MARGIN, MARGIN - 9 * mm, left, size)
        draw_text(canvas, PAGE_WIDTH - MARGIN, MARGIN - 9 * mm, number, 7.5, align="right")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN - 2 * mm,
        bottomMargin=MARGIN, title=title, author=author, subject=subject, creator="medpause",
        lang="zh-CN" if is_zh() else "en",
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def header(bureau: str, title: str, subtitle: str = "") -> list:
    """The bureau's name, the document's title and a line under it."""
    out = [p(bureau, "bureau"), gap(2), p(title, "title", bold=True)]
    if subtitle:
        out += [gap(1), p(subtitle, "subtitle")]
    rule = Table([[""]], colWidths=[CONTENT_WIDTH], rowHeights=[3])
    rule.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, 0), 1.6, ACCENT), ("LINEBELOW", (0, 0), (-1, 0), 0.5, ACCENT)]))
    out += [gap(3), rule, gap(5)]
    return out
