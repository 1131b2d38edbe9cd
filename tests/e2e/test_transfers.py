"""A transfer between regions in the browser, on a phone: Beijing's officer sends it from the
workbench queue (in Chinese), Shanghai's officer takes it in (in English); each page fits 320 px."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import PASSWORD, goto, sign_in
from tests.e2e.test_phone_pages import OVERFLOW


@pytest.fixture
def moving(transactional_db):
    from medpause.common.dates import today
    from medpause.transfers.services import transfer_request
    from tests.factories import make_person, make_user

    person = make_person("110000", name="张伟")
    me = make_user("individual", person=person, password=PASSWORD)
    make_user("officer", username="officer.bj", region="110000", password=PASSWORD)
    make_user("officer", username="officer.sh", region="310000", password=PASSWORD)
    return transfer_request(actor=me, person_id=person.pk, to_region="310000", date=today())


def _fits(page) -> None:
    page.set_viewport_size({"width": 320, "height": 720})
    measured = page.evaluate(OVERFLOW)
    assert measured["fits"], f"{page.url} at 320 px: {measured}"
    page.set_viewport_size({"width": 390, "height": 844})


def test_send_and_take_in_from_the_workbench_on_a_phone(page_for, moving):
    from medpause.transfers.models import Transfer

    page = page_for("zh-CN")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "officer.bj")
    goto(page, "/officer/transfers/")
    assert "待转出" in page.content()
    _fits(page)
    page.get_by_role("link", name="张伟").click()
    page.wait_for_url(f"**/officer/transfers/{moving.pk}/")
    _fits(page)
    page.locator("#send-button").click()
    page.wait_for_url(f"**/officer/transfers/{moving.pk}/")
    assert "已办理转出" in page.content()
    assert Transfer.objects.get(pk=moving.pk).status == "sent"

    other = page_for("en")
    other.set_viewport_size({"width": 390, "height": 844})
    sign_in(other, "officer.sh")
    goto(other, "/officer/transfers/")
    assert "Incoming: to take in" in other.content()
    other.get_by_role("link", name="张伟").click()
    other.wait_for_url(f"**/officer/transfers/{moving.pk}/")
    other.locator("#receive-button").click()
    other.wait_for_url(f"**/officer/transfers/{moving.pk}/")
    assert "The transfer was taken in" in other.content()
    _fits(other)
    assert Transfer.objects.get(pk=moving.pk).status == "received"
