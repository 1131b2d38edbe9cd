"""What a notice says, in both languages, through the service, the API and the pages: a request
for documents states the officer's reason, the documents and the deadline; a rejection the
reason, the rights of reconsideration (60 days) and lawsuit (6 months) and where; a unit's
notices name the employee with the ID number masked."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from medpause.accounts.services import token_issue
from medpause.cases.services import application_reject, application_request_supplement
from medpause.common.dates import add_working_days, today
from medpause.notices.models import Notice
from medpause.notices.services import notice_text
from tests.cases.helpers import stop
from tests.factories import make_person, make_user
from tests.notices.helpers import reachable, run_queued

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit_case(django_capture_on_commit_callbacks):
    person = make_person("310000", name="刘洋")
    agent = make_user("unit_agent", unit=person.unit)
    officer = make_user("officer", region="310000")
    with django_capture_on_commit_callbacks(execute=True):
        app = stop(agent, person, "resignation", today())
    return person, agent, officer, app


def _decide(capture, decide):
    with capture(execute=True):
        decide()
    return Notice.objects.order_by("-pk").first()


def test_a_request_for_documents_states_the_reason_the_documents_and_the_deadline(
        unit_case, settings, django_capture_on_commit_callbacks):
    settings.MEDPAUSE_SUPPLEMENT_WORKING_DAYS = 10
    person, agent, officer, app = unit_case
    notice = _decide(django_capture_on_commit_callbacks, lambda: application_request_supplement(
        actor=officer, application=app, reason="The seal on the certificate is missing", documents=["contract_ended"]))
    deadline = add_working_days(today(), 10).isoformat()
    with translation.override("en"):
        assert notice_text(notice) == (
            f"The bureau asks for more documents for application {app.reference}. Reason: The seal on the "
            f"certificate is missing. Documents needed: Proof the employment ended. Please provide them by {deadline}.")
        assert notice_text(notice, for_unit=True).startswith(f"Employee 刘洋 ({person.id_number_masked}): ")
    with translation.override("zh-hans"):
        text = notice_text(notice, for_unit=True)
    assert text.startswith(f"职工刘洋（{person.id_number_masked}）：")
    assert "需补充的材料：劳动关系结束证明。" in text and f"请于{deadline}前提交。" in text
    assert person.id_number not in text


def test_a_rejection_states_the_reason_and_the_rights_with_their_time_limits(
        unit_case, django_capture_on_commit_callbacks):
    _person, _agent, officer, app = unit_case
    notice = _decide(django_capture_on_commit_callbacks, lambda: application_reject(
        actor=officer, application=app, reason="The employment has not ended"))
    with translation.override("en"):
        text = notice_text(notice)
    assert "Reason: The employment has not ended." in text
    assert "People's Government of Shanghai within 60 days" in text and "Art. 20" in text
    assert "people's court where Shanghai Healthcare Security Administration is located within 6 months" in text
    assert "Art. 46" in text
    with translation.override("zh-hans"):
        text = notice_text(notice)
    assert "理由：The employment has not ended。" in text
    assert "六十日内向上海市人民政府申请行政复议（《中华人民共和国行政复议法》第二十条）" in text
    assert "六个月内向上海市医疗保障局所在地人民法院提起行政诉讼（《中华人民共和国行政诉讼法》第四十六条）" in text
    with translation.override("en"):  # the SMS is short but keeps the rights
        assert notice_text(notice, short=True) == (
            f"Application {app.reference} was rejected. You may apply for administrative reconsideration "
            "within 60 days or sue within 6 months.")


def test_the_api_and_the_pages_show_the_unit_the_employee(unit_case, settings, sms_gateway,
                                                         django_capture_on_commit_callbacks):
    person, agent, officer, app = unit_case
    reachable(agent, sms_gateway, phone="13900001111", language="en")
    _decide(django_capture_on_commit_callbacks, lambda: application_reject(
        actor=officer, application=app, reason="The employment has not ended"))
    token = token_issue(user=agent)
    answer = Client().get("/api/v1/notices", HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 200
    texts = [n["text"] for n in answer.json()]
    assert texts[0].startswith(f"Employee 刘洋 ({person.id_number_masked}): Application {app.reference} was rejected.")
    assert all(person.id_number not in t for t in texts)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(agent)
    page = client.get("/unit/").content.decode()
    assert f"职工刘洋（{person.id_number_masked}）：" in page and "人民法院" in page
    assert f'href="/unit/applications/{app.pk}/" class="notice-link">打开相关页面</a>' in page  # the page it is about
    # the employee's own notice does not name them to themself
    me = make_user("individual", person=person)
    client.force_login(me)
    own = client.get("/me/").content.decode()
    assert "职工刘洋" not in own and app.reference in own
    assert f'href="/me/applications/{app.pk}/" class="notice-link"' in own
    run_queued()
    sms = sms_gateway.messages[-1]["text"]
    assert sms.startswith(f"Employee 刘洋 ({person.id_number_masked}): Application {app.reference} was rejected.")
    assert "60 days" in sms and "6 months" in sms
