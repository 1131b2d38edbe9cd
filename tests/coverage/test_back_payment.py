"""Back-payment (补缴): only months of a break (stopped on the month's first day, nothing paid),
not in the future, of a break no longer than the policy's max_gap_months; the amount from the
base and the region's rates, a unit's late fee (SIL Art. 86); once paid the months are insured,
the account is credited, the waiting period is lifted and care in those months settles."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest

from medpause.cases.models import Suspension
from medpause.common.dates import add_months, month_start, today
from medpause.common.errors import Conflict, NotFound, Refused
from medpause.coverage.account import balance_of, entries_of
from medpause.coverage.backpay import back_payment_pay, back_payment_quote, back_payment_request, gap_offer
from medpause.coverage.selectors import card_status_on, eligibility
from medpause.coverage.services import contribution_record, settlement_create
from medpause.registry.models import Card, Contribution
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db


def month(n: int) -> dt.date:
    """The first day of the month n months before this one."""
    return add_months(month_start(today()), -n)


def break_of(person, first_gap: int, last_gap: int, *, benefits_from=None, open_=False):
    """A stop whose first stopped month-start is `first_gap` months ago and last `last_gap`
    months ago: from the 15th of the month before the first to the 14th of the last's."""
    Card.objects.filter(person=person).update(issued_on=today() - dt.timedelta(days=900))
    start = month(first_gap + 1).replace(day=15)
    end = None if open_ else month(last_gap).replace(day=14)
    return Suspension.objects.create(person=person, region=person.region, reason="unpaid_leave", start_date=start,
                                     end_date=end, benefits_from=benefits_from)


def ym(n: int) -> str:
    return f"{month(n):%Y-%m}"


@pytest.fixture
def officer():
    return make_user("officer", region="110000")


def test_an_employees_three_month_break_costs_both_shares_and_the_units_late_fee(officer):
    person = make_person("110000", contribution_base="8000.00")  # Beijing: 720.00 + 160.00 a month
    break_of(person, 4, 2)
    bill = back_payment_request(actor=officer, person_id=person.pk, from_month=ym(4), to_month=ym(2))
    assert (bill.status, bill.amount) == ("due", Decimal("2640.00"))
    # 0.05% a day on each month's 880.00 from the day after the month's last day (due) to today
    days = [(today() - (add_months(month(n), 1) - dt.timedelta(days=1))).days for n in (4, 3, 2)]
    expected = sum(Decimal("880.00") * Decimal("0.0005") * d for d in days).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert bill.late_fee == expected and bill.late_fee > 0


def test_a_flexible_worker_pays_the_flexible_rate_and_no_late_fee():
    person = make_person("310000", category="flexible", contribution_base="8000.00")  # Shanghai 10%
    break_of(person, 2, 1)
    me = make_user("individual", person=person)
    bill = back_payment_request(actor=me, person_id=person.pk, from_month=ym(2), to_month=ym(1))
    assert (bill.amount, bill.late_fee) == (Decimal("1600.00"), Decimal("0.00"))


def test_the_last_month_of_the_allowed_break_and_one_month_more(officer):
    allowed = make_person("110000")
    break_of(allowed, 5, 3)  # three stopped month-starts: the national limit
    assert back_payment_request(actor=officer, person_id=allowed.pk, from_month=ym(5), to_month=ym(3)).status == "due"
    longer = make_person("110000")
    break_of(longer, 6, 3)  # four
    with pytest.raises(Refused) as refused:
        back_payment_request(actor=officer, person_id=longer.pk, from_month=ym(6), to_month=ym(3))
    assert refused.value.code == "back_payment_not_allowed"
    assert refused.value.details == {"gap_months": 4, "max_gap_months": 3}
    # a part of the too-long break is refused all the same: the break is what counts
    with pytest.raises(Refused) as refused:
        back_payment_request(actor=officer, person_id=longer.pk, from_month=ym(5), to_month=ym(4))
    assert refused.value.details["gap_months"] == 4


@pytest.mark.parametrize("first, last, why", [
    (3, 3, "insured"),  # the month before the break: covered on its first day
    (2, 0, "insured"),  # the month after it
    (-1, -1, "future"),
])
def test_months_outside_a_break_are_refused(officer, first, last, why):
    person = make_person("110000")
    break_of(person, 2, 1)
    with pytest.raises(Refused) as refused:
        back_payment_request(actor=officer, person_id=person.pk, from_month=ym(first), to_month=ym(last))
    assert refused.value.code == "back_payment_not_allowed"


def test_a_month_already_paid_is_not_a_gap(officer):
    person = make_person("110000")
    break_of(person, 2, 1)
    Contribution.objects.create(person=person, month=month(2), base=8000, employer_amount=720, employee_amount=160,
                                policy_version="x")
    with pytest.raises(Refused):
        back_payment_request(actor=officer, person_id=person.pk, from_month=ym(2), to_month=ym(1))
    assert back_payment_request(actor=officer, person_id=person.pk, from_month=ym(1), to_month=ym(1)).status == "due"


@pytest.mark.parametrize("first, last", [("2025-13", "2026-01"), ("0000-01", "0000-02"), ("9999-12", "0001-01"),
                                         ("2025-1", "2025-02"), ("x\x00", "2025-01")])
def test_bad_months_are_refused_cleanly(officer, first, last):
    person = make_person("110000")
    with pytest.raises(Refused):
        back_payment_request(actor=officer, person_id=person.pk, from_month=first, to_month=last)


