"""Both languages are complete, from one catalog of the project's own words.

- There is one catalog (src/medpause/locale): the same English words cannot be translated two
  ways by two apps, and no app order decides which wins. Where one English word needs two
  Chinese wordings, the code says so with a message context (pgettext).
- It covers every message in the code (extracted again here), translates each one, and the
  compiled .mo says the same as the .po.
- What a page shows is what the catalog says: no other catalog (Django's own, an installed
  library's) shadows one of our messages.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent / "src" / "medpause"
CATALOG = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _key(entry) -> tuple:
    return entry.msgctxt, entry.msgid, entry.msgid_plural


@pytest.fixture(scope="module")
def catalog():
    return polib.pofile(str(CATALOG))


def test_the_project_has_one_catalog():
    catalogs = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("**/locale/*/LC_MESSAGES/django.po"))
    assert catalogs == ["locale/zh_Hans/LC_MESSAGES/django.po"]


def test_every_message_is_translated_and_compiled(catalog):
    untranslated = [e.msgid for e in catalog.untranslated_entries()]
    fuzzy = [e.msgid for e in catalog.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy (needs review): {fuzzy[:10]}"
    mo = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
          for e in polib.mofile(str(CATALOG.with_suffix(".mo")))}
    for entry in catalog.translated_entries():
        key = (entry.msgctxt, entry.msgid)
        assert key in mo, f"{entry.msgid!r} is not compiled: run msgfmt"
        assert mo[key] == (entry.msgstr, tuple(sorted(entry.msgstr_plural.items()))), (
            f"{entry.msgid!r} differs between .po and .mo: run msgfmt"
        )


def test_the_catalog_covers_every_message_in_the_code(catalog, tmp_path):
    """makemessages over a copy of the package: every message it finds is in the catalog."""
    if shutil.which("xgettext") is None:
        pytest.skip("xgettext (GNU gettext) is not installed")
    copy = tmp_path / "medpause"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "locale"))
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location",
         "--ignore", "*/migrations/*"],
        cwd=copy, check=True, capture_output=True,
        env={"DJANGO_SETTINGS_MODULE": "medpause.config.settings", "PATH": "/usr/bin:/bin",
             "MEDPAUSE_DATA_DIR": str(tmp_path / "var")},
    )
    found = {_key(e) for e in polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))}
    known = {_key(e) for e in catalog if not e.obsolete}
    assert not found - known, f"in the code but not in the catalog (run makemessages): {sorted(found - known)[:10]}"
    assert not known - found, f"in the catalog but no longer in the code: {sorted(known - found)[:10]}"


def test_no_other_catalog_shadows_ours(catalog):
    """At run time every message reads as our catalog says (e.g. Django admin's own "History")."""
    wrong = []
    with translation.override("zh-hans"):
        for e in catalog.translated_entries():
            if e.msgid_plural:
                got, want = translation.ngettext(e.msgid, e.msgid_plural, 2), e.msgstr_plural[0]
                if e.msgctxt:
                    got = translation.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 2)
            elif e.msgctxt:
                got, want = translation.pgettext(e.msgctxt, e.msgid), e.msgstr
            else:
                got, want = translation.gettext(e.msgid), e.msgstr
            if got != want:
                wrong.append((e.msgid, want, got))
    assert not wrong, wrong[:10]
