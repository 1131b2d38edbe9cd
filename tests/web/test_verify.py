"""The public verification pages (/verify/) and the applicant's receipt on the application pages."""

from html import unescape

import pytest

from medpause.cases.services import application_create
from medpause.common.dates import today
from medpause.common.throttle import VERIFY_RATE
from medpause.printing import certificate_pdf
from medpause.printing.models import IssuedDocument
from medpause.printing.verification import format_code
from tests.factories import bureau_viewer, make_person, make_unit, make_user
from tests.web.conftest import assert_clean, day, page, stop_submitted, upload_required

pytestmark = pytest.mark.django_db


def text(response) -> str:
    html = response.content.decode()
    assert_clean(html)
    return unescape(html)


def signed_in(client, user, lang="en"):
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


@pytest.fixture
def certificate():
    person = make_person("310000", category="flexible", name="李灵活")
    certificate_pdf(person=person, kind="payment", viewer=bureau_viewer())
    return person, IssuedDocument.objects.get(person=person)


@pytest.mark.parametrize(("lang", "phrases"), [
    ("en", ["The bureau issued this document", "Certificate of basic medical insurance payments",
            "Shanghai Healthcare Security Administration", "Issued on"]),
    ("zh-hans", ["经核验，本文件由经办机构出具", "基本医疗保险缴费证明", "上海市医疗保障局", "出具日期"]),
])
def test_the_page_of_a_code_confirms_it_with_the_person_masked(client, certificate, lang, phrases):
    person, issued = certificate
    response = page(client, f"/verify/{issued.code}/", lang)
    assert response.status_code == 200
    html = text(response)
    for phrase in phrases:
        assert phrase in html, phrase
    assert format_code(issued.code) in html
    assert today().isoformat() in html
    assert f"李** ({person.id_number_masked})" in html
    assert person.id_number not in html and "灵活" not in html


def test_the_form_takes_a_code_as_printed_and_goes_to_its_page(client, certificate):
    _person, issued = certificate
    form = text(page(client, "/verify/"))
    assert 'id="id_code"' in form and 'action="/verify/"' in form and 'method="get"' in form
    response = client.get("/verify/", {"code": format_code(issued.code).lower()})
    assert response.status_code == 302 and response["Location"] == f"/verify/{issued.code}/"
    # a code typed in another form in the address is sent on to its one address
    assert client.get(f"/verify/{format_code(issued.code)}/")["Location"] == f"/verify/{issued.code}/"


def test_the_form_says_what_is_wrong_with_what_was_typed(client):
    html = text(page(client, "/verify/?code=ABC"))
    assert "There is a problem" in html and "A verification code has 16 letters and digits" in html
    html = text(page(client, "/verify/?code=", "zh-hans"))
    assert "请输入验证码" in html


def test_an_unknown_code_answers_404_with_the_form_again(client):
    response = page(client, "/verify/7WKEK3VEVP4NRUFK/")
    assert response.status_code == 404
    html = text(response)
    assert "No certificate or receipt has this verification code" in html and 'id="id_code"' in html
    assert page(client, "/verify/not-a-code/", "zh-hans").status_code == 404


def test_checking_codes_is_throttled_per_client(client, certificate):
    _person, issued = certificate
    limit, _period = VERIFY_RATE
    for _ in range(limit):
        assert client.get(f"/verify/{issued.code}/", REMOTE_ADDR="203.0.113.9").status_code == 200
    response = client.get(f"/verify/{issued.code}/", REMOTE_ADDR="203.0.113.9", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "Too many codes were checked from this address" in text(response)
    assert client.get(f"/verify/{issued.code}/", REMOTE_ADDR="198.51.100.9").status_code == 200


# --- the receipt on the application pages --------------------------------------------------


def test_an_individual_downloads_the_receipt_of_a_submitted_application(client, beijing_employee):
    person, user = beijing_employee
    app = stop_submitted(user, person, "schooling", day(0), day(100))
    signed_in(client, user)
    for url in (f"/me/applications/{app.pk}/", f"/me/applications/{app.pk}/sent/"):
        html = text(page(client, url))
        assert f'href="/me/applications/{app.pk}/receipt.pdf"' in html and 'id="download-receipt"' in html
    response = client.get(f"/me/applications/{app.pk}/receipt.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and response["Cache-Control"] == "private, no-store"
    assert IssuedDocument.objects.get(kind="receipt").application == app
    other = make_person("110000", name="别人")
    signed_in(client, make_user("individual", person=other))
    assert client.get(f"/me/applications/{app.pk}/receipt.pdf").status_code == 404
    client.logout()
    assert client.get(f"/me/applications/{app.pk}/receipt.pdf").status_code == 302  # to the sign-in page


def test_a_draft_offers_no_receipt(client, beijing_employee):
    person, user = beijing_employee
    app = application_create(actor=user, kind="stop", person=person, reason="schooling", start_date=day(0),
                             end_date=day(100))
    upload_required(user, app)
    signed_in(client, user, "zh-hans")
    assert 'id="download-receipt"' not in text(page(client, f"/me/applications/{app.pk}/", "zh-hans"))
    response = client.get(f"/me/applications/{app.pk}/receipt.pdf")
    assert response.status_code == 409
    assert "申请尚未提交，暂无受理回执。" in response.content.decode()


def test_a_unit_downloads_the_receipt_of_its_application(client):
    unit = make_unit("110000", name="北京测试单位")
    person = make_person("110000", unit=unit, name="张员工")
    agent = make_user("unit_agent", unit=unit)
    app = stop_submitted(agent, person, "resignation", today())
    signed_in(client, agent)
    html = text(page(client, f"/unit/applications/{app.pk}/"))
    assert f'href="/unit/applications/{app.pk}/receipt.pdf"' in html
    assert "Download the receipt of the application (PDF)" in html
    signed_in(client, agent, "zh-hans")
    assert "下载受理回执（PDF）" in text(page(client, f"/unit/applications/{app.pk}/", "zh-hans"))
    response = client.get(f"/unit/applications/{app.pk}/receipt.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    other_agent = make_user("unit_agent", unit=make_unit("110000", name="别的单位"))
    signed_in(client, other_agent)
    assert client.get(f"/unit/applications/{app.pk}/receipt.pdf").status_code == 404
    # the person's own page, not the unit's, serves individuals
    signed_in(client, make_user("individual", person=person))
    assert client.get(f"/unit/applications/{app.pk}/receipt.pdf").status_code == 403
