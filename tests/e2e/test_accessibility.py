"""axe-core on the main pages, in English and in Chinese: no serious or critical violations.

Every page is also saved as a screenshot for the README (docs/screenshots/<page>-<en|zh>.png)."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import AUDIENCES, LANGUAGES, goto, shoot, visit_main_pages

BLOCKING = {"serious", "critical"}


def _describe(page_name: str, url: str, violation: dict) -> str:
    targets = []
    for node in violation.get("nodes", [])[:3]:
        targets.append(" ".join(str(t) for t in node.get("target", [])))
    more = len(violation.get("nodes", [])) - len(targets)
    return (
        f"{page_name} ({url}): {violation['id']} [{violation.get('impact')}] {violation.get('help')}"
        f" -> {', '.join(targets)}{f' (+{more} more)' if more > 0 else ''}"
    )


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_main_pages_have_no_serious_accessibility_violations(page_for, site, axe, language, audience):
    page = page_for(language)
    suffix = "zh" if language.startswith("zh") else "en"
    problems: list[str] = []

    def check(name: str) -> None:
        results = axe.run(page)
        for violation in results.response["violations"]:
            if violation.get("impact") in BLOCKING:
                problems.append(_describe(name, page.url, violation))
        shoot(page, f"{name}-{suffix}")

    visited = visit_main_pages(page, site, audience, check)
    assert visited
    assert not problems, "accessibility violations:\n" + "\n".join(problems)


def test_a_serious_violation_would_be_noticed(page_for, live_server, axe):
    """Control: an unlabelled field and an image without text on a real page are reported."""
    page = page_for("en")
    goto(page, "/login/")
    page.evaluate("""() => {
        const main = document.querySelector("main");
        main.insertAdjacentHTML("beforeend", '<input type="text" name="extra"><img src="/static/none.png">');
    }""")
    found = {v["id"]: v["impact"] for v in axe.run(page).response["violations"]}
    assert found.get("label") in BLOCKING and found.get("image-alt") in BLOCKING, found
