"""Verification codes: random, unguessable, stored with what they certify; the same content
keeps its code, new content gets a new one; an unknown code is not found."""

import datetime as dt
import re

import pytest
from django.utils import translation

from medpause.common.errors import NotFound
from medpause.common.masking import mask_name
from medpause.coverage.services import contribution_record
from medpause.printing import certificate_pdf
from medpause.printing.layout import qr_code
from medpause.printing.models import IssuedDocument
from medpause.printing.selectors import issued_document_by_code, verification_of
from medpause.printing.services import document_issue
from medpause.printing.verification import ALPHABET, format_code, new_code, normalize_code, verify_url
from tests.factories import bureau_viewer, make_person
from tests.printing.test_certificates import code_of, past_months

pytestmark = pytest.mark.django_db


def test_codes_are_sixteen_random_characters_without_look_alikes():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 16 and set(c) <= set(ALPHABET) for c in codes)
    assert not set("01ILO") & set(ALPHABET)
    assert len(set("".join(codes))) == len(ALPHABET)  # every character is drawn


def test_a_code_is_read_back_however_it_was_typed():
    code = "7WKEK3VEVP4NRUFK"
    assert format_code(code) == "7WKE-K3VE-VP4N-RUFK"
    for typed in (code, "7wke-k3ve-vp4n-rufk", " 7WKE K3VE VP4N RUFK ", "7wkek3vevp4nrufk"):
        assert normalize_code(typed) == code
    for wrong in ("", None, "7WKE-K3VE-VP4N", "7WKEK3VEVP4NRUFKX", "0WKEK3VEVP4NRUFK", "../../etc/passwd", "x" * 500):
        assert normalize_code(wrong) is None


def test_issuing_the_same_content_twice_keeps_one_record_and_new_content_gets_another(settings):
    person = make_person("110000", name="张伟")
    first = document_issue(kind="payment", person=person, region=person.region, fields={"total": "1.00"})
    again = document_issue(kind="payment", person=person, region=person.region, fields={"total": "1.00"})
    other = document_issue(kind="payment", person=person, region=person.region, fields={"total": "2.00"})
    participation = document_issue(kind="participation", person=person, region=person.region,
                                   fields={"total": "1.00"})
    assert first.pk == again.pk and first.code == again.code
    assert len({first.code, other.code, participation.code}) == 3
    assert IssuedDocument.objects.filter(person=person).count() == 3
    assert re.fullmatch("[0-9a-f]{64}", first.digest) and first.digest != other.digest


def test_a_certificate_is_recorded_with_its_code_and_what_it_certifies(read_pdf):
    person = make_person("110000", category="employee", name="王小明")
    contribution_record(person=person, month=past_months(1)[0])
    with translation.override("zh-hans"):
        pdf = read_pdf(certificate_pdf(person=person, kind="payment", base_url="http://bureau.example/", viewer=bureau_viewer()))
    code = code_of(pdf)
    issued = IssuedDocument.objects.get(code=code)
    assert (issued.kind, issued.person, issued.region, issued.application) == ("payment", person, person.region, None)
    assert code not in issued.digest and issued.digest not in pdf.text  # the code is not derived from the content
    assert "http://bureau.example/verify/" in pdf  # where to enter the code, printed under the QR code
    # the participation certificate of the same person the same day is another document
    other = code_of(read_pdf(certificate_pdf(person=person, kind="participation", viewer=bureau_viewer())))
    assert other != code


def test_the_qr_code_points_at_the_public_page_of_the_code(settings):
    settings.MEDPAUSE_PUBLIC_URL = ""
    assert verify_url("7WKEK3VEVP4NRUFK", base_url="http://10.0.0.5:8000/") == "http://10.0.0.5:8000/verify/7WKEK3VEVP4NRUFK/"
    settings.MEDPAUSE_PUBLIC_URL = "https://ybj.example.gov.cn"  # behind a proxy, the configured address wins
    assert verify_url("7WKEK3VEVP4NRUFK", base_url="http://10.0.0.5:8000/") == (
        "https://ybj.example.gov.cn/verify/7WKEK3VEVP4NRUFK/"
    )
    drawing = qr_code("https://ybj.example.gov.cn/verify/7WKEK3VEVP4NRUFK/", size=80)
    assert (drawing.width, drawing.height) == (80, 80)
    assert drawing.contents[0].value == "https://ybj.example.gov.cn/verify/7WKEK3VEVP4NRUFK/"


def test_what_a_code_confirms_masks_the_person():
    person = make_person("310000", category="flexible", name="李小娜")
    issued = document_issue(kind="participation", person=person, region=person.region, fields={"a": 1})
    info = verification_of(code=format_code(issued.code).lower())
    assert info["valid"] is True and info["code"] == issued.code
    assert info["kind"] == "participation" and info["region"] == person.region
    assert info["issued_at"] == issued.issued_at
    assert info["person_masked"] == f"李** ({person.id_number_masked})"
    assert person.id_number not in info["person_masked"] and "小娜" not in info["person_masked"]


@pytest.mark.parametrize("code", ["7WKEK3VEVP4NRUFK", "not a code", ""])
def test_an_unknown_code_is_not_found(code):
    with pytest.raises(NotFound) as exc:
        issued_document_by_code(code=code)
    assert exc.value.code == "unknown_verification_code"


def test_names_are_masked_after_the_first_character():
    assert mask_name("张伟") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name(" 王 ") == "*"
    assert mask_name("") == ""


def test_the_digest_does_not_depend_on_the_language():
    person = make_person("110000", name="王小明", issued_on=dt.date(2024, 3, 1))
    with translation.override("en"):
        certificate_pdf(person=person, kind="participation", viewer=bureau_viewer())
    with translation.override("zh-hans"):
        certificate_pdf(person=person, kind="participation", viewer=bureau_viewer())
    assert IssuedDocument.objects.filter(person=person, kind="participation").count() == 1
