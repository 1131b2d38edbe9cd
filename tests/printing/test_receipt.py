"""The receipt (受理回执) of a submitted application."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from medpause.cases.selectors import application_policy, missing_documents
from medpause.cases.services import (
    application_approve,
    application_create,
    application_request_supplement,
    application_submit,
    document_add,
)
from medpause.common.dates import today
from medpause.common.errors import Conflict
from medpause.printing import receipt_pdf
from medpause.printing.models import IssuedDocument
from tests.factories import PNG_1PX, make_person, make_unit, make_user, pdf_bytes

pytestmark = pytest.mark.django_db

CODE = re.compile(r"(?:验证码|Verificationcode)([2-9A-HJKMNP-Z]{4}(?:-[2-9A-HJKMNP-Z]{4}){3})")


def code_of(pdf) -> str:
    codes = set(CODE.findall(pdf.text))
    assert len(codes) == 1, codes
    return codes.pop().replace("-", "")


@pytest.fixture
def unit_stop():
    unit = make_unit("110000", name="北京示例科技有限公司")
    person = make_person("110000", category="employee", unit=unit, name="王小明")
    agent = make_user("unit_agent", unit=unit)
    app = application_create(actor=agent, kind="stop", person=person, reason="resignation", start_date=today())
    for kind in ("removal_form", "resignation_certificate", "id_card", "legal_rep_id_card"):
        document_add(actor=agent, application=app, kind=kind, data=pdf_bytes(kind), filename=f"{kind}.pdf")
    return agent, app


@pytest.fixture
def flexible_stop():
    """王小明, a flexible worker in Shanghai, asked to stop; the officer wants a new ID copy."""
    person = make_person("310000", category="flexible", name="王小明")
    me = make_user("individual", person=person)
    app = application_create(actor=me, kind="stop", person=person, reason="flexible_pause", start_date=today(),
                             end_date=today() + dt.timedelta(days=60))
    document = document_add(actor=me, application=app, kind="id_card", data=PNG_1PX, filename="id.png")
    application_submit(actor=me, application=app)
    application_request_supplement(actor=make_user("officer", region="310000"), application=app,
                                   reason="身份证照片不清晰", documents=["identity"])
    app.refresh_from_db()
    return app, document


def test_receipt_in_chinese_names_the_submission_documents_deadline_and_bureau(read_pdf, unit_stop):
    agent, app = unit_stop
    application_submit(actor=agent, application=app)
    app.refresh_from_db()
    with translation.override("zh-hans"):
        pdf = read_pdf(receipt_pdf(application=app, base_url="http://ybj.example/"))
    assert pdf.pages == 1
    local = app.first_submitted_at.astimezone(ZoneInfo("Asia/Shanghai"))
    for phrase in ["北京市医疗保障局", "受理回执", app.reference, "王小明", app.person.id_number_masked,
                   local.strftime("%Y-%m-%d %H:%M"), "审核期限", app.due_date.isoformat(), "已收材料",
                   "减员表（加盖单位公章）", "离职证明", "居民身份证", "resignation_certificate.pdf",
                   "北京示例科技有限公司", "受理机构", "解除或终止劳动合同（离职）", "http://ybj.example/verify/",
                   "经办机构盖章", "本回执仅证明经办机构已收到申请"]:
        assert phrase in pdf, phrase
    assert app.person.id_number not in pdf  # a receipt travels: the ID number is masked
    issued = IssuedDocument.objects.get(code=code_of(pdf))
    assert (issued.kind, issued.application, issued.person) == ("receipt", app, app.person)


def test_receipt_in_english_keeps_its_code_and_new_documents_give_a_new_one(read_pdf, flexible_stop):
    app, _document = flexible_stop  # submitted, then more documents were requested
    with translation.override("zh-hans"):
        zh = read_pdf(receipt_pdf(application=app))
    with translation.override("en"):
        en = read_pdf(receipt_pdf(application=app))
    for phrase in ["Shanghai Healthcare Security Administration", "Receipt of an application", app.reference,
                   "王小明", "to stop basic medical insurance", "Review due by", "Documents received",
                   "Resident ID card", "id.png", "Verification code", "it is not a decision on it"]:
        assert phrase in en, phrase
    assert "受理回执" not in en
    assert code_of(zh) == code_of(en)
    me = app.created_by
    document_add(actor=me, application=app, kind="id_card", data=PNG_1PX, filename="id-clear.png")
    with translation.override("en"):
        after = read_pdf(receipt_pdf(application=app))
    assert "id-clear.png" in after
    assert code_of(after) != code_of(en)
    assert IssuedDocument.objects.filter(application=app, kind="receipt").count() == 2


def test_a_draft_has_no_receipt(unit_stop):
    _agent, app = unit_stop
    with pytest.raises(Conflict) as exc:
        receipt_pdf(application=app)
    assert exc.value.code == "not_submitted"
    assert not IssuedDocument.objects.exists()


def test_a_resumption_receipt_says_resume(read_pdf):
    person = make_person("310000", category="flexible", name="王小明")
    me = make_user("individual", person=person)
    officer = make_user("officer", region="310000")
    stop = application_create(actor=me, kind="stop", person=person, reason="flexible_pause", start_date=today(),
                              end_date=today() + dt.timedelta(days=30))
    document_add(actor=me, application=stop, kind="id_card", data=PNG_1PX, filename="id.png")
    application_submit(actor=me, application=stop)
    application_approve(actor=officer, application=stop)
    resume = application_create(actor=me, kind="resume", person=person,
                                suspension_id=person.suspensions.get().pk, start_date=today() + dt.timedelta(days=10))
    policy = application_policy(resume)
    for group in missing_documents(resume):
        document_add(actor=me, application=resume, kind=policy.groups[group].any_of[0], data=PNG_1PX,
                     filename="proof.png")
    application_submit(actor=me, application=resume)
    resume.refresh_from_db()
    with translation.override("zh-hans"):
        pdf = read_pdf(receipt_pdf(application=resume))
    assert "恢复基本医疗保险参保申请" in pdf and resume.reference in pdf
    assert "基本医疗保险停保申请" not in pdf
