"""The information sheet of a transfer (转移接续信息表), rendered and read back by poppler as
another reader would: both regions, the dates, the months insured, the balance moved, the
verification code that the public verification answers, the ID number masked for the person."""

import datetime as dt
import shutil

import pytest
from django.utils import translation

from medpause.common.dates import add_months, month_start, today
from medpause.common.errors import Conflict
from medpause.coverage.services import contribution_record
from medpause.printing.models import IssuedDocument
from medpause.printing.transfer_sheet import transfer_sheet_pdf
from medpause.printing.verification import format_code
from medpause.registry.models import Card
from medpause.transfers.services import transfer_request, transfer_send
from tests.factories import make_person, make_user
from tests.printing.conftest import STANDARD_FONTS, Poppler

pytestmark = pytest.mark.django_db


@pytest.fixture
def poppler(tmp_path):
    if shutil.which("pdftotext") is None or shutil.which("pdffonts") is None:
        pytest.skip("poppler-utils not found: install Debian's poppler-utils to read the PDFs back")
    return lambda data: Poppler(data, tmp_path)


@pytest.fixture
def sent():
    person = make_person("110000", name="张伟")
    Card.objects.filter(person=person).update(issued_on=today() - dt.timedelta(days=400))
    for n in (3, 2, 1):
        contribution_record(person=person, month=add_months(month_start(today()), -n))
    me = make_user("individual", person=person)
    officer = make_user("officer", region="110000")
    t = transfer_request(actor=me, person_id=person.pk, to_region="310000", date=today())
    with pytest.raises(Conflict):
        transfer_sheet_pdf(transfer=t, viewer=officer)
    return transfer_send(actor=officer, transfer_id=t.pk), me, officer


def test_the_sheet_reads_back_in_chinese_with_both_regions_and_the_code(sent, poppler):
    t, me, officer = sent
    with translation.override("zh-hans"):
        pdf = poppler(transfer_sheet_pdf(transfer=t, viewer=officer))
    issued = IssuedDocument.objects.get(person=t.person)
    assert issued.kind == "participation" and issued.region.code == "110000"
    for phrase in ("参保人员基本医疗保险信息表（转移接续）", "北京", "上海", t.person.id_number, "张伟",
                   f"{today():%Y-%m-%d}", "480.00", "3个月", format_code(issued.code), "转出地", "转入地"):
        assert phrase in pdf, phrase
    assert all(font["emb"] or font["name"] in STANDARD_FONTS for font in pdf.fonts)


def test_the_person_sees_their_id_number_masked_and_the_same_code(sent, poppler):
    t, me, officer = sent
    with translation.override("en"):
        pdf = poppler(transfer_sheet_pdf(transfer=t, viewer=me))
    assert t.person.id_number not in pdf and t.person.id_number_masked in pdf
    assert "Transferred out of" in pdf and "480.00" in pdf
    assert IssuedDocument.objects.filter(person=t.person).count() == 1  # printed again: one record, one code
