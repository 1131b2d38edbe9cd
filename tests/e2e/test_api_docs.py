"""In Chromium, offline: the API's interactive docs (/api/v1/docs) load from the service alone -
Swagger UI from its own static files, started without inline script - list the operations, and
break nothing of the strict Content Security Policy."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.e2e.helpers import goto
from tests.e2e.test_csp import Watcher


def test_the_api_docs_list_the_operations_offline_under_the_strict_policy(page_for, live_server):
    page = page_for("en")
    watcher = Watcher(page)
    own = urlsplit(live_server.url).netloc
    elsewhere: list[str] = []

    def offline(route):
        if urlsplit(route.request.url).netloc == own or route.request.url.startswith("data:"):
            route.continue_()
        else:  # no network beyond the service: anything else is refused, and noted
            elsewhere.append(route.request.url)
            route.abort("internetdisconnected")

    page.context.route("**/*", offline)
    response = goto(page, "/api/v1/docs")
    policy = response.headers.get("content-security-policy", "")
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, policy
    page.locator(".opblock").first.wait_for()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert len(paths) >= 20, paths
    assert "/api/v1/eligibility" in {p.replace("\u200b", "").strip() for p in paths}, paths
    watcher.check("api-docs")  # the page's own policy, before deep linking adds a fragment
    page.locator(".opblock-summary-path", has_text="/api/v1/eligibility").first.click()
    page.locator(".opblock-body .parameters").first.wait_for()
    assert "card_number" in page.locator(".opblock-body").first.inner_text()
    watcher.problems.extend(f"api-docs, an operation opened: {b}" for b in page.evaluate("window.__csp || []"))
    assert not watcher.problems, "Content Security Policy problems:\n" + "\n".join(watcher.problems)
    assert not elsewhere, f"the docs asked other hosts: {elsewhere}"
