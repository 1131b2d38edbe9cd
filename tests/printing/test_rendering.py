"""Every kind of PDF, in both languages, read back by poppler as on a machine without Chinese
fonts: the embedded font is there, the Chinese and English text comes back, and no text runs
past the right edge of the tables (or over its neighbour)."""

import datetime as dt

import pytest
from django.utils import translation
from reportlab.platypus import Table

from medpause.cases.services import (
    application_approve,
    application_create,
    application_request_supplement,
    application_submit,
    document_add,
)
from medpause.common.dates import add_months, month_start, today
from medpause.coverage.services import contribution_record
from medpause.printing import application_form_pdf, blank_form_pdf, certificate_pdf, receipt_pdf
from medpause.printing.layout import CJK_FONT, CONTENT_WIDTH, MARGIN, PAGE_WIDTH, build
from tests.factories import PNG_1PX, bureau_viewer, make_person, make_unit, make_user, pdf_bytes
from tests.printing.conftest import STANDARD_FONTS

pytestmark = pytest.mark.django_db

LANGUAGES = ("zh-hans", "en")
TABLE_RIGHT = MARGIN + CONTENT_WIDTH  # every table is as wide as the text block, or narrower
CHINESE_DATA = {"王小明", "李四", "北京示例科技有限公司", "离职证明不清晰"}  # names and notes as entered


@pytest.fixture
def case():
    """王小明, a flexible worker in Shanghai with a year of payments, stopped once and asking to
    stop again (more documents requested); 李四, an employee whose unit asked to stop."""
    person = make_person("310000", category="flexible", name="王小明", contribution_base="9000.00")
    for m in range(12, 0, -1):
        contribution_record(person=person, month=add_months(month_start(today()), -m))
    me = make_user("individual", person=person)
    officer = make_user("officer", region="310000")
    start = today()
    first = application_create(actor=me, kind="stop", person=person, reason="flexible_pause", start_date=start,
                               end_date=start + dt.timedelta(days=20))
    document_add(actor=me, application=first, kind="id_card", data=PNG_1PX, filename="id.png")
    application_submit(actor=me, application=first)
    application_approve(actor=officer, application=first, note="同意停保 approved")
    unit = make_unit("110000", name="北京示例科技有限公司 Beijing Example Technology Co., Ltd.",
                     legal_representative_name="李法人")
    employee = make_person("110000", category="employee", unit=unit, name="李四")
    agent = make_user("unit_agent", unit=unit)
    app = application_create(actor=agent, kind="stop", person=employee, reason="resignation", start_date=start,
                             note="员工于本月离职。The employee left at the end of the month; contract ended by mutual "
                                  "agreement after a long notice period.")
    for kind in ("removal_form", "resignation_certificate", "id_card", "legal_rep_id_card"):
        document_add(actor=agent, application=app, kind=kind, data=pdf_bytes(kind),
                     filename=f"{kind}-scan-of-the-original-document-with-a-long-file-name.pdf")
    application_submit(actor=agent, application=app)
    application_request_supplement(actor=make_user("officer", region="110000"), application=app,
                                   reason="离职证明不清晰 The resignation certificate cannot be read.",
                                   documents=["contract_ended"])
    app.refresh_from_db()
    return {"person": person, "application": app, "stop": first}


