"""Uploads are judged by their content: a PDF with active content is refused (415), an image
with more pixels than the limit is refused from its header alone (422), an honest scan passes."""

import datetime as dt
import io
import struct
import zlib

import pytest
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from medpause.cases.content import pdf_active_content, validate_content
from medpause.cases.services import application_create, document_add
from medpause.common.dates import today
from medpause.common.errors import DomainError
from tests.factories import PNG_1PX, make_person, make_user, pdf_bytes

pytestmark = pytest.mark.django_db


def _writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def _bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_document_javascript() -> bytes:
    """Document-level JavaScript, in the catalogue's name tree (run when the file opens)."""
    writer = _writer()
    script = writer._add_object(DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                                  NameObject("/JS"): TextStringObject("app.alert('hi');")}))
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("hello"), script])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})
    return _bytes(writer)


def pdf_opening_with(action: str) -> bytes:
    writer = _writer()
    if action == "javascript":
        act = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                NameObject("/JS"): TextStringObject("app.alert(1)")})
    else:
        act = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(act)
    return _bytes(writer)


def pdf_with_a_launching_link() -> bytes:
    """The action hides in a page's link annotation, an indirect object two steps down."""
    writer = _writer()
    launch = writer._add_object(DictionaryObject({NameObject("/S"): NameObject("/Launch"),
                                                  NameObject("/F"): TextStringObject("cmd.exe")}))
    annotation = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(10), NumberObject(10)]),
        NameObject("/A"): launch,
    }))
    writer.pages[0][NameObject("/Annots")] = ArrayObject([annotation])
    return _bytes(writer)


def pdf_with_an_attachment() -> bytes:
    writer = _writer()
    writer.add_attachment("invoice.exe", b"MZ\x90\x00")
    return _bytes(writer)


def pdf_opening_at_its_first_page() -> bytes:
    """An /OpenAction that only says where to open (what many scanners write): harmless."""
    writer = _writer()
    page = writer.pages[0].indirect_reference
    writer._root_object[NameObject("/OpenAction")] = ArrayObject([page, NameObject("/Fit")])
    return _bytes(writer)


def encrypted_pdf() -> bytes:
    writer = _writer()
    writer.encrypt(user_password="secret", owner_password="owner")
    return _bytes(writer)


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height pixels and whose data is one broken chunk: only
    a reader that stops at the header can tell how big it claims to be."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = lambda kind, body: (struct.pack(">I", len(body)) + kind + body  # noqa: E731
                                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"\x78\x9c") + chunk(b"IEND", b"")


@pytest.mark.parametrize("make, found", [
    (pdf_with_document_javascript, "/JavaScript"),
    (lambda: pdf_opening_with("javascript"), "/OpenAction /JavaScript"),
    (lambda: pdf_opening_with("launch"), "/OpenAction /Launch"),
    (pdf_with_a_launching_link, "/A /Launch"),
    (pdf_with_an_attachment, "/EmbeddedFiles"),
], ids=["document-js", "open-js", "open-launch", "link-launch", "attachment"])
def test_a_pdf_with_active_content_is_refused(make, found):
    data = make()
    assert found in pdf_active_content(data)
    with pytest.raises(DomainError) as caught:
        validate_content(data)
    assert (caught.value.code, caught.value.status) == ("unsupported_file_type", 415)
    assert caught.value.details["reason"] == "active" and found in caught.value.details["found"]


def test_honest_pdfs_pass():
    assert validate_content(pdf_bytes("身份证")) == "application/pdf"
    assert validate_content(pdf_opening_at_its_first_page()) == "application/pdf"
    assert pdf_active_content(pdf_opening_at_its_first_page()) == []


def test_an_encrypted_or_broken_pdf_cannot_be_judged_and_is_refused():
    for data in (encrypted_pdf(), b"%PDF-1.7\n1 0 obj <<>> garbage\n%%EOF"):
        with pytest.raises(DomainError) as caught:
            validate_content(data)
        assert caught.value.status == 415 and caught.value.details["reason"] == "unreadable"


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real 8×8 JPEG whose frame header is rewritten to claim width × height pixels."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    data = bytearray(out.getvalue())
    at = data.index(b"\xff\xc0")
    data[at + 5:at + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return bytes(data)


def test_a_jpeg_over_the_pixel_limit_is_refused_from_its_frame_header():
    with pytest.raises(DomainError) as caught:
        validate_content(jpeg_claiming(65000, 65000))
    assert caught.value.code == "image_too_large" and caught.value.details["pixels"] == 65000 * 65000
    assert validate_content(jpeg_claiming(8, 8)) == "image/jpeg"


def test_an_image_over_the_pixel_limit_is_refused_from_its_header(settings):
    settings.MEDPAUSE_MAX_IMAGE_PIXELS = 40_000_000
    with pytest.raises(DomainError) as caught:
        validate_content(png_claiming(8000, 5001))  # 40,008,000 pixels, data far too short to decode
    assert (caught.value.code, caught.value.status) == ("image_too_large", 422)
    assert caught.value.details == {"pixels": 40_008_000, "max_pixels": 40_000_000}
    # exactly at the limit: not refused for its size (its chunks' checksums are right, and the
    # pixels are never decoded here)
    assert validate_content(png_claiming(8000, 5000)) == "image/png"
    assert validate_content(PNG_1PX) == "image/png"


def test_the_service_and_the_api_refuse_active_pdfs(client):
    person = make_person("310000", category="flexible")
    user = make_user("individual", person=person)
    app = application_create(actor=user, kind="stop", person=person, reason="flexible_pause", start_date=today(),
                             end_date=today() + dt.timedelta(days=60))
    with pytest.raises(DomainError):
        document_add(actor=user, application=app, kind="id_card", data=pdf_with_document_javascript())
    assert not app.documents.exists()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from medpause.accounts.services import token_issue

    answer = client.post(
        f"/api/v1/applications/{app.pk}/documents",
        {"kind": "id_card", "file": SimpleUploadedFile("id.pdf", pdf_opening_with("launch"))},
        HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}",
    )
    assert answer.status_code == 415 and answer.json()["error"]["code"] == "unsupported_file_type"
    big = client.post(
        f"/api/v1/applications/{app.pk}/documents",
        {"kind": "id_card", "file": SimpleUploadedFile("id.png", png_claiming(20000, 20000))},
        HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}",
    )
    assert big.status_code == 422 and big.json()["error"]["code"] == "image_too_large"
    assert not app.documents.exists()
