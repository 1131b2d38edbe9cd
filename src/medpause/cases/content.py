"""Uploads judged by their content, never by their name: what a file is (PDF, JPEG, PNG, by its
first bytes), and whether it is safe to keep and show.

- A PDF must parse and carry no active content: JavaScript (/JavaScript, /JS), launching a
  program (/Launch), embedded files (/EmbeddedFile, /EmbeddedFiles), rich media or XFA forms,
  actions run on opening or on events (/OpenAction or /AA to a script or a launch). Every object
  reachable from the document's trailer is visited, compressed object streams included.
- An image is read only as far as its header says how many pixels it has: over
  MEDPAUSE_MAX_IMAGE_PIXELS (about 40 Mpx) it is refused without being decoded."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from medpause.common.errors import DomainError

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
ACTIVE_KEYS = frozenset({"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"})
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToE", "/Rendition"})
MAX_PDF_OBJECTS = 200_000  # a document with more is not one a person scanned


def sniff_content_type(head: bytes) -> str | None:
    """The type of a file judged by its first bytes, never by its name."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def unsupported(reason: str = "type") -> DomainError:
    message = {
        "type": _("Only PDF, JPEG and PNG files can be uploaded."),
        "active": _("This PDF contains active content (scripts, launch actions or embedded files), which is "
                    "not accepted: print it to a new PDF or scan the paper document."),
        "unreadable": _("This PDF cannot be read (it may be damaged or encrypted): save it again or scan the "
                        "paper document."),
    }[reason]
    return DomainError("unsupported_file_type", message, status=415, details={"reason": reason})


def max_image_pixels() -> int:
    return int(getattr(settings, "MEDPAUSE_MAX_IMAGE_PIXELS", 40_000_000))


def pdf_active_content(data: bytes) -> list[str]:
    """The active-content names found in a PDF (empty: none). Raises ValueError if it does not
    parse or is encrypted."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        raise ValueError("encrypted")
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(node, DictionaryObject):
            for name, value in node.items():
                if name in ACTIVE_KEYS:
                    found.add(str(name))
                if name in ("/OpenAction", "/AA", "/A", "/Next"):
                    action = value.get_object() if isinstance(value, IndirectObject) else value
                    kind = action.get("/S") if isinstance(action, DictionaryObject) else None
                    if isinstance(kind, NameObject) and kind in ACTIVE_ACTIONS:
                        found.add(f"{name} {kind}")
                if name != "/Parent":  # pages point back at their tree: nothing new up there
                    stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return sorted(found)


SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # JPEG frame headers (not DHT/JPG/DAC)


def image_pixels(data: bytes, content_type: str) -> int:
    """Width × height read from the header bytes themselves, before any image library looks at
    the file (a library may refuse or start decoding a huge one): PNG's IHDR, JPEG's frame header.
    ValueError if there is none."""
    if content_type == PNG:
        if len(data) < 24 or data[12:16] != b"IHDR":
            raise ValueError("no IHDR")
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        return width * height
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            raise ValueError("not a JPEG marker")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        length = int.from_bytes(data[at + 2:at + 4], "big")
        if marker in SOF_MARKERS and at + 9 <= len(data):
            height, width = int.from_bytes(data[at + 5:at + 7], "big"), int.from_bytes(data[at + 7:at + 9], "big")
            return width * height
        at += 2 + length
    raise ValueError("no frame header")


def validate_content(data: bytes) -> str:
    """The content type of an upload, or 415 / 422 with why it is refused."""
    content_type = sniff_content_type(data[:16])
    if content_type is None:
        raise unsupported()
    if content_type == PDF:
        if b"%%EOF" not in data[-2048:]:
            raise unsupported()
        try:
            active = pdf_active_content(data)
        except Exception as exc:  # noqa: BLE001 - any parser failure: we cannot say it is safe
            raise unsupported("unreadable") from exc
        if active:
            error = unsupported("active")
            error.details["found"] = active
            raise error
        return content_type
    from PIL import Image

    limit = max_image_pixels()
    try:
        pixels = image_pixels(data, content_type)
    except ValueError as exc:  # the header cannot be read: not a usable image
        raise unsupported() from exc
    if pixels > limit:
        raise DomainError(
            "image_too_large",
            _("The image has more than %(mpx)d million pixels: scan it again at a lower resolution (300 dpi is "
              "enough).") % {"mpx": limit // 1_000_000},
            status=422, details={"pixels": pixels, "max_pixels": limit},
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()  # chunk by chunk, checksums, without decoding the pixels
    except Exception as exc:  # noqa: BLE001 - any decoder failure means "not a usable image"
        raise unsupported() from exc
    return content_type
