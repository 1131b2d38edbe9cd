"""Helpers of the printing tests: read a PDF back as text, build applications through the
core services."""

import io
import re

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