def test_a_far_range_is_refused_without_walking_it(officer):
    person = make_person("110000")
    with pytest.raises(Refused) as refused:
        back_payment_request(actor=officer, person_id=person.pk, from_month="0001-01", to_month=ym(0))
    assert refused.value.code == "back_payment_not_allowed"


def test_paying_insures_the_months_credits_the_account_lifts_the_wait_and_settles_care(officer):
    person = make_person("110000")
    contribution_record(person=person, month=month(5))
    stop = break_of(person, 4, 2, benefits_from=today() + dt.timedelta(days=90))
    in_gap = month(3) + dt.timedelta(days=9)
    before_gap = month(5).replace(day=20)  # stopped, but not in a month that can be back-paid
    assert card_status_on(person=person, day=in_gap).status == "suspended"
    assert card_status_on(person=person, day=today()).status == "waiting"
    bill = back_payment_request(actor=officer, person_id=person.pk, from_month=ym(4), to_month=ym(2))
    back_payment_pay(actor=officer, back_payment_id=bill.pk)
    assert set(Contribution.objects.filter(person=person).values_list("month", flat=True)) == {
        month(5), month(4), month(3), month(2)}
    kinds = [e.kind for e in entries_of(person_id=person.pk)]
    assert kinds.count("back_payment") == 3 and balance_of(person_id=person.pk) == Decimal("640.00")
    stop.refresh_from_db()
    assert stop.benefits_from is None
    assert card_status_on(person=person, day=today()).status == "active"
    _card, status = eligibility(card_number=person.card.number, day=in_gap)
    assert status.status == "active"
    assert eligibility(card_number=person.card.number, day=before_gap)[1].status == "suspended"
    hospital = make_user("institution", institution_name="医院")
    s, _ = settlement_create(institution=hospital, card_number=person.card.number, date=in_gap, amount="99.00",
                             institution_reference="gap")
    assert s.status == "accepted"
    with pytest.raises(Conflict) as twice:
        back_payment_pay(actor=officer, back_payment_id=bill.pk)
    assert twice.value.code == "already_paid"


def test_where_the_policy_does_not_restore_care_the_months_are_insured_but_care_stays_refused(officer, monkeypatch):
    from medpause.coverage import backpay

    real = backpay.policy_in_force

    def no_care(**kw):
        pv, policy = real(**kw)
        rule = policy.back_payment.model_copy(update={"restores_care_in_gap": False})
        return pv, policy.model_copy(update={"back_payment": rule})

    monkeypatch.setattr(backpay, "policy_in_force", no_care)
    person = make_person("110000")
    break_of(person, 2, 1)
    bill = back_payment_request(actor=officer, person_id=person.pk, from_month=ym(2), to_month=ym(1))
    back_payment_pay(actor=officer, back_payment_id=bill.pk)
    assert Contribution.objects.filter(person=person).count() == 2
    assert eligibility(card_number=person.card.number, day=month(2) + dt.timedelta(days=3))[1].status == "suspended"


def test_a_second_bill_for_months_paid_meanwhile_is_a_conflict(officer):
    person = make_person("110000")
    break_of(person, 2, 1)
    first = back_payment_request(actor=officer, person_id=person.pk, from_month=ym(2), to_month=ym(1))
    second = back_payment_request(actor=officer, person_id=person.pk, from_month=ym(1), to_month=ym(1))
    back_payment_pay(actor=officer, back_payment_id=first.pk)
    with pytest.raises(Conflict):
        back_payment_pay(actor=officer, back_payment_id=second.pk)


def test_rights(officer):
    person = make_person("110000")
    break_of(person, 2, 1)
    elsewhere = make_user("officer", region="310000")
    with pytest.raises(NotFound):
        back_payment_request(actor=elsewhere, person_id=person.pk, from_month=ym(2), to_month=ym(1))
    agent = make_user("unit_agent", unit=person.unit)
    bill = back_payment_request(actor=agent, person_id=person.pk, from_month=ym(2), to_month=ym(1))
    with pytest.raises(NotFound):
        back_payment_pay(actor=elsewhere, back_payment_id=bill.pk)
    from medpause.common.errors import Forbidden

    with pytest.raises(Forbidden):
        back_payment_pay(actor=agent, back_payment_id=bill.pk)


def test_the_offer_for_a_current_stop_counts_its_months_so_far():
    person = make_person("310000", category="flexible", contribution_base="8000.00")
    break_of(person, 1, 0, open_=True)  # stopped on the 15th two months ago, still stopped
    offer = gap_offer(person=person)
    assert offer.months == (month(1), month(0)) and offer.amount == Decimal("1600.00") and offer.allowed
    long = make_person("310000", category="flexible")
    break_of(long, 5, 0, open_=True)
    offer = gap_offer(person=long)
    assert len(offer.months) == 6 and not offer.allowed
    assert gap_offer(person=make_person("310000", category="flexible")) is None


def test_the_quote_for_a_past_break_equals_the_bill(officer):
    person = make_person("110000")
    break_of(person, 3, 2)
    quote = back_payment_quote(person=person, from_month=month(3), to_month=month(2))
    bill = back_payment_request(actor=officer, person_id=person.pk, from_month=ym(3), to_month=ym(2))
    assert (quote.amount, quote.late_fee) == (bill.amount, bill.late_fee)
