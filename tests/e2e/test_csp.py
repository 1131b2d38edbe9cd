"""The main pages run under the Content Security Policy without breaking it: no console message
about the policy, no blocked inline script or style, no script error. A control proves that a
breach would be seen."""

from __future__ import annotations

from tests.e2e.helpers import AUDIENCES, goto, visit_main_pages

# Records what the browser blocks, also when it logs nothing (runs before the page's own code;
# Playwright injects it outside the page's policy).
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


def _is_csp(text: str) -> bool:
    text = text.lower()
    return "content security policy" in text or "content-security-policy" in text


class Watcher:
    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        self.headers: dict[str, str] = {}
        page.add_init_script(WATCH)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"{page.url}: script error: {exc}"))
        page.on("response", self._response)

    def _console(self, msg) -> None:
        if _is_csp(msg.text) or (msg.type == "error" and "refused to" in msg.text.lower()):
            self.problems.append(f"{self.page.url}: console {msg.type}: {msg.text}")

    def _response(self, response) -> None:
        if response.request.resource_type == "document" and response.request.frame == self.page.main_frame:
            self.headers[response.url] = response.headers.get("content-security-policy", "")

    def check(self, name: str) -> None:
        blocked = self.page.evaluate("window.__csp || []")
        self.problems.extend(f"{name} ({self.page.url}): {b}" for b in blocked)
        policy = self.headers.get(self.page.url, "")
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, (
            f"{name} ({self.page.url}) is served without the strict policy: {policy!r}")


def test_main_pages_keep_to_the_content_security_policy(page_for, site):
    """The policy and the pages' code do not depend on the language: the default one (Chinese)."""
    language = "zh-CN"
    problems, visited = [], []
    for audience in AUDIENCES:
        page = page_for(language)
        watcher = Watcher(page)
        visited += visit_main_pages(page, site, audience, watcher.check)
        if audience == "public":  # the error summary, focused by site.js
            goto(page, "/login/")
            page.locator("#id_username").fill("nobody")
            page.locator("#id_password").fill("wrong-password-1")
            page.locator("#sign-in-button").click()
            page.locator("#error-summary").wait_for()
            assert page.evaluate("document.activeElement && document.activeElement.id") == "error-summary", (
                "site.js did not run: the error summary has no focus")
            watcher.check("login-error")
        problems += watcher.problems
    assert len(visited) >= 12
    assert not problems, "Content Security Policy problems:\n" + "\n".join(problems)


def test_a_policy_breach_would_be_noticed(page_for, live_server):
    """Control: an inline style and an inline script on a real page are blocked and reported."""
    page = page_for("en")
    watcher = Watcher(page)
    goto(page, "/")
    page.evaluate("""() => {
        const style = document.createElement("style");
        style.textContent = "body { background: red }";
        document.head.appendChild(style);
        const script = document.createElement("script");
        script.textContent = "window.__ran = true";
        document.head.appendChild(script);
    }""")
    page.wait_for_function("window.__csp.length >= 2")
    assert page.evaluate("window.__ran === undefined")
    watcher.check("home")
    assert any("style-src" in p for p in watcher.problems), watcher.problems
    assert any("script-src" in p for p in watcher.problems), watcher.problems
    assert any("console" in p for p in watcher.problems), watcher.problems
