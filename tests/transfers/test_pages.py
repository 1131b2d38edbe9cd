"""The workbench's transfer pages: each region's queue with its deadlines, the transfer's page
and its actions, in Chinese and English; a transfer out of reach is not found."""

import pytest
from django.test import Client

from medpause.common.dates import today
from medpause.transfers.models import Transfer
from medpause.transfers.services import transfer_request
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    person = make_person("110000", name="张伟")
    me = make_user("individual", person=person)
    t = transfer_request(actor=me, person_id=person.pk, to_region="310000", date=today())
    clients = {}
    for name, region in (("bj", "110000"), ("sh", "310000"), ("wh", "420100")):
        client = Client()
        client.force_login(make_user("officer", region=region))
        clients[name] = client
    return t, clients


def test_the_queues_show_the_transfer_on_each_side(setup):
    t, c = setup
    page = c["bj"].get("/officer/transfers/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "转移接续" in page and "张伟" in page and "待转出" in page
    outgoing, incoming = page.split('id="incoming-title"')
    assert f"/officer/transfers/{t.pk}/" in outgoing and "10" in outgoing
    assert t.person.id_number not in page  # masked in lists
    english = c["sh"].get("/officer/transfers/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No transfer is waiting to be taken in." in english and "张伟" not in english
    assert c["wh"].get(f"/officer/transfers/{t.pk}/").status_code == 404


def test_send_receive_and_refuse_through_the_pages(setup):
    t, c = setup
    r = c["bj"].get(f"/officer/transfers/{t.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200 and 'id="send-button"' in r.content.decode()
    assert 'id="receive-button"' not in r.content.decode()
    r = c["sh"].post(f"/officer/transfers/{t.pk}/send/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 403 and "forbidden" in r.content.decode()
    r = c["bj"].post(f"/officer/transfers/{t.pk}/send/")
    assert r.status_code == 302 and Transfer.objects.get(pk=t.pk).status == "sent"
    r = c["sh"].post(f"/officer/transfers/{t.pk}/refuse/", {"reason": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 422 and "请填写拒绝理由" in r.content.decode()
    r = c["sh"].post(f"/officer/transfers/{t.pk}/receive/")
    assert r.status_code == 302 and Transfer.objects.get(pk=t.pk).status == "received"
    page = c["sh"].get(f"/officer/transfers/{t.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已转入" in page and 'id="refuse-button"' not in page


def test_the_persons_coverage_pages_and_certificate_show_both_regions(setup, tmp_path):
    from django.utils import translation

    from medpause.printing.certificates import certificate_pdf
    from medpause.transfers.services import transfer_receive, transfer_send
    from tests.printing.conftest import Pdf

    t, c = setup
    bj, sh = make_user("officer", region="110000"), make_user("officer", region="310000")
    transfer_send(actor=bj, transfer_id=t.pk)
    transfer_receive(actor=sh, transfer_id=t.pk)
    page = c["sh"].get(f"/officer/persons/{t.person_id}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    table = page.split('id="transfers-table"')[1].split("</table>")[0]
    assert "北京" in table and "上海" in table and "已转入" in table
    me = Client()
    me.force_login(t.requested_by)
    mine = me.get("/me/coverage/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="transfers-table"' in mine and "Beijing" in mine and "Shanghai" in mine
    with translation.override("zh-hans"):
        pdf = Pdf(certificate_pdf(person=t.person, kind="participation", viewer=sh))
    assert "转移接续" in pdf and "北京" in pdf and "上海" in pdf and "已转入" in pdf
