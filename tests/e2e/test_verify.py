"""The public verification page in a browser, in both languages: a code typed as printed finds
its document; the pages have no serious accessibility violations."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import LANGUAGES, assert_language, goto, is_zh, shoot, wait_for_path


@pytest.fixture
def issued(transactional_db):
    from medpause.printing import certificate_pdf
    from medpause.printing.models import IssuedDocument
    from tests.factories import bureau_viewer, make_person

    person = make_person("310000", category="flexible", name="李娜")
    certificate_pdf(person=person, kind="participation", viewer=bureau_viewer())
    return person, IssuedDocument.objects.get(person=person)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_code_typed_as_printed_confirms_the_certificate(page_for, issued, language):
    from axe_playwright_python.sync_playwright import Axe

    from medpause.printing.verification import format_code

    person, document = issued
    page = page_for(language)
    axe = Axe()
    goto(page, "/verify/")
    assert_language(page)
    serious = [v["id"] for v in axe.run(page).response["violations"] if v.get("impact") in {"serious", "critical"}]
    assert not serious, serious
    page.locator("#id_code").fill(format_code(document.code).lower())
    page.locator("#verify-submit").click()
    wait_for_path(page, f"/verify/{document.code}/")
    assert page.locator("#verify-valid").is_visible()
    assert page.locator("#verify-code").inner_text().strip() == format_code(document.code)
    assert page.locator("#verify-person").inner_text().strip() == f"李* ({person.id_number_masked})"
    kind = "基本医疗保险参保证明" if is_zh(page) else "Certificate of participation in basic medical insurance"
    assert page.locator("#verify-kind").inner_text().strip() == kind
    serious = [v["id"] for v in axe.run(page).response["violations"] if v.get("impact") in {"serious", "critical"}]
    assert not serious, serious
    shoot(page, f"verify-{'zh' if is_zh(page) else 'en'}")
    # a mistyped code: the form again, with the problem named
    page.locator("#verify-another").click()
    page.locator("#id_code").fill("ABCD")
    page.locator("#verify-submit").click()
    assert page.locator("#error-summary").is_visible()
