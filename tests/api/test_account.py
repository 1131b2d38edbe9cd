"""GET /api/v1/persons/{id}/account and settlements with `fund` through the API; the account on
the person's own page and the officer's person page."""

import datetime as dt

import pytest
from django.test import Client

from medpause.common.dates import add_months, month_start, today
from medpause.coverage.services import contribution_record
from medpause.registry.models import Card
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db


def funded(person, months=1):
    Card.objects.filter(person=person).update(issued_on=today() - dt.timedelta(days=400))
    for n in range(months, 0, -1):
        contribution_record(person=person, month=add_months(month_start(today()), -n))
    return person


def test_the_account_answers_balance_and_entries(world):
    person = funded(world.bj_employee, months=2)
    r = world.api["individual"].get(f"/persons/{person.pk}/account")
    assert r.status_code == 200
    body = r.json()
    assert body["balance"] == "320.00"
    assert [e["kind"] for e in body["entries"]] == ["contribution", "contribution"]
    assert body["entries"][0] == {"date": add_months(month_start(today()), -1).isoformat(), "kind": "contribution",
                                  "amount": "160.00"}


@pytest.mark.parametrize("who, status", [
    ("officer", 200), ("unit_agent", 200), ("individual", 200), ("admin", 200),
    ("officer_sh", 404), ("unit_agent_sh", 404), ("individual_sh", 404), ("institution", 403),
])
def test_who_sees_the_account(world, who, status):
    r = world.api[who].get(f"/persons/{world.bj_employee.pk}/account")
    assert r.status_code == status
    if status != 200:
        assert error_of(r)["code"] == {404: "not_found", 403: "forbidden"}[status]


@pytest.mark.parametrize("person_id", ["0", "99999999", "abc", "9" * 30])
def test_an_unknown_person_is_404_or_400_never_500(world, person_id):
    r = world.api["officer"].get(f"/persons/{person_id}/account")
    assert r.status_code in (400, 404)
    error_of(r)


def _settle(world, person, amount, ref, fund=None):
    body = {"card_number": person.card.number, "date": today().isoformat(), "amount": amount,
            "institution_reference": ref}
    if fund is not None:
        body["fund"] = fund
    return world.api["institution"].post("/settlements", body)


def test_settlement_from_the_account_through_the_api(world):
    person = funded(world.sh_flex)  # Shanghai flexible 8000 x 10% x 1/4 = 200.00
    r = _settle(world, person, "200.00", "A-1", "personal_account")
    assert r.status_code == 201 and r.json()["fund"] == "personal_account"
    short = _settle(world, person, "0.01", "A-2", "personal_account")
    assert short.status_code == 409 and error_of(short)["code"] == "insufficient_balance"
    assert world.api["individual_sh"].get(f"/persons/{person.pk}/account").json()["balance"] == "0.00"
    replay = _settle(world, person, "200.00", "A-1", "personal_account")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    reused = _settle(world, person, "200.00", "A-1", "pooled")
    assert reused.status_code == 422 and error_of(reused)["code"] == "idempotency_key_reused"
    default = _settle(world, person, "10.00", "A-3")
    assert default.status_code == 201 and default.json()["fund"] == "pooled"


@pytest.mark.parametrize("fund", ["bank", 1, None, ""])
def test_a_bad_fund_is_a_clean_4xx(world, fund):
    person = funded(world.sh_flex)
    r = world.api["institution"].post("/settlements", {
        "card_number": person.card.number, "date": today().isoformat(), "amount": "1.00",
        "institution_reference": "B", "fund": fund})
    assert 400 <= r.status_code < 500
    error_of(r)


