"""The CJK font is shipped inside the package, with its licence, and goes into the wheel."""

import hashlib
import tomllib
from pathlib import Path

from medpause.printing.layout import CJK_FONT, CJK_FONT_FILE

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "medpause"
FONT_SHA256 = "2420e8078af796b19a3f6ef13de527a1a91c1e7171eea115926c614ced1009b3"  # Debian's fonts-wqy-microhei


def test_the_font_is_debians_file_unmodified_with_its_licence():
    assert CJK_FONT_FILE.is_relative_to(PACKAGE / "printing" / "fonts")
    assert hashlib.sha256(CJK_FONT_FILE.read_bytes()).hexdigest() == FONT_SHA256
    readme = (CJK_FONT_FILE.parent / "README.md").read_text()
    assert FONT_SHA256 in readme and "Apache License, Version 2.0" in readme
    assert "Apache License" in (CJK_FONT_FILE.parent / "LICENSE-Apache-2.0.txt").read_text()
    assert (ROOT / "docs" / "adr" / "0007-embedded-cjk-font.md").exists()


def test_the_package_data_of_the_wheel_takes_the_font_and_its_licence():
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["medpause"]
    shipped = {path for pattern in patterns for path in PACKAGE.glob(pattern)}
    for name in ("wqy-microhei.ttc", "LICENSE-Apache-2.0.txt", "README.md"):
        assert CJK_FONT_FILE.parent / name in shipped, name


def test_the_font_is_registered_once_with_truetype_outlines():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font = pdfmetrics.getFont(CJK_FONT)
    assert isinstance(font, TTFont)  # TrueType outlines: reportlab embeds them (it cannot embed CFF)
    assert pdfmetrics.getRegisteredFontNames().count(CJK_FONT) == 1
    for ch in "参保停保恢复证明回执验证码王小明→（）。":
        assert ord(ch) in font.face.charToGlyph, ch
