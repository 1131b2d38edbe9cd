"""The certificates the bureau issues itself: participation (参保证明) and payments (缴费证明)."""

import datetime as dt
import re

import pytest
from django.utils import translation

from medpause.cases.services import application_approve, application_create, application_submit, document_add
from medpause.common.dates import add_months, month_start, today
from medpause.common.errors import NotFound
from medpause.coverage.services import contribution_record
from medpause.printing import certificate_pdf
from tests.factories import PNG_1PX, make_person, make_unit, make_user

pytestmark = pytest.mark.django_db

# printed in groups of four, e.g. 验证码 ABCD-EFGH-JKMN-PQRS (medpause.printing.verification)
CODE = re.compile(r"(?:验证码|Verificationcode)([2-9A-HJKMNP-Z]{4}(?:-[2-9A-HJKMNP-Z]{4}){3})")


def code_of(pdf) -> str:
    """The one verification code the certificate carries (header, issue block, footer), as stored."""
    codes = set(CODE.findall(pdf.text))
    assert len(codes) == 1, codes
    return codes.pop().replace("-", "")


def past_months(n: int) -> list[dt.date]:
    return [add_months(month_start(today()), -m) for m in range(n, 0, -1)]


@pytest.fixture
def viewer(db):
    """Who asks for the certificate: an administrator, who sees every person."""
    return make_user("admin")


@pytest.fixture
def employee():
    unit = make_unit("110000", name="北京示例科技有限公司")
    return make_person("110000", category="employee", unit=unit, name="王小明", issued_on=dt.date(2024, 3, 1))


def test_participation_certificate_in_chinese(read_pdf, employee, viewer):
    with translation.override("zh-hans"):
        pdf = read_pdf(certificate_pdf(person=employee, kind="participation", viewer=viewer))
    assert pdf.pages == 1
    for phrase in ["北京市医疗保障局", "基本医疗保险参保证明", "王小明", employee.id_number, employee.card.number,
                   "北京市", "职工（单位和个人共同缴费）", "北京示例科技有限公司", "2024-03-01",
                   "正常参保，可享受待遇", "无停保记录", today().isoformat(), "经办机构盖章"]:
        assert phrase in pdf, phrase
    assert employee.id_number_masked not in pdf
    assert len(code_of(pdf)) == 16


def test_participation_certificate_in_english_carries_the_same_verification_code(read_pdf, employee, viewer):
    with translation.override("zh-hans"):
        zh = read_pdf(certificate_pdf(person=employee, kind="participation", viewer=viewer))
    with translation.override("en"):
        en = read_pdf(certificate_pdf(person=employee, kind="participation", viewer=viewer))
    for phrase in ["Beijing Healthcare Security Administration",
                   "Certificate of participation in basic medical insurance", "王小明", employee.id_number,
                   "Employee (unit and employee share the premium)", "Active: benefits available",
                   "No stop of the insurance is recorded."]:
        assert phrase in en, phrase
    assert "参保证明" not in en
    assert code_of(zh) == code_of(en)


def test_participation_certificate_shows_a_stop_and_the_suspended_card(read_pdf, viewer):
    person = make_person("310000", category="flexible", name="王小明")
    me = make_user("individual", person=person)
    officer = make_user("officer", region="310000")
    with translation.override("zh-hans"):
        before = read_pdf(certificate_pdf(person=person, kind="participation", viewer=viewer))
    start = today()
    app = application_create(actor=me, kind="stop", person=person, reason="flexible_pause", start_date=start,
                             end_date=start + dt.timedelta(days=30))
    document_add(actor=me, application=app, kind="id_card", data=PNG_1PX, filename="id.png")
    application_submit(actor=me, application=app)
    application_approve(actor=officer, application=app)
    with translation.override("zh-hans"):
        after = read_pdf(certificate_pdf(person=person, kind="participation", viewer=viewer))
    for phrase in ["灵活就业人员（个人缴费）", "暂停参保（停保）", "停保记录", start.isoformat(), "灵活就业人员暂停缴费",
                   "暂停参保"]:
        assert phrase in after, phrase
    assert "无停保记录" not in after
    assert code_of(before) != code_of(after)  # the code seals the content


def test_payment_certificate_of_an_employee_lists_both_shares_and_totals(read_pdf, employee, viewer):
    rows = [contribution_record(person=employee, month=m) for m in past_months(3)]
    with translation.override("zh-hans"):
        pdf = read_pdf(certificate_pdf(person=employee, kind="payment", viewer=viewer))
    assert pdf.pages == 1
    for phrase in ["基本医疗保险缴费证明", "王小明", employee.id_number, "单位缴纳（元）", "个人缴纳（元）",
                   "合计：3 个月", "第二十三条", "用人单位和职工共同缴纳", "北京示例科技有限公司"]:
        assert phrase in pdf, phrase
    for row in rows:
        assert row.month.strftime("%Y-%m") in pdf
        for amount in (row.base, row.employer_amount, row.employee_amount, row.total):
            assert f"{amount:,.2f}" in pdf
    employer_total = sum(r.employer_amount for r in rows)
    employee_total = sum(r.employee_amount for r in rows)
    assert employer_total > 0 and employee_total > 0
    assert f"{employer_total:,.2f}" in pdf
    assert f"{employee_total:,.2f}" in pdf
    assert f"{employer_total + employee_total:,.2f}" in pdf
    assert len(code_of(pdf)) == 16


def test_payment_certificate_of_a_flexible_worker_in_english_says_they_pay_alone(read_pdf, viewer):
    person = make_person("310000", category="flexible", name="王小明", contribution_base="9000.00")
    rows = [contribution_record(person=person, month=m) for m in past_months(2)]
    assert all(r.employer_amount == 0 for r in rows)
    with translation.override("en"):
        pdf = read_pdf(certificate_pdf(person=person, kind="payment", viewer=viewer))
    for phrase in ["Shanghai Healthcare Security Administration", "Certificate of basic medical insurance payments",
                   "王小明", "Person's share, paid alone (yuan)", "Total: 2 months",
                   "As a flexible worker this person pays the whole premium alone",
                   "Under Article 23 of the Social Insurance Law", "Article 23"]:
        assert phrase in pdf, phrase
    for row in rows:
        assert f"{row.employee_amount:,.2f}" in pdf
    assert f"{sum(r.employee_amount for r in rows):,.2f}" in pdf
    assert "缴费证明" not in pdf


def test_a_new_contribution_changes_the_verification_code(read_pdf, employee, viewer):
    months = past_months(2)
    contribution_record(person=employee, month=months[0])
    first = code_of(read_pdf(certificate_pdf(person=employee, kind="payment", viewer=viewer)))
    again = code_of(read_pdf(certificate_pdf(person=employee, kind="payment", viewer=viewer)))
    contribution_record(person=employee, month=months[1])
    second = code_of(read_pdf(certificate_pdf(person=employee, kind="payment", viewer=viewer)))
    assert first == again
    assert first != second


def test_payment_certificate_without_contributions_says_so(read_pdf, employee, viewer):
    with translation.override("zh-hans"):
        pdf = read_pdf(certificate_pdf(person=employee, kind="payment", viewer=viewer))
    assert "无缴费记录" in pdf


def test_unknown_certificate_kind_is_not_found(employee, viewer):
    with pytest.raises(NotFound) as exc:
        certificate_pdf(person=employee, kind="residence", viewer=viewer)
    assert exc.value.code == "unknown_certificate"
