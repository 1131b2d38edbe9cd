"""Pictures of a PDF's pages, drawn on the server (PDFium through pypdfium2), so that the
officer's preview never hands the uploaded PDF itself to the browser's PDF viewer: the page
shows plain PNG images inside a sandboxed frame. Only the first pages are drawn."""

from __future__ import annotations

import io

PREVIEW_PAGES = 10
WIDTH_PX = 1000


def pdf_page_count(data: bytes) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def pdf_page_png(data: bytes, number: int, width_px: int = WIDTH_PX) -> bytes:
    """Page `number` (1-based) as a PNG `width_px` wide; IndexError past the last page."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        if not 1 <= number <= len(pdf):
            raise IndexError(number)
        page = pdf[number - 1]
        width_pt = page.get_width() or 595
        image = page.render(scale=min(4.0, width_px / width_pt)).to_pil()
        out = io.BytesIO()
        image.save(out, "PNG", optimize=False)
        page.close()
        return out.getvalue()
    finally:
        pdf.close()
