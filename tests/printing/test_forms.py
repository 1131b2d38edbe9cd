"""The stop / resume application form, blank and filled in, in both languages."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from medpause.cases.selectors import missing_documents
from medpause.cases.services import (
    application_approve,
    application_create,
    application_request_supplement,
    application_submit,
    document_add,
)
from medpause.common.dates import today
from medpause.common.errors import NotFound
from medpause.policy.selectors import policy_in_force, reasons_for, region_get, requirements_for
from medpause.printing import application_form_pdf, blank_form_pdf
from tests.factories import PNG_1PX, make_person, make_unit, make_user, pdf_bytes

pytestmark = pytest.mark.django_db

NATIONAL_ONLY_REGION = "120000"  # Tianjin has no policy file of its own: the national baseline applies


# the reasons of src/medpause/policies/national.toml (checked against the loaded policy below)
NATIONAL_REASONS = [
    "resignation", "transfer_out", "enlistment", "schooling", "imprisonment", "missing", "unpaid_leave",
    "unit_dissolution", "unit_merger_split", "retirement", "death", "settle_abroad", "flexible_pause",
    "duplicate_enrollment",
]


# --- blank form -------------------------------------------------------------------------


def test_blank_stop_form_in_chinese_names_the_bureau_reason_documents_and_consequences(read_pdf):
    with translation.override("zh-hans"):
        pdf = read_pdf(blank_form_pdf(region_code="310000", reason_code="resignation", kind="stop"))
        individual = requirements_for(region_code="310000", reason_code="resignation", applicant_type="individual")
        unit = requirements_for(region_code="310000", reason_code="resignation", applicant_type="unit")
    assert 1 <= pdf.pages <= 4
    for phrase in ["上海市医疗保障局", "基本医疗保险停保申请表", "310000@2025.1", "解除或终止劳动合同（离职）",
                   "公民身份号码", "统一社会信用代码", "法定代表人", "停保起始日期", "停保截止日期",
                   "本人已阅读并知悉停保的后果", "《中华人民共和国社会保险法》第23条", "经办机构填写", "申请人签字"]:
        assert phrase in pdf, phrase
    # the checklist: every group of both applicant types, with its alternatives, and what the bureau holds
    for req in (individual, unit):
        for doc in req["documents"]:
            assert doc["name"] in pdf
            for alternative in doc["any_of_names"]:
                assert alternative in pdf
    assert "离职证明" in pdf and "工作变动证明" in pdf
    assert "经办机构已掌握，无需提供" in pdf
    for consequence in individual["consequences"]:
        assert consequence in pdf
    assert "Application to stop" not in pdf


def test_blank_stop_form_in_english(read_pdf):
    with translation.override("en"):
        pdf = read_pdf(blank_form_pdf(region_code="310000", reason_code="resignation", kind="stop"))
        req = requirements_for(region_code="310000", reason_code="resignation", applicant_type="individual")
    for phrase in ["Shanghai Healthcare Security Administration", "Application to stop basic medical insurance",
                   "Labour contract ended (resignation)", "Citizen ID number", "Unified social credit code",
                   "Identity document", "Resignation certificate", "Held by the bureau: you need not bring it.",
                   "I have read what stopping means.", "Social Insurance Law of the People's Republic of China, Article 23",
                   "For the bureau (do not fill in)"]:
        assert phrase in pdf, phrase
    for consequence in req["consequences"]:
        assert consequence in pdf
    assert "停保申请表" not in pdf


def test_blank_form_without_a_reason_offers_every_reason_with_its_documents(read_pdf):
    with translation.override("zh-hans"):
        pdf = read_pdf(blank_form_pdf(region_code="310000", reason_code=None, kind="stop"))
        reasons = reasons_for(region_code="310000", kind="stop")
    assert "请勾选一项原因" in pdf
    for reason in reasons:
        assert reason.name_zh in pdf
    assert "入伍通知书" in pdf and "宣告失踪判决书" in pdf  # documents of different reasons
    assert pdf.pages <= 8


def test_blank_resume_form_lists_the_resume_documents_and_the_early_proof(read_pdf):
    with translation.override("zh-hans"):
        pdf = read_pdf(blank_form_pdf(region_code="310000", reason_code="enlistment", kind="resume"))
    for phrase in ["基本医疗保险恢复参保申请表", "参军入伍", "恢复参保日期", "是否提前恢复", "退出现役证明",
                   "仅提前恢复时提供", "单位增员表"]:
        assert phrase in pdf, phrase
    assert "停保申请表" not in pdf


def test_a_reason_a_unit_cannot_file_says_so_on_the_form(read_pdf):
    # settling abroad is filed by the person (or at the counter), never by a unit
    with translation.override("en"):
        pdf = read_pdf(blank_form_pdf(region_code=NATIONAL_ONLY_REGION, reason_code="settle_abroad", kind="stop"))
    assert "This reason cannot be filed by this applicant." in pdf
    assert "Proof of settling abroad" in pdf


@pytest.mark.parametrize("reason_code", NATIONAL_REASONS)
def test_every_reason_of_the_national_policy_prints_for_stop_and_resume(read_pdf, reason_code):
    region = region_get(code=NATIONAL_ONLY_REGION)
    pv, policy = policy_in_force(region=region)
    assert pv.label == "national@2025.1"
    reason = policy.reasons[reason_code]
    kinds = ["stop", "resume"] if reason.resumable else ["stop"]
    for kind in kinds:
        for language in ("zh-hans", "en"):
            with translation.override(language):
                pdf = read_pdf(blank_form_pdf(region_code=NATIONAL_ONLY_REGION, reason_code=reason_code, kind=kind))
                assert reason.name in pdf
                assert "national@2025.1" in pdf
            assert 1 <= pdf.pages <= 4
    assert set(NATIONAL_REASONS) == set(policy.reasons)


def test_a_reason_that_cannot_be_resumed_has_no_resume_form():
    with pytest.raises(NotFound) as exc:
        blank_form_pdf(region_code=NATIONAL_ONLY_REGION, reason_code="death", kind="resume")
    assert exc.value.code == "unknown_reason"


def test_unknown_region_reason_or_kind_is_not_found():
    with pytest.raises(NotFound) as exc:
        blank_form_pdf(region_code="999999", reason_code=None, kind="stop")
    assert exc.value.code == "unknown_region"
    with pytest.raises(NotFound) as exc:
        blank_form_pdf(region_code="310000", reason_code="no_such_reason", kind="stop")
    assert exc.value.code == "unknown_reason"
    with pytest.raises(NotFound) as exc:
        blank_form_pdf(region_code="310000", reason_code=None, kind="pause")
    assert exc.value.code == "unknown_kind"


# --- filled-in form -----------------------------------------------------------------------


@pytest.fixture
def flexible_stop():
    """王小明, a flexible worker in Shanghai, asked to stop; the officer wants a new ID copy."""
    person = make_person("310000", category="flexible", name="王小明")
    me = make_user("individual", person=person)
    officer = make_user("officer", region="310000")
    start = today()
    app = application_create(
        actor=me, kind="stop", person=person, reason="flexible_pause", start_date=start,
        end_date=start + dt.timedelta(days=60), note="暂时没有收入，先停缴两个月。",
    )
    document = document_add(actor=me, application=app, kind="id_card", data=PNG_1PX, filename="id.png")
    application_submit(actor=me, application=app)
    application_request_supplement(actor=officer, application=app, reason="身份证照片不清晰", documents=["identity"])
    app.refresh_from_db()
    return app, document


def test_filled_form_in_chinese_carries_the_case_for_the_bureau(read_pdf, flexible_stop):
    app, document = flexible_stop
    person = app.person
    with translation.override("zh-hans"):
        pdf = read_pdf(application_form_pdf(application=app, viewer=make_user("officer", region="310000")))
    assert 1 <= pdf.pages <= 4
    assert pdf.count(app.reference) >= 2  # printed large, and under its barcode
    for phrase in ["上海市医疗保障局", "基本医疗保险停保申请表", "王小明", person.card.number, "灵活就业人员暂停缴费",
                   app.start_date.isoformat(), app.end_date.isoformat(), "暂时没有收入，先停缴两个月。",
                   "待补充材料", "310000@2025.1", "居民身份证", document.sha256[:12], "尚缺材料", "身份证明",
                   "已提交", "要求补充材料", "身份证照片不清晰", "草稿→已提交"]:
        assert phrase in pdf, phrase
    assert person.id_number in pdf  # the full number: the form goes to the bureau
    assert person.id_number_masked not in pdf
    for event in app.events.all():
        assert event.at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M") in pdf
    assert missing_documents(app) == ["identity"]


def test_filled_form_in_english(read_pdf, flexible_stop):
    app, document = flexible_stop
    with translation.override("en"):
        pdf = read_pdf(application_form_pdf(application=app, viewer=app.created_by))
    for phrase in [app.reference, "Shanghai Healthcare Security Administration", "王小明", "Flexible worker pauses paying",
                   "Status: More documents requested", "Judged by policy version 310000@2025.1", "Resident ID card",
                   document.sha256[:12], "Still missing", "Identity document", "More documents asked for",
                   "Submitted online on"]:
        assert phrase in pdf, phrase
    assert "待补充材料" not in pdf


def test_filled_form_of_a_unit_shows_the_unit_and_every_document_attached(read_pdf):
    unit = make_unit("110000", name="北京示例科技有限公司", legal_representative_name="李法人")
    person = make_person("110000", category="employee", unit=unit, name="王小明")
    agent = make_user("unit_agent", unit=unit)
    app = application_create(actor=agent, kind="stop", person=person, reason="resignation", start_date=today())
    for kind in ("removal_form", "resignation_certificate", "id_card", "legal_rep_id_card"):
        document_add(actor=agent, application=app, kind=kind, data=pdf_bytes(kind), filename=f"{kind}.pdf")
    with translation.override("zh-hans"):
        pdf = read_pdf(application_form_pdf(application=app, viewer=agent))
    for phrase in ["北京示例科技有限公司", unit.uscc, "李法人", "减员表（加盖单位公章）", "已提交：离职证明",
                   "无：所需材料均已提交。", "草稿", "尚无办理记录"]:
        assert phrase in pdf, phrase
    assert "缺少" not in pdf


def test_filled_form_lists_the_documents_its_reader_may_see(read_pdf):
    """The employee reads the unit's application about them, but not its legal representative's ID."""
    unit = make_unit("110000", name="北京示例科技有限公司")
    person = make_person("110000", category="employee", unit=unit, name="王小明")
    agent = make_user("unit_agent", unit=unit)
    app = application_create(actor=agent, kind="stop", person=person, reason="resignation", start_date=today())
    for kind in ("removal_form", "resignation_certificate", "id_card", "legal_rep_id_card"):
        document_add(actor=agent, application=app, kind=kind, data=pdf_bytes(kind), filename=f"{kind}.pdf")
    app = application_submit(actor=agent, application=app)
    rep = app.documents.get(kind="legal_rep_id_card")
    employee = make_user("individual", person=person)
    with translation.override("en"):
        units = read_pdf(application_form_pdf(application=app, viewer=agent))
        own = read_pdf(application_form_pdf(application=app, viewer=employee))
    assert rep.sha256[:12] in units and rep.sha256[:12] not in own
    other = app.documents.get(kind="id_card")
    assert other.sha256[:12] in units and other.sha256[:12] in own


def test_filled_resume_form_names_the_stop_it_ends(read_pdf):
    person = make_person("310000", category="flexible", name="王小明")
    me = make_user("individual", person=person)
    officer = make_user("officer", region="310000")
    start = today()
    stop = application_create(actor=me, kind="stop", person=person, reason="flexible_pause", start_date=start,
                              end_date=start + dt.timedelta(days=60))
    document_add(actor=me, application=stop, kind="id_card", data=PNG_1PX, filename="id.png")
    application_submit(actor=me, application=stop)
    application_approve(actor=officer, application=stop, note="同意停保")
    stop.refresh_from_db()
    suspension = person.suspensions.get()
    resume = application_create(actor=me, kind="resume", person=person, suspension_id=suspension.pk,
                                start_date=start + dt.timedelta(days=10))
    with translation.override("zh-hans"):
        pdf = read_pdf(application_form_pdf(application=resume, viewer=me))
        stop_pdf = read_pdf(application_form_pdf(application=stop, viewer=me))
    for phrase in ["基本医疗保险恢复参保申请表", resume.reference, stop.reference, start.isoformat(),
                   (start + dt.timedelta(days=10)).isoformat(), (start + dt.timedelta(days=60)).isoformat(),
                   "灵活就业人员暂停缴费", "草稿"]:
        assert phrase in pdf, phrase
    for phrase in ["审核结果", "已通过", "审核意见", "同意停保", "已提交→已通过"]:
        assert phrase in stop_pdf, phrase
