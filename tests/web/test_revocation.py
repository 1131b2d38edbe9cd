"""Correcting a decision on the officer's application page: ask with a reason, another officer
confirms, and the page lists the settlements to process again, in both languages."""

import datetime as dt
from html import unescape

import pytest

from medpause.cases.models import Application
from medpause.coverage.services import settlement_create
from tests.cases.helpers import stop
from tests.factories import make_person, make_unit, make_user
from tests.web.conftest import assert_clean, day

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    html = response.content.decode()
    assert_clean(html)
    return unescape(html)


@pytest.mark.parametrize(("lang", "words"), [
    ("en", {"ask": "Ask to revoke", "confirm": "Confirm the revocation", "mine": "You asked for this revocation",
            "list": "Settlements to process again", "required": "Say why the decision is wrong."}),
    ("zh-hans", {"ask": "申请撤销", "confirm": "确认撤销", "mine": "撤销申请由您提出", "list": "需重新结算的费用",
                 "required": "请说明该决定错误的原因。"}),
])
def test_two_officers_revoke_a_stop_on_the_page(client, lang, words):
    unit = make_unit("110000")
    person = make_person("110000", unit=unit, issued_on=dt.date(2024, 1, 1))
    first, second = make_user("officer", region="110000"), make_user("officer", region="110000")
    app = stop(make_user("unit_agent", unit=unit), person, "resignation", day(-3), approve_by=first)
    hospital = make_user("institution", institution_name="Hospital")
    refused, _ = settlement_create(institution=hospital, card_number=person.card.number, date=day(-1), amount="12.30",
                                   institution_reference="HOSP-77")
    assert refused.status == "refused"
    url = f"/officer/applications/{app.pk}/"
    client.force_login(first)
    client.cookies["django_language"] = lang
    html = html_of(client.get(url, HTTP_ACCEPT_LANGUAGE=lang))
    assert words["ask"] in html and 'id="revoke-button"' in html and 'id="confirm-revocation-button"' not in html
    response = client.post(f"{url}revoke/", {"revoke-reason": ""}, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 422 and words["required"] in html_of(response)
    response = client.post(f"{url}revoke/", {"revoke-reason": "Wrong employee."}, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 302
    html = html_of(client.get(url, HTTP_ACCEPT_LANGUAGE=lang))
    assert words["mine"] in html and "Wrong employee." in html
    assert 'id="confirm-revocation-button"' not in html and 'id="cancel-revocation-button"' in html
    # posting anyway is refused by the service: four eyes
    response = client.post(f"{url}confirm-revocation/", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 403
    assert Application.objects.get(pk=app.pk).status == "revocation_requested"
    client.force_login(second)
    html = html_of(client.get(url, HTTP_ACCEPT_LANGUAGE=lang))
    assert 'id="confirm-revocation-button"' in html and words["confirm"] in html
    assert client.post(f"{url}confirm-revocation/", HTTP_ACCEPT_LANGUAGE=lang).status_code == 302
    html = html_of(client.get(url, HTTP_ACCEPT_LANGUAGE=lang))
    table = html.split('id="settlements-to-reprocess"')[1].split("</table>")[0]
    assert words["list"] in html and "HOSP-77" in table and day(-1).isoformat() in table and "12.30" in table
    assert Application.objects.get(pk=app.pk).status == "revoked"
    assert not person.suspensions.exists()


@pytest.mark.parametrize(("lang", "asked", "revoked"), [
    ("en", "The bureau is checking its decision again.", "The bureau revoked its decision"),
    ("zh-hans", "经办机构正在复核其决定。", "经办机构已撤销其决定"),
])
def test_progress_without_signing_in_says_a_decision_is_being_corrected(client, lang, asked, revoked):
    from medpause.cases.services import application_confirm_revocation, application_revoke

    unit = make_unit("110000")
    person = make_person("110000", unit=unit)
    first, second = make_user("officer", region="110000"), make_user("officer", region="110000")
    app = stop(make_user("unit_agent", unit=unit), person, "resignation", day(0), approve_by=first)
    form = {"reference": app.reference, "id_number_last6": person.id_number[-6:]}
    app = application_revoke(actor=first, application=app, reason="Wrong employee.")
    assert asked in html_of(client.post("/progress/", form, HTTP_ACCEPT_LANGUAGE=lang))
    application_confirm_revocation(actor=second, application=app)
    html = html_of(client.post("/progress/", form, HTTP_ACCEPT_LANGUAGE=lang))
    assert revoked in html and "Wrong employee." not in html  # the reason is for those who sign in
