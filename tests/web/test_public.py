"""The public pages: home, the guide (what you need, here, for this reason), the blank form."""

from html import unescape

import pytest

from tests.web.conftest import page

pytestmark = pytest.mark.django_db

GUIDE = "/guide/answer/?kind={kind}&applicant_type={who}&region={region}&reason={reason}"


def answer(client, region, reason, who="individual", kind="stop", lang="en"):
    response = page(client, GUIDE.format(kind=kind, who=who, region=region, reason=reason), lang)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_home_explains_the_service_with_start_buttons_in_both_languages(client):
    en = page(client, "/", "en").content.decode()
    assert 'lang="en"' in en
    assert 'id="start-guide"' in en and 'href="/guide/"' in en
    assert 'href="/login/"' in en
    zh = page(client, "/", "zh-CN,zh;q=0.9").content.decode()
    assert 'lang="zh-Hans"' in zh
    # the language switch is a POST form to Django's set_language, with a button
    assert 'action="/i18n/setlang/"' in zh and 'name="language" value="en"' in zh
    assert 'href="#main"' in zh and 'id="main"' in zh


def test_language_switch_sets_the_language_for_the_next_pages(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/guide/"})
    assert response.status_code == 302 and response["Location"] == "/guide/"
    html = client.get("/guide/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'lang="en"' in html  # the cookie wins over the browser's language
    assert "Beijing" in html


def test_guide_lists_regions_with_a_policy_first_then_all_provinces(client):
    html = page(client, "/guide/", "zh-CN").content.decode()
    beijing, guilin, hebei = html.index("北京市"), html.index("桂林市"), html.index("河北省")
    assert beijing < guilin < hebei
    assert "广东省" in html and "新疆维吾尔自治区" in html


def test_guide_without_answers_shows_an_error_summary_linking_to_each_field(client):
    html = page(client, "/guide/?kind=stop", "en").content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_applicant_type_0"' in html and "Choose who is applying." in html
    assert 'href="#id_region"' in html
    assert 'aria-describedby="id_region-hint id_region-error"' in html


def test_guide_start_goes_on_to_the_reasons_of_the_region(client):
    response = client.get("/guide/?kind=stop&applicant_type=individual&region=310000")
    assert response.status_code == 302 and response["Location"].startswith("/guide/reason/?")
    html = page(client, response["Location"], "zh-CN").content.decode()
    assert "灵活就业人员暂停缴费" in html and "解除或终止劳动合同（离职）" in html
    assert "<legend" in html  # radios in a fieldset with a legend


def test_guide_reason_that_is_not_in_the_list_is_an_error(client):
    html = page(client, "/guide/reason/?kind=stop&applicant_type=individual&region=310000&reason=", "en")
    assert 'href="#id_reason_0"' in html.content.decode()


def test_the_guide_marks_the_bureaus_own_settings(client):
    html = answer(client, "110000", "resignation", "unit")
    review = html[html.index('id="fact-review-days"'):]
    review = review[:review.index("</dd>")]
    assert "5 working days" in review and "local setting of this bureau, no public source" in review
    assert 'id="local-settings-note"' in html
    filed_by = html[html.index('id="fact-filed-by"'):]
    assert "local practice, not an official text" in filed_by[:filed_by.index("</dd>")]  # units file online: weak
    zh = answer(client, "110000", "resignation", "unit", lang="zh-CN")
    assert "本局业务设置，无公开文件依据" in zh
    chengdu = answer(client, "510100", "resignation", "unit")
    review = chengdu[chengdu.index('id="fact-review-days"'):]
    assert "local setting" not in review[:review.index("</dd>")]  # the Chengdu text says it: on the spot


def test_beijing_individual_resignation_says_only_the_unit_may_file(client):
    html = answer(client, "110000", "resignation", "individual")
    assert 'id="who-may-file"' in html
    assert "only the unit (employer) can file this" in html
    assert "5 working days" in html  # Beijing's own review limit
    zh = answer(client, "110000", "resignation", "individual", lang="zh-CN")
    assert "北京市" in zh and 'id="who-may-file"' in zh


def test_beijing_unit_resignation_shows_the_legal_representatives_identification_on_file(client):
    html = answer(client, "110000", "resignation", "unit")
    assert 'id="who-may-file"' not in html
    assert "Unit removal form" in html
    # registered with the unit: held by the bureau, not asked for again
    held = html[html.index("The bureau already holds these"):]
    assert "Legal representative's identification (on file since the unit registered)" in held
    # what the bureau already holds is marked, never asked for
    assert "Certificate of participation" in html and "you don't need to bring this" in html


def test_guide_answer_shows_alternatives_steps_consequences_and_legal_basis(client):
    html = answer(client, "310000", "resignation", "individual")
    assert "Any one of:" in html and "Resident ID card" in html and "Passport" in html
    assert html.count('class="steps"') == 1 and "Review and decision" in html
    assert "cannot settle or reimburse medical expenses" in html  # no settlement during the stop
    assert "personal-account balance is kept" in html
    assert "waiting period" in html
    assert "Social Insurance Law of the People's Republic of China" in html and "Article 23" in html
    assert "employers and employees shall jointly pay" in html  # SIL Art. 23 text
    assert "20 working days" in html  # national review limit
    assert "Up to 30 days" in html


def test_guide_answer_in_chinese_uses_the_policy_texts(client):
    html = answer(client, "310000", "flexible_pause", "individual", lang="zh-CN")
    assert "灵活就业人员暂停缴费" in html and "居民身份证" in html
    assert "由用人单位和职工按照国家规定共同缴纳基本医疗保险费" in html
    assert 'lang="zh-Hans"' in html


def test_shanghai_flexible_pause_shows_its_own_maximum_duration(client):
    html = answer(client, "310000", "flexible_pause", "individual")
    assert "At most 6 months" in html
    assert "flexible workers who pay alone" in html
    national = answer(client, "440000", "flexible_pause", "individual")
    assert "At most 12 months" in national


def test_chengdu_unit_resignation_is_decided_on_the_spot(client):
    html = answer(client, "510100", "resignation", "unit")
    assert "Decided on the spot" in html
    assert "When a unit files this, the bureau decides on the spot." in html


def test_settling_abroad_cannot_be_filed_by_a_unit_and_ends_insurance(client):
    html = answer(client, "110000", "settle_abroad", "unit")
    assert "only the insured person can file this" in html
    assert "Insurance ends for good" in html


def test_guide_for_resumption_lists_the_early_resumption_proof(client):
    html = answer(client, "420100", "resignation", "individual", kind="resume")
    assert "What you need to resume medical insurance" in html
    assert "Only if you resume before the planned end" in html and "Proof of new employment" in html
    assert "3 months after you resume" in html  # Wuhan's waiting period
    assert "/guide/form/resume.pdf?region=420100&reason=resignation" in html


def test_guide_with_an_unknown_reason_goes_back_to_the_question(client):
    response = client.get(GUIDE.format(kind="stop", who="individual", region="110000", reason="holiday"))
    assert response.status_code == 302 and response["Location"].startswith("/guide/reason/")
    response = client.get("/guide/answer/?kind=stop&applicant_type=individual&region=999999&reason=death")
    assert response.status_code == 302 and response["Location"].startswith("/guide/?")


def test_blank_form_is_a_pdf(client):
    pytest.importorskip("medpause.printing")
    response = client.get("/guide/form/stop.pdf?region=110000&reason=resignation")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response).startswith(b"%PDF")
    response = client.get("/guide/form/resume.pdf?region=420100&reason=resignation")
    assert response.status_code == 200
    assert client.get("/guide/form/stop.pdf?region=110000&reason=nope").status_code == 404
    assert client.get("/guide/form/other.pdf?region=110000&reason=resignation").status_code == 404


def test_sign_in_page_and_errors(client):
    html = page(client, "/login/", "en").content.decode()
    assert 'id="id_username"' in html and 'id="id_password"' in html and 'name="csrfmiddlewaretoken"' in html
    response = client.post("/login/", {"username": "nobody", "password": "wrong-password"}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200 and 'class="error-summary"' in html
    assert "Enter a correct user name and password" in html


def test_unknown_page_is_a_friendly_404(client):
    response = page(client, "/no-such-page/", "en")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_change_links_show_the_question_again_with_the_answers_given(client):
    html = answer(client, "110000", "resignation", "unit")
    assert "/guide/?kind=stop&applicant_type=unit&region=110000&reason=resignation&change=1" in html
    response = page(client, "/guide/?kind=stop&applicant_type=unit&region=110000&reason=resignation&change=1")
    html = response.content.decode()
    assert response.status_code == 200 and 'value="unit" id="id_applicant_type_1" required checked' in html
    assert '<option value="110000" selected>' in html
    response = page(client, "/guide/reason/?kind=stop&applicant_type=unit&region=110000&reason=death&change=1")
    assert response.status_code == 200 and 'value="death" id="id_reason_' in response.content.decode()


def test_a_person_may_always_ask_to_resume_their_own_insurance(client):
    html = answer(client, "110000", "resignation", "individual", kind="resume")
    assert 'id="who-may-file"' not in html and 'id="apply-online"' in html
