"""Builders of valid domain objects for tests and the demo: real check digits, real services."""

from __future__ import annotations

import datetime as dt
import itertools

from stdnum.cn import ric, uscc

from medpause.accounts.services import user_create
from medpause.policy.models import Region
from medpause.registry.services import person_register, unit_register

_seq = itertools.count(1)

# a real county code (GB/T 2260) in each region, for birth places that python-stdnum accepts
COUNTY = {"110000": "110105", "310000": "310104", "420100": "420102", "510100": "510104", "450300": "450302"}


def id_number(region: str = "110105", born: dt.date = dt.date(1992, 3, 14), seq: int | None = None) -> str:
    """A resident ID number with a correct MOD 11-2 check character."""
    n = next(_seq) if seq is None else seq
    body = f"{region}{born:%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def uscc_code(seq: int | None = None) -> str:
    n = next(_seq) if seq is None else seq
    body = f"91110000{n:09d}"
    return body + uscc.calc_check_digit(body)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def make_unit(region_code: str = "110000", name: str = "Test Unit", **kw):
    return unit_register(
        name=name, uscc=kw.pop("uscc", None) or uscc_code(), region=region(region_code),
        legal_representative_name=kw.pop("legal_representative_name", "张法人"),
        legal_representative_id_number=kw.pop("legal_representative_id_number", None) or id_number(),
    )


def make_person(region_code: str = "110000", category: str = "employee", unit=None, name: str = "王小明", **kw):
    if category == "employee" and unit is None:
        unit = make_unit(region_code)
    return person_register(
        name=name, id_number=kw.pop("id_number", None) or id_number(COUNTY.get(region_code, "110105")),
        region=region(region_code), category=category, unit=unit,
        contribution_base=kw.pop("contribution_base", "8000.00"), **kw,
    )


def make_user(role: str, username: str | None = None, password: str = "correct-horse-9", **kw):
    if role == "officer" and "region" in kw and isinstance(kw["region"], str):
        kw["region"] = region(kw["region"])
    return user_create(username=username or f"{role}{next(_seq)}", password=password, role=role, **kw)


def png_bytes(size: tuple[int, int] = (4, 4)) -> bytes:
    from io import BytesIO

    from PIL import Image

    buf = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


PNG_1PX = png_bytes()


def pdf_bytes(text: str = "test") -> bytes:
    from io import BytesIO

    from reportlab.pdfgen import canvas

    buf = BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, text)
    c.save()
    return buf.getvalue()


def bureau_viewer():
    """An administrator to print as: sees every person and application (printing takes the viewer
    whose scope the caller fetched the object through)."""
    from medpause.accounts.models import User

    return User.objects.filter(username="bureau-viewer").first() or make_user("admin", username="bureau-viewer")
