"""Two settlements from one person's account at the same instant, for a balance that covers only
one of them, on PostgreSQL with real threads and connections: one is accepted, the other is
409 insufficient_balance, and the account is debited once (the person's row lock, ADR 0014);
and one settlement retried at once by two threads debits once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from medpause.accounts.services import token_issue
from medpause.common.dates import add_months, month_start, today
from medpause.coverage.account import balance_of
from medpause.coverage.models import AccountEntry, Settlement
from medpause.coverage.services import contribution_record
from medpause.registry.models import Card
from tests.api.conftest import Api
from tests.cases.test_concurrency import _submit_together
from tests.factories import make_person, make_user

ROUNDS = 12

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent writers need PostgreSQL (SQLite serialises every writer)")


def _funded():
    person = make_person("310000", category="flexible", contribution_base="8000.00")  # 200.00 a month
    Card.objects.filter(person=person).update(issued_on=today() - dt.timedelta(days=400))
    contribution_record(person=person, month=add_months(month_start(today()), -1))
    return person


def _body(person, reference, amount):
    return {"card_number": person.card.number, "date": today().isoformat(), "amount": amount,
            "institution_reference": reference, "fund": "personal_account"}


def test_two_settlements_racing_for_one_balance_one_is_accepted():
    hospital = Api(token_issue(user=make_user("institution", institution_name="医院")))
    for round_ in range(ROUNDS):
        person = _funded()
        responses = _submit_together([
            lambda p=person, n=round_: hospital.post("/settlements", _body(p, f"A{n}", "150.00")),
            lambda p=person, n=round_: hospital.post("/settlements", _body(p, f"B{n}", "120.00")),
        ])
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201, 409], f"round {round_}: {[(r.status_code, r.json()) for r in responses]}"
        assert next(r for r in responses if r.status_code == 409).json()["error"]["code"] == "insufficient_balance"
        accepted = next(r for r in responses if r.status_code == 201).json()
        assert balance_of(person_id=person.pk) == Decimal("200.00") - Decimal(accepted["amount"])
        assert AccountEntry.objects.filter(person=person, kind="settlement").count() == 1


def test_one_settlement_sent_twice_at_once_debits_once():
    hospital = Api(token_issue(user=make_user("institution", institution_name="医院")))
    for round_ in range(ROUNDS):
        person = _funded()
        responses = _submit_together([
            lambda p=person, n=round_: hospital.post("/settlements", _body(p, f"R{n}", "80.00")) for _ in range(2)])
        assert sorted(r.status_code for r in responses) == [201, 201], [r.content for r in responses]
        assert len({r.json()["id"] for r in responses}) == 1
        assert Settlement.objects.filter(person=person).count() == 1
        assert balance_of(person_id=person.pk) == Decimal("120.00")


def test_one_back_payment_recorded_paid_twice_at_once_is_paid_once():
    from medpause.cases.models import Suspension
    from medpause.coverage.backpay import back_payment_request

    officer = make_user("officer", region="310000")
    api = Api(token_issue(user=officer))
    for round_ in range(ROUNDS // 2):
        person = make_person("310000", category="flexible")
        Suspension.objects.create(person=person, region=person.region, reason="flexible_pause",
                                  start_date=add_months(month_start(today()), -3).replace(day=15),
                                  end_date=add_months(month_start(today()), -1).replace(day=14))
        months = add_months(month_start(today()), -2), add_months(month_start(today()), -1)
        bill = back_payment_request(actor=officer, person_id=person.pk, from_month=f"{months[0]:%Y-%m}",
                                    to_month=f"{months[1]:%Y-%m}")
        responses = _submit_together([lambda b=bill: api.post(f"/back-payments/{b.pk}/paid") for _ in range(2)])
        assert sorted(r.status_code for r in responses) == [200, 409], f"round {round_}"
        assert AccountEntry.objects.filter(person=person, kind="back_payment").count() == 2
