"""Helpers of the printing tests: read a PDF back as text (pypdf, and poppler as a reader on
another machine would), build applications through the core services."""

import html
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader


class Pdf:
    """A generated PDF opened with pypdf; `text` has every whitespace removed, so a phrase
    found in it does not depend on where the layout broke the lines."""

    def __init__(self, data: bytes):
        assert data.startswith(b"%PDF-"), "not a PDF"
        self.data = data
        self.reader = PdfReader(io.BytesIO(data))
        self.pages = len(self.reader.pages)
        self.raw = "\n".join(page.extract_text() or "" for page in self.reader.pages)
        self.text = re.sub(r"\s+", "", self.raw)

    def __contains__(self, phrase: str) -> bool:
        return re.sub(r"\s+", "", str(phrase)) in self.text

    def count(self, phrase: str) -> int:
        return self.text.count(re.sub(r"\s+", "", str(phrase)))


@pytest.fixture
def read_pdf():
    return Pdf


# --- poppler: the PDF as another reader sees it ------------------------------------------------

POPPLER_TOOLS = ("pdftotext", "pdffonts")
# The 14 standard fonts every PDF reader supplies; any other font must be embedded.
STANDARD_FONTS = {
    "Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Helvetica", "Helvetica-Bold",
    "Helvetica-Oblique", "Helvetica-BoldOblique", "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic",
    "Symbol", "ZapfDingbats",
}
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


class Poppler:
    """A PDF read by poppler-utils (Debian's poppler-utils): `text` from pdftotext with every
    whitespace removed, `fonts` from pdffonts, `pages` of word boxes from pdftotext -bbox."""

    def __init__(self, data: bytes, tmp_path: Path):
        path = tmp_path / f"document-{len(list(tmp_path.glob('*.pdf')))}.pdf"
        path.write_bytes(data)
        self.raw = self._run("pdftotext", "-enc", "UTF-8", str(path), "-")
        self.text = re.sub(r"\s+", "", self.raw)
        self.fonts = self._fonts(self._run("pdffonts", str(path)))
        self.pages = []
        for width, height, body in _PAGE.findall(self._run("pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-")):
            words = [(float(a), float(b), float(c), float(d), html.unescape(w)) for a, b, c, d, w in _WORD.findall(body)]
            self.pages.append((float(width), float(height), words))

    @staticmethod
    def _run(*args: str) -> str:
        return subprocess.run(args, check=True, capture_output=True, timeout=60).stdout.decode("utf-8")

    @staticmethod
    def _fonts(listing: str) -> list[dict]:
        """pdffonts' table: name, type, encoding, emb, sub, uni (name without the subset tag)."""
        lines = listing.splitlines()
        out = []
        for line in lines[2:]:
            parts = line.split()
            if len(parts) < 7:
                continue
            emb, sub, uni = parts[-5], parts[-4], parts[-3]
            out.append({"name": parts[0].split("+", 1)[-1], "emb": emb == "yes", "sub": sub == "yes",
                        "uni": uni == "yes"})
        return out

    def __contains__(self, phrase: str) -> bool:
        return re.sub(r"\s+", "", str(phrase)) in self.text

    def words_outside(self, left: float, right: float, tolerance: float = 0.5) -> list[tuple]:
        """Words (page number, word, xMin, xMax) that reach left of `left` or right of `right`."""
        return [(n, w[4], w[0], w[2]) for n, (_width, _height, words) in enumerate(self.pages, 1) for w in words
                if w[0] < left - tolerance or w[2] > right + tolerance]

    def overlapping_words(self, tolerance: float = 0.5) -> list[tuple]:
        """Pairs of words whose boxes overlap: text that ran into its neighbour's cell."""
        found = []
        for n, (_width, _height, words) in enumerate(self.pages, 1):
            ordered = sorted(words)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1:]:
                    if b[0] >= a[2] - tolerance:
                        break
                    if min(a[3], b[3]) - max(a[1], b[1]) > tolerance:
                        found.append((n, a[4], b[4]))
        return found


@pytest.fixture
def poppler(tmp_path):
    """Read a PDF with poppler. Without poppler-utils the test is skipped with a message, unless
    MEDPAUSE_REQUIRE_POPPLER=1 (set by .ci/run): then it fails."""
    missing = [tool for tool in POPPLER_TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"{', '.join(missing)} not found: install Debian's poppler-utils to read the PDFs back"
        if os.environ.get("MEDPAUSE_REQUIRE_POPPLER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return lambda data: Poppler(data, tmp_path)