# (name, maker, phrases in Chinese, phrases in English); the makers run in the active language
DOCUMENTS = [
    ("blank-stop", lambda c: blank_form_pdf(region_code="310000", reason_code=None, kind="stop"),
     ["上海市医疗保障局", "基本医疗保险停保申请表", "解除或终止劳动合同（离职）", "经办机构填写"],
     ["Shanghai Healthcare Security Administration", "Application to stop basic medical insurance",
      "Labour contract ended (resignation)", "For the bureau (do not fill in)"]),
    ("blank-stop-reason", lambda c: blank_form_pdf(region_code="310000", reason_code="resignation", kind="stop"),
     ["基本医疗保险停保申请表", "离职证明", "本人已阅读并知悉停保的后果"],
     ["Application to stop basic medical insurance", "Resignation certificate", "I have read what stopping means."]),
    ("blank-resume", lambda c: blank_form_pdf(region_code="310000", reason_code=None, kind="resume"),
     ["基本医疗保险恢复参保申请表", "恢复参保日期"],
     ["Application to resume basic medical insurance", "Resume from"]),
    ("filled", lambda c: application_form_pdf(application=c["application"], viewer=bureau_viewer()),
     ["北京市医疗保障局", "基本医疗保险停保申请表", "李四", "北京示例科技有限公司", "离职证明不清晰", "待补充材料"],
     ["Beijing Healthcare Security Administration", "Application to stop basic medical insurance", "李四",
      "北京示例科技有限公司", "The resignation certificate cannot be read.", "More documents requested"]),
    ("participation", lambda c: certificate_pdf(person=c["person"], kind="participation", viewer=bureau_viewer()),
     ["基本医疗保险参保证明", "王小明", "停保记录", "验证码", "经办机构盖章"],
     ["Certificate of participation in basic medical insurance", "王小明", "Periods the insurance was stopped",
      "Verification code", "Bureau seal"]),
    ("payment", lambda c: certificate_pdf(person=c["person"], kind="payment", viewer=bureau_viewer()),
     ["基本医疗保险缴费证明", "王小明", "合计：12 个月", "第二十三条", "验证码"],
     ["Certificate of basic medical insurance payments", "王小明", "Total: 12 months", "Article 23",
      "Verification code"]),
    ("receipt", lambda c: receipt_pdf(application=c["application"]),
     ["受理回执", "北京市医疗保障局", "李四", "离职证明", "审核期限", "验证码"],
     ["Receipt of an application", "Beijing Healthcare Security Administration", "李四", "Resignation certificate",
      "Review due by", "Verification code"]),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "make", "zh", "en"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_every_pdf_reads_the_same_with_poppler(poppler, case, language, name, make, zh, en):
    with translation.override(language):
        pdf = poppler(make(case))
    # the embedded CJK font: a subset, with a ToUnicode map; nothing else relies on the reader's fonts
    embedded = [f for f in pdf.fonts if f["name"].startswith(CJK_FONT)]
    assert embedded, pdf.fonts
    assert all(f["emb"] and f["sub"] and f["uni"] for f in embedded), embedded
    assert {f["name"] for f in pdf.fonts if not f["emb"]} <= STANDARD_FONTS, pdf.fonts
    # the text comes back, in its language
    for phrase in zh if language == "zh-hans" else en:
        assert phrase in pdf, (name, language, phrase)
    if language == "en":  # the Chinese wording is gone; only the data entered in Chinese stays
        for phrase in set(zh) - CHINESE_DATA:
            assert phrase not in pdf, (name, phrase)
    # inside the tables: nothing past the right edge (or the left margin), nothing over its neighbour
    width = pdf.pages[0][0]
    assert width == pytest.approx(PAGE_WIDTH, abs=0.01)
    assert pdf.words_outside(MARGIN, TABLE_RIGHT) == []
    assert pdf.overlapping_words() == []


def test_the_edge_check_finds_a_sentence_that_runs_out_of_its_table(poppler):
    """The check above can fail: a long English sentence put in a table cell as a plain string
    (not a wrapping Paragraph) runs past the table's right edge, and is found."""
    with translation.override("en"):
        sentence = ("This sentence is set without wrapping, and it is much longer than the column it sits in, "
                    "which is as wide as the text block of the page less the label.")
        table = Table([["Label", sentence]], colWidths=[60, CONTENT_WIDTH - 60])
        pdf = poppler(build([table], title="t", author="a", footer_left="f"))
    outside = pdf.words_outside(MARGIN, TABLE_RIGHT)
    assert outside, "the overflowing words were not found"
    assert all(word in sentence for _page, word, _x0, _x1 in outside)


def test_the_overlap_check_finds_text_over_its_neighbour(poppler):
    with translation.override("en"):
        table = Table([["A label that is far too long for its cell", "value"]], colWidths=[40, CONTENT_WIDTH - 40])
        pdf = poppler(build([table], title="t", author="a", footer_left="f"))
    assert pdf.overlapping_words()


def test_a_long_footer_is_fitted_before_the_page_number(poppler):
    with translation.override("en"):
        footer = " · ".join(["Beijing Healthcare Security Administration"] * 4)
        pdf = poppler(build([Table([["x"]])], title="t", author="a", footer_left=footer))
    assert pdf.words_outside(MARGIN, TABLE_RIGHT) == []
    assert pdf.overlapping_words() == []
    assert "Page 1" in pdf
