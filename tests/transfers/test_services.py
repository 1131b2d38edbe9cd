"""Transfers between regions through the services: the cover written by sending and taking in,
the waiting period at the policy's limit and one day past it, the balance moving once, who may
act, and refusal."""

import datetime as dt
from decimal import Decimal

import pytest

from medpause.audit.models import AuditEvent
from medpause.cases.models import Suspension
from medpause.common.dates import add_months, month_start, today
from medpause.common.errors import Conflict, Forbidden, NotFound, Refused
from medpause.coverage.account import balance_of
from medpause.coverage.models import AccountEntry
from medpause.coverage.selectors import eligibility
from medpause.coverage.services import contribution_record
from medpause.registry.models import Card, Person
from medpause.transfers.models import Transfer, TransferEvent
from medpause.transfers.selectors import transfer_get, transfer_queue
from medpause.transfers.services import transfer_receive, transfer_refuse, transfer_request, transfer_send
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture
def people():
    person = make_person("110000", name="张伟")
    Card.objects.filter(person=person).update(issued_on=today() - dt.timedelta(days=400))
    for n in (2, 1):
        contribution_record(person=person, month=add_months(month_start(today()), -n))
    return {
        "person": Person.objects.get(pk=person.pk),
        "bj": make_user("officer", region="110000"),
        "sh": make_user("officer", region="310000"),
        "wh": make_user("officer", region="420100"),
        "self": make_user("individual", person=person),
        "admin": make_user("admin"),
    }


def _moved(people, date, to="310000"):
    t = transfer_request(actor=people["self"], person_id=people["person"].pk, to_region=to, date=date)
    transfer_send(actor=people["bj"], transfer_id=t.pk)
    return transfer_receive(actor=people["sh"], transfer_id=t.pk)


def test_the_whole_transfer_moves_cover_card_and_balance(people):
    person, date = people["person"], today()
    old_number, balance = person.card.number, balance_of(person_id=person.pk)
    assert balance > 0
    t = transfer_request(actor=people["self"], person_id=person.pk, to_region="310000", date=date)
    assert t.status == "requested" and t.from_region.code == "110000" and t.out_due > today()
    t = transfer_send(actor=people["bj"], transfer_id=t.pk)
    assert t.status == "sent" and t.in_due > today() and t.balance_moved == balance
    # the old place's cover ends the day before `date`
    assert eligibility(card_number=old_number, day=date)[1].status == "terminated"
    assert eligibility(card_number=old_number, day=date - DAY)[1].status == "active"
    assert balance_of(person_id=person.pk) == Decimal("0.00")
    t = transfer_receive(actor=people["sh"], transfer_id=t.pk)
    person.refresh_from_db()
    card = Card.objects.get(person=person)
    assert t.status == "received" and person.region.code == "310000"
    assert card.number.startswith("310000") and card.number != old_number == t.old_card_number
    assert t.new_card_number == card.number
    assert eligibility(card_number=card.number, day=date)[1].status == "active"
    assert eligibility(card_number=old_number, day=date)[1].status == "unknown"
    assert not Suspension.objects.filter(person=person).exists()
    assert balance_of(person_id=person.pk) == balance
    kinds = dict(AccountEntry.objects.filter(person=person, kind__startswith="transfer").values_list("kind", "amount"))
    assert kinds == {"transfer_out": -balance, "transfer_in": balance}
    assert list(TransferEvent.objects.filter(transfer=t).values_list("action", "to_status")) == [
        ("request", "requested"), ("send", "sent"), ("receive", "received")]
    assert AuditEvent.objects.filter(action__startswith="transfer.").count() == 3


@pytest.mark.parametrize("extra_days, waits", [(0, False), (1, True)])
def test_a_break_of_exactly_the_limit_waits_for_nothing_one_day_more_waits(people, extra_days, waits):
    person, date = people["person"], month_start(today())
    start = add_months(date, -3) - dt.timedelta(days=extra_days)  # Shanghai: 3 months without a wait
    stop = Suspension.objects.create(person=person, region=person.region, reason="unemployment", start_date=start)
    t = _moved(people, date)
    stop.refresh_from_db()
    assert stop.end_date == date - DAY
    number = Card.objects.get(person=person).number
    if waits:
        assert t.benefits_from == stop.benefits_from == add_months(date, 6)
        assert eligibility(card_number=number, day=date)[1].status == "waiting"
        assert eligibility(card_number=number, day=add_months(date, 6))[1].status == "active"
    else:
        assert t.benefits_from is None and stop.benefits_from is None
        assert eligibility(card_number=number, day=date)[1].status == "active"


def test_same_region_ended_cover_and_bad_dates_are_refused(people):
    person = people["person"]
    with pytest.raises(Refused) as e:
        transfer_request(actor=people["bj"], person_id=person.pk, to_region="110000", date=today())
    assert e.value.code == "same_region"
    with pytest.raises(Refused) as e:
        transfer_request(actor=people["bj"], person_id=person.pk, to_region="310000", date=add_months(today(), 4))
    assert e.value.code == "invalid_dates"
    with pytest.raises(NotFound) as e:
        transfer_request(actor=people["bj"], person_id=person.pk, to_region="999999", date=today())
    assert e.value.code == "unknown_region"
    Suspension.objects.create(person=person, region=person.region, reason="death", terminating=True,
                              start_date=today() - DAY)
    with pytest.raises(Refused) as e:
        transfer_request(actor=people["bj"], person_id=person.pk, to_region="310000", date=today())
    assert e.value.code == "not_transferable"


