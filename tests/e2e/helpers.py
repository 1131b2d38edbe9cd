"""Helpers of the browser tests: paths, sign-in, language checks, the web catalog's Chinese,
screenshots, and a walk over the main pages. Fixtures live in conftest.py."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# MEDPAUSE_SCREENSHOTS=docs/screenshots refreshes the README's pictures; otherwise they go to a
# scratch folder so a test run leaves the working tree as it was.
SCREENSHOTS = Path(os.environ.get("MEDPAUSE_SCREENSHOTS") or (Path(tempfile.gettempdir()) / "medpause-screenshots"))
if not SCREENSHOTS.is_absolute():
    SCREENSHOTS = ROOT / SCREENSHOTS
WEB_PO = ROOT / "src" / "medpause" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"  # the one catalog
PASSWORD = "correct-horse-9"
LANGUAGES = ["en", "zh-CN"]
AUDIENCES = ["public", "individual", "unit", "officer"]


def shoot(page, name: str) -> None:
    """Save a full-page screenshot for the README (docs/screenshots/)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def is_zh(page) -> bool:
    return page.language.startswith("zh")


def goto(page, path: str):
    """Open a path of the live server and insist on a 2xx answer (after redirects)."""
    response = page.goto(page.base_url + path)
    assert response is not None, f"no response for {path}"
    assert response.ok, f"GET {path} answered {response.status} ({page.url})"
    return response


def wait_for_path(page, pattern: str) -> None:
    """Wait until the page's path matches the regex `pattern` (anchored at both ends)."""
    rx = re.compile(r"^https?://[^/]+" + pattern + r"(\?.*)?$")
    page.wait_for_url(rx)


def assert_language(page) -> None:
    """The page is served in the language the browser asked for."""
    lang = (page.locator("html").get_attribute("lang") or "").lower()
    expected = "zh-hans" if is_zh(page) else "en"
    assert lang == expected, f"{page.url}: <html lang={lang!r}>, expected {expected!r}"


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    goto(page, "/login/")
    assert_language(page)
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#sign-in-button").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    if "/account/otp/" in page.url:  # an officer or administrator: the one-time code
        give_one_time_code(page, username)
    assert page.locator("#sign-out-button").count() == 1, f"{username} is not signed in ({page.url})"


def give_one_time_code(page, username: str) -> None:
    """Enrol (the secret read off the page) or enter the code of the user's device, computed as
    an authenticator app would (RFC 6238)."""
    import base64
    import time

    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if "/account/otp/enrol/" in page.url:
        secret = page.locator("#otp-secret").inner_text().replace(" ", "")
        key, step, t0, digits = base64.b32decode(secret + "=" * (-len(secret) % 8)), 30, 0, 6
    else:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        key, step, t0, digits = device.bin_key, device.step, device.t0, device.digits
        if device.last_t is not None and device.last_t >= int(time.time() - t0) // step:
            time.sleep(step - (time.time() - t0) % step + 0.5)  # this step's code is spent: the next one
    page.locator("#id_code").fill(f"{totp(key, step=step, t0=t0, digits=digits):0{digits}d}")
    page.locator("#otp-button").click()
    page.wait_for_url(lambda url: "/account/otp/" not in url)


def sign_out(page) -> None:
    page.locator("#sign-out-button").click()
    page.locator("a.signin-link").wait_for()


class Catalog:
    """Strings as the page should show them: the English msgid, or for Chinese pages the msgstr
    of the project's catalog (src/medpause/locale/zh_Hans/LC_MESSAGES/django.po) without a
    message context.

    A msgid the catalog does not translate yet is recorded, not skipped: the test goes on
    with its other checks and fails at the end, listing every string still waiting."""

    _po: dict[str, str] | None = None

    def __init__(self, language: str):
        self.zh = language.startswith("zh")
        self.waiting: list[str] = []

    @classmethod
    def entries(cls) -> dict[str, str]:
        if cls._po is None:
            cls._po = {}
            if WEB_PO.exists():
                import polib

                for entry in polib.pofile(str(WEB_PO)):
                    if entry.msgstr and not entry.msgctxt and not entry.obsolete and "fuzzy" not in entry.flags:
                        cls._po[entry.msgid] = entry.msgstr
        return cls._po

    def __call__(self, msgid: str) -> str | None:
        if not self.zh:
            return msgid
        text = self.entries().get(msgid)
        if text is None:
            self.waiting.append(msgid)
        return text

    def expect_text(self, locator, msgid: str) -> None:
        """The locator's text contains the (translated) web string."""
        from playwright.sync_api import expect

        text = self(msgid)
        if text is not None:
            expect(locator).to_contain_text(text)

    def assert_all_translated(self) -> None:
        """Fail, listing them, if a Chinese page needed web strings the web catalog lacks."""
        waiting = sorted(set(self.waiting))
        assert not waiting, (
            f"not in the catalog yet ({WEB_PO.relative_to(ROOT)}), so not checked on the Chinese pages: "
            + "; ".join(repr(m) for m in waiting)
        )


GUIDE_ANSWER = "/guide/answer/?kind=stop&applicant_type=individual&region=310000&reason=flexible_pause"


def visit_main_pages(page, site, audience: str, on_page) -> list[str]:
    """Open the main pages one audience sees, calling on_page(name) on each once it has loaded.
    Returns the names visited. Audiences: public, individual, unit, officer."""
    visited = []

    def at(name: str, path: str | None = None) -> None:
        if path is not None:
            goto(page, path)
        assert_language(page)
        page.wait_for_load_state("load")
        on_page(name)
        visited.append(name)

    if audience == "public":
        at("home", "/")
        at("guide-start", "/guide/")
        at("guide-answer", GUIDE_ANSWER)
        at("login", "/login/")
    elif audience == "individual":
        sign_in(page, site["individual"].username)
        at("portal-home", "/me/")
        at("coverage", "/me/coverage/")
        at("wizard-reason", "/me/stop/reason/")
        # The draft made earlier: continue it, past the documents and the consequences.
        goto(page, f"/me/applications/{site['draft'].pk}/continue/")
        wait_for_path(page, "/me/stop/documents/")
        at("wizard-documents")
        page.locator("#continue-button").click()
        wait_for_path(page, "/me/stop/consequences/")
        page.locator("#id_acknowledge").check()
        page.locator("#continue-button").click()
        wait_for_path(page, "/me/stop/check/")
        at("wizard-check")
    elif audience == "unit":
        sign_in(page, site["agent"].username)
        at("unit-employees", "/unit/")
        at("unit-employee", f"/unit/employees/{site['employees'][1].pk}/")
    elif audience == "officer":
        sign_in(page, site["officer"].username)
        at("officer-queue", "/officer/")
        at("officer-application", f"/officer/applications/{site['waiting'].pk}/")
        at("officer-statistics", "/officer/statistics/")
    else:  # pragma: no cover
        raise ValueError(audience)
    return visited