def test_the_person_and_the_officer_see_the_account_on_their_pages(world):
    person = funded(world.bj_employee)
    me = Client()
    me.force_login(world.users["individual"])
    for language, words in (("en", "Personal account"), ("zh-hans", "个人账户")):
        page = me.get("/me/coverage/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert words in page and 'id="account-balance">160.00<' in page
    officer = Client()
    officer.force_login(world.users["officer"])
    page = officer.get(f"/officer/persons/{person.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Personal account" in text and 'id="account-balance">160.00<' in text
    assert "Month&#x27;s contribution credited" in text or "Month's contribution credited" in text


# --- back-payment -------------------------------------------------------------------------


def _break(person, first_gap, last_gap, benefits_from=None):
    from medpause.cases.models import Suspension

    Card.objects.filter(person=person).update(issued_on=today() - dt.timedelta(days=900))
    return Suspension.objects.create(
        person=person, region=person.region, reason="unpaid_leave",
        start_date=add_months(month_start(today()), -(first_gap + 1)).replace(day=15),
        end_date=add_months(month_start(today()), -last_gap).replace(day=14), benefits_from=benefits_from)


def _ym(n):
    return f"{add_months(month_start(today()), -n):%Y-%m}"


def test_back_payment_through_the_api(world):
    person = world.bj_employee
    stop = _break(person, 3, 1, benefits_from=today() + dt.timedelta(days=60))
    r = world.api["unit_agent"].post(f"/persons/{person.pk}/back-payments", {"from_month": _ym(3), "to_month": _ym(1)})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["months"] == [_ym(3), _ym(2), _ym(1)] and body["amount"] == "2640.00" and body["status"] == "due"
    assert set(body) == {"id", "months", "amount", "late_fee", "status"} and float(body["late_fee"]) > 0
    assert world.api["unit_agent"].post(f"/back-payments/{body['id']}/paid").status_code == 403
    assert world.api["officer_sh"].post(f"/back-payments/{body['id']}/paid").status_code == 404
    paid = world.api["officer"].post(f"/back-payments/{body['id']}/paid")
    assert paid.status_code == 200 and paid.json() == {"status": "paid"}
    again = world.api["officer"].post(f"/back-payments/{body['id']}/paid")
    assert again.status_code == 409 and error_of(again)["code"] == "already_paid"
    stop.refresh_from_db()
    assert stop.benefits_from is None
    in_gap = (add_months(month_start(today()), -2) + dt.timedelta(days=4)).isoformat()
    answer = world.api["institution"].get("/eligibility", {"card_number": person.card.number, "date": in_gap}).json()
    assert answer["status"] == "active"
    account = world.api["individual"].get(f"/persons/{person.pk}/account").json()
    assert [e["kind"] for e in account["entries"]].count("back_payment") == 3


@pytest.mark.parametrize("first, last", [(4, 1), (1, 0), (-1, -1)])
def test_back_payment_not_allowed_is_422(world, first, last):
    person = world.bj_employee
    _break(person, 3, 1)
    r = world.api["individual"].post(f"/persons/{person.pk}/back-payments",
                                     {"from_month": _ym(first), "to_month": _ym(last)})
    assert r.status_code == 422 and error_of(r)["code"] == "back_payment_not_allowed"


@pytest.mark.parametrize("body", [{"from_month": "2025-1", "to_month": "2025-02"}, {"from_month": 202501},
                                  {"from_month": "2025-13", "to_month": "2025-13"},
                                  {"from_month": "2025-01\u0000", "to_month": "2025-02"}])
def test_back_payment_bad_bodies_are_clean_4xx(world, body):
    r = world.api["officer"].post(f"/persons/{world.bj_employee.pk}/back-payments", body)
    assert 400 <= r.status_code < 500
    error_of(r)


def test_back_payment_for_someone_out_of_reach_is_404(world):
    _break(world.bj_employee, 2, 1)
    for who in ("officer_sh", "unit_agent_sh", "individual_sh"):
        r = world.api[who].post(f"/persons/{world.bj_employee.pk}/back-payments",
                                {"from_month": _ym(2), "to_month": _ym(1)})
        assert r.status_code == 404
    assert world.api["institution"].post(f"/persons/{world.bj_employee.pk}/back-payments",
                                         {"from_month": _ym(2), "to_month": _ym(1)}).status_code == 403
    assert world.api["officer"].post("/back-payments/99999999/paid").status_code == 404


def test_the_portal_offers_the_back_payment_of_a_current_stop_before_anyone_asks(world):
    from medpause.cases.models import Suspension

    person = world.sh_flex  # Shanghai flexible, base 8000 x 10% = 800.00 a month
    Card.objects.filter(person=person).update(issued_on=today() - dt.timedelta(days=900))
    Suspension.objects.create(person=person, region=person.region, reason="flexible_pause",
                              start_date=add_months(month_start(today()), -2).replace(day=15))
    me = Client()
    me.force_login(world.users["individual_sh"])
    for path in ("/me/", "/me/coverage/"):
        page = me.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'id="back-payment-amount">1600.00<' in page, path
        assert "2 months of your break" in page and "No waiting period follows a break of up to 3 months" in page
    zh = me.get("/me/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "补缴" in zh and "1600.00" in zh


def test_the_portal_says_when_a_break_is_too_long_to_back_pay(world):
    from medpause.cases.models import Suspension

    person = world.sh_flex
    Card.objects.filter(person=person).update(issued_on=today() - dt.timedelta(days=900))
    Suspension.objects.create(person=person, region=person.region, reason="flexible_pause",
                              start_date=add_months(month_start(today()), -5).replace(day=15),
                              end_date=add_months(month_start(today()), -1).replace(day=14),
                              benefits_from=today() + dt.timedelta(days=60))
    me = Client()
    me.force_login(world.users["individual_sh"])
    page = me.get("/me/coverage/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your break has lasted 4 months, longer than the 3 months" in page
    assert "back-payment-amount" not in page


def test_no_offer_without_a_stop(world):
    me = Client()
    me.force_login(world.users["individual"])
    assert 'id="back-payment"' not in me.get("/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
