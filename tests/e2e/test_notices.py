"""Notices leave the service by SMS (the stub gateway, a real process) and e-mail (a local SMTP
server, a real process), in both languages: the person verifies their phone and chooses the
channels on their account page (on a phone's width), an officer rejects their application, the
task sends, and the link in each message, opened in Chromium, shows the application."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.e2e.helpers import LANGUAGES, assert_language, goto, is_zh, shoot, sign_in
from tests.notices.stubs import sms_gateway, smtp_server  # noqa: F401 - fixtures


@pytest.fixture
def submitted(transactional_db):
    from medpause.cases.services import application_create, application_submit
    from medpause.common.dates import today
    from tests.e2e.helpers import PASSWORD
    from tests.factories import make_person, make_user
    from tests.web.conftest import upload_required

    person = make_person("310000", category="flexible", name="李娜")
    me = make_user("individual", person=person, password=PASSWORD)
    officer = make_user("officer", region="310000")
    app = application_create(actor=me, kind="stop", person=person, reason="flexible_pause", start_date=today(),
                             end_date=today() + dt.timedelta(days=60))
    upload_required(me, app)
    return me, officer, application_submit(actor=me, application=app)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_notice_arrives_by_sms_and_by_email_and_its_link_opens_the_page(
        page_for, live_server, settings, sms_gateway, smtp_server, submitted, language):  # noqa: F811 - the fixtures
    from medpause.cases.services import application_reject
    from tests.notices.helpers import run_queued

    me, officer, app = submitted
    settings.MEDPAUSE_PUBLIC_URL = live_server.url
    zh = language.startswith("zh")
    page = page_for(language)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, me.username)
    page.locator("#notice-settings-link").click()
    page.wait_for_url("**/account/notices/")
    assert_language(page)
    page.locator("#id_phone").fill("13812345678")
    page.locator("#send-code-button").click()
    page.wait_for_load_state()
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", sms_gateway.messages[-1]["text"]).group(1)
    assert ("验证码" in sms_gateway.messages[-1]["text"]) == zh  # the code's text in the page's language
    page.locator("#id_code").fill(code)
    page.locator("#verify-code-button").click()
    page.locator("#phone-verified").wait_for()
    assert "138****5678" in page.locator("#phone-verified").inner_text()
    page.locator("#id_email").fill("li.na@example.cn")
    page.locator("#id_sms").check()
    page.locator("#id_by_email").check()
    page.locator("#id_language").select_option("zh-hans" if zh else "en")
    page.locator("#save-channels-button").click()
    page.wait_for_load_state()
    assert page.locator(".notification-success").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    shoot(page, f"notice-settings-phone-{'zh' if is_zh(page) else 'en'}")

    application_reject(actor=officer, application=app, reason="身份证照片无法辨认" if zh else "The ID photo cannot be read")
    assert sorted(run_queued()) == ["sent", "sent"]  # what `medpause worker` does
    link = f"{live_server.url}/me/applications/{app.pk}/"

    sms = sms_gateway.messages[-1]
    assert sms["to"] == "13812345678" and sms["text"].endswith(link)
    rights = "六十日内申请行政复议" if zh else "administrative reconsideration within 60 days"
    assert app.reference in sms["text"] and rights in sms["text"]
    page.goto(sms["text"].splitlines()[-1])
    page.locator("h1").wait_for()
    assert app.reference in page.locator("h1").inner_text()
    assert_language(page)
    assert ("身份证照片无法辨认" if zh else "The ID photo cannot be read") in page.locator("main").inner_text()

    (mail,) = smtp_server.messages
    body = mail.get_content()
    assert mail["To"] == "li.na@example.cn" and app.reference in mail["Subject"]
    assert ("人民法院" if zh else "people's court") in body and link in body
    # the e-mail's link, opened signed out: sign in first, then the very page
    fresh = page_for(language)
    fresh.goto(re.search(r"https?://\S+", body).group())
    fresh.wait_for_url("**/login/**")
    fresh.locator("#id_username").fill(me.username)
    fresh.locator("#id_password").fill("correct-horse-9")
    fresh.locator("#sign-in-button").click()
    fresh.wait_for_url(link)
    assert app.reference in fresh.locator("h1").inner_text()
    goto(fresh, "/me/")
    assert app.reference in fresh.locator("main").inner_text()  # the in-app notice is there too
