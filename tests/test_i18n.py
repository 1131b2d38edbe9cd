"""Both languages are complete: every catalog translates every message, and the compiled
.mo files say the same as their .po sources."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent / "src" / "medpause"
CATALOGS = sorted(ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_there_are_chinese_catalogs_for_the_core_and_the_pages():
    owners = {p.relative_to(ROOT).parts[0] for p in CATALOGS}
    assert "locale" in owners, "core messages (errors, statuses) need a zh_Hans catalog"
    assert "web" in owners, "the pages need a zh_Hans catalog"


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalog_is_complete_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy (needs review): {fuzzy[:10]}"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run msgfmt"
    mo = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in polib.mofile(str(mo_path))}
    for entry in po.translated_entries():
        key = (entry.msgctxt, entry.msgid)
        assert key in mo, f"{entry.msgid!r} is not compiled into {mo_path.name}: run msgfmt"
        assert mo[key] == (entry.msgstr, tuple(sorted(entry.msgstr_plural.items()))), (
            f"{entry.msgid!r} differs between .po and .mo: run msgfmt"
        )