def test_who_may_request_send_and_receive(people):
    person = people["person"]
    with pytest.raises(NotFound):  # an officer of the destination cannot see the person yet
        transfer_request(actor=people["sh"], person_id=person.pk, to_region="310000", date=today())
    t = transfer_request(actor=people["bj"], person_id=person.pk, to_region="310000", date=today())
    with pytest.raises(Conflict) as e:
        transfer_request(actor=people["self"], person_id=person.pk, to_region="420100", date=today())
    assert e.value.code == "transfer_open"
    with pytest.raises(Forbidden):
        transfer_send(actor=people["sh"], transfer_id=t.pk)
    with pytest.raises(NotFound):
        transfer_send(actor=people["wh"], transfer_id=t.pk)
    with pytest.raises(NotFound):
        transfer_get(user=people["wh"], transfer_id=t.pk)
    with pytest.raises(Forbidden):
        transfer_send(actor=people["self"], transfer_id=t.pk)
    with pytest.raises(Conflict) as e:
        transfer_receive(actor=people["sh"], transfer_id=t.pk)
    assert e.value.code == "invalid_transition"
    queue = transfer_queue(user=people["bj"], region_id=person.region_id)
    assert [x.pk for x in queue.outgoing] == [t.pk] and queue.incoming == []
    transfer_send(actor=people["bj"], transfer_id=t.pk)
    assert [x.pk for x in transfer_queue(user=people["sh"], region_id=t.to_region_id).incoming] == [t.pk]


def test_the_balance_moves_exactly_once(people):
    person = people["person"]
    balance = balance_of(person_id=person.pk)
    t = _moved(people, today())
    for service, officer in ((transfer_send, "bj"), (transfer_receive, "sh")):
        with pytest.raises((Conflict, NotFound)):
            service(actor=people[officer], transfer_id=t.pk)
    assert AccountEntry.objects.filter(person=person, kind="transfer_in").count() == 1
    assert AccountEntry.objects.filter(person=person, kind="transfer_out").count() == 1
    assert balance_of(person_id=person.pk) == balance


def test_the_new_place_refusing_a_sent_transfer_gives_the_old_place_everything_back(people):
    person, date = people["person"], today()
    stop = Suspension.objects.create(person=person, region=person.region, reason="unemployment",
                                     start_date=date - dt.timedelta(days=40))
    balance = balance_of(person_id=person.pk)
    t = transfer_request(actor=people["self"], person_id=person.pk, to_region="310000", date=date)
    transfer_send(actor=people["bj"], transfer_id=t.pk)
    with pytest.raises(Conflict):
        transfer_refuse(actor=people["bj"], transfer_id=t.pk, reason="已转出")
    with pytest.raises(Refused):
        transfer_refuse(actor=people["sh"], transfer_id=t.pk, reason="  ")
    t = transfer_refuse(actor=people["sh"], transfer_id=t.pk, reason="材料不全")
    stop.refresh_from_db()
    assert t.status == "refused" and t.refusal_reason == "材料不全"
    assert stop.end_date is None
    assert list(Suspension.objects.filter(person=person).values_list("pk", flat=True)) == [stop.pk]
    assert balance_of(person_id=person.pk) == balance
    # refused: a new transfer may be asked for
    assert transfer_request(actor=people["self"], person_id=person.pk, to_region="420100", date=date).pk != t.pk


def test_the_old_place_may_refuse_a_request(people):
    t = transfer_request(actor=people["self"], person_id=people["person"].pk, to_region="310000", date=today())
    t = transfer_refuse(actor=people["bj"], transfer_id=t.pk, reason="人员信息有误")
    assert t.status == "refused" and Transfer.objects.get(pk=t.pk).refused_by == people["bj"]
    assert not Suspension.objects.filter(person=people["person"]).exists()


def test_the_person_is_told_of_each_move_in_their_language(people):
    from django.utils import translation

    from medpause.notices.models import Notice
    from medpause.notices.texts import notice_text

    t = transfer_request(actor=people["self"], person_id=people["person"].pk, to_region="310000", date=today())
    transfer_send(actor=people["bj"], transfer_id=t.pk)
    transfer_refuse(actor=people["sh"], transfer_id=t.pk, reason="材料不全")
    sent, refused = Notice.objects.filter(person=people["person"]).order_by("id")
    assert (sent.code, refused.code) == ("transfer.send", "transfer.refuse")
    with translation.override("en"):
        assert "Beijing" in notice_text(sent) and "Shanghai" in notice_text(sent)
    with translation.override("zh-hans"):
        text = notice_text(refused)
    assert "北京" in text and "上海" in text and "材料不全" in text and "%(" not in text
