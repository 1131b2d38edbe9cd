"""The personal account: each recorded month credits it once by the region's shares; a
settlement from the account (fund personal_account) debits it once, also during a stop where
the policy keeps the account usable, while the balance covers the amount."""

import datetime as dt
from decimal import Decimal

import pytest

from medpause.common.dates import add_months, month_start, today
from medpause.coverage import services
from medpause.coverage.account import balance_of, entries_of
from medpause.coverage.models import AccountEntry, Settlement
from medpause.coverage.services import contribution_record, settlement_create
from medpause.registry.models import Card
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db


def months_ago(n: int) -> dt.date:
    return add_months(month_start(today()), -n)


def funded(person, months: int = 1):
    """`months` months recorded before this one; card issued a year ago."""
    Card.objects.filter(person=person).update(issued_on=today() - dt.timedelta(days=400))
    for n in range(months, 0, -1):
        contribution_record(person=person, month=months_ago(n))
    return person


@pytest.fixture
def hospital():
    return make_user("institution", institution_name="北京协和医院")


def settle(hospital, person, amount, ref, fund="personal_account", on=None):
    return settlement_create(institution=hospital, card_number=person.card.number, date=on or today(), amount=amount,
                             institution_reference=ref, fund=fund)


def test_an_employees_month_credits_the_employee_share_only():
    # Beijing: base 8000, employee 2% = 160.00, employer 9% = 720.00; 国办发〔2021〕14号: the
    # employee's own premium, nothing of the employer's
    person = funded(make_person("110000", contribution_base="8000.00"))
    [entry] = entries_of(person_id=person.pk)
    assert (entry.kind, entry.amount, entry.date) == ("contribution", Decimal("160.00"), months_ago(1))
    assert balance_of(person_id=person.pk) == Decimal("160.00")


def test_a_flexible_workers_month_credits_a_quarter_of_the_whole():
    person = funded(make_person("310000", category="flexible", contribution_base="8000.00"), months=2)
    # Shanghai: flexible 10% of 8000 = 800.00, a quarter of it (the bureau's setting)
    assert [e.amount for e in entries_of(person_id=person.pk)] == [Decimal("200.00")] * 2
    assert balance_of(person_id=person.pk) == Decimal("400.00")


def test_a_month_recorded_twice_credits_once():
    person = funded(make_person("310000", category="flexible"))
    contribution_record(person=person, month=months_ago(1))
    assert AccountEntry.objects.filter(person=person).count() == 1


def test_a_person_without_months_has_a_zero_balance():
    assert balance_of(person_id=make_person("110000").pk) == Decimal("0.00")


def test_the_balance_exactly_covering_the_amount_settles_one_fen_short_does_not(hospital):
    person = funded(make_person("110000"))  # 160.00
    short, _ = settle(hospital, person, "160.01", "short")
    assert (short.status, short.refusal_code) == ("refused", "insufficient_balance")
    assert balance_of(person_id=person.pk) == Decimal("160.00")
    exact, _ = settle(hospital, person, "160.00", "exact")
    assert (exact.status, exact.fund) == ("accepted", "personal_account")
    assert balance_of(person_id=person.pk) == Decimal("0.00")
    debit = AccountEntry.objects.get(person=person, kind="settlement")
    assert (debit.amount, debit.date) == (Decimal("-160.00"), today())
    again, _ = settle(hospital, person, "0.01", "after")
    assert again.refusal_code == "insufficient_balance"


def test_the_pooled_fund_does_not_touch_the_account(hospital):
    person = funded(make_person("110000"))
    s, _ = settle(hospital, person, "500.00", "pooled", fund="pooled")
    assert s.status == "accepted" and s.fund == "pooled"
    assert balance_of(person_id=person.pk) == Decimal("160.00")


def _stopped(person):
    from medpause.cases.models import Suspension

    return Suspension.objects.create(person=person, region=person.region, reason="flexible_pause",
                                     start_date=today() - dt.timedelta(days=3))


def test_during_a_stop_the_account_pays_while_pooled_is_refused(hospital):
    person = funded(make_person("310000", category="flexible"))  # 200.00
    _stopped(person)
    pooled, _ = settle(hospital, person, "50.00", "p", fund="pooled")
    assert pooled.refusal_code == "card_suspended"
    paid, _ = settle(hospital, person, "50.00", "a")
    assert paid.status == "accepted"
    short, _ = settle(hospital, person, "150.01", "b")
    assert short.refusal_code == "insufficient_balance"
    assert balance_of(person_id=person.pk) == Decimal("150.00")


def test_where_the_policy_closes_the_account_during_a_stop_the_usual_refusal(hospital, monkeypatch):
    person = funded(make_person("310000", category="flexible"))
    _stopped(person)
    real = services.policy_in_force

    def closed(**kw):
        pv, policy = real(**kw)
        account = policy.personal_account.model_copy(update={"usable_during_stop": False})
        return pv, policy.model_copy(update={"personal_account": account})

    monkeypatch.setattr(services, "policy_in_force", closed)
    s, _ = settle(hospital, person, "10.00", "closed")
    assert (s.status, s.refusal_code) == ("refused", "card_suspended")
    assert balance_of(person_id=person.pk) == Decimal("200.00")


def test_an_ended_insurance_or_unknown_card_never_pays_from_the_account(hospital):
    from medpause.cases.models import Suspension

    person = funded(make_person("310000", category="flexible"))
    Suspension.objects.create(person=person, region=person.region, reason="death", terminating=True,
                              start_date=today() - dt.timedelta(days=1))
    s, _ = settle(hospital, person, "10.00", "t")
    assert s.refusal_code == "card_terminated"
    unknown, _ = settlement_create(institution=hospital, card_number="0000000000", date=today(), amount="1.00",
                                   institution_reference="u", fund="personal_account")
    assert unknown.refusal_code == "unknown_card"


def test_a_retry_replays_and_debits_once_another_fund_is_a_reused_key(hospital):
    from medpause.common.errors import Refused

    person = funded(make_person("110000"))
    first, created = settle(hospital, person, "100.00", "R")
    again, created_again = settle(hospital, person, "100.00", "R")
    assert created and not created_again and again.pk == first.pk
    assert balance_of(person_id=person.pk) == Decimal("60.00")
    with pytest.raises(Refused) as refused:
        settle(hospital, person, "100.00", "R", fund="pooled")
    assert refused.value.code == "idempotency_key_reused"
    assert Settlement.objects.filter(institution=hospital).count() == 1
    # a refusal replays as a refusal, even once the balance would cover it
    no, _ = settle(hospital, person, "70.00", "N")
    contribution_record(person=person, month=months_ago(2))
    replay, created = settle(hospital, person, "70.00", "N")
    assert not created and replay.refusal_code == "insufficient_balance" and replay.pk == no.pk


def test_an_unknown_fund_is_refused(hospital):
    from medpause.common.errors import Refused

    person = funded(make_person("110000"))
    with pytest.raises(Refused) as refused:
        settle(hospital, person, "1.00", "F", fund="bank")
    assert refused.value.code == "invalid_fund"
