"""POST /api/v1/eligibility/bulk: many cards on one date, in the order asked, in a constant
number of queries."""

import datetime as dt

import pytest

from medpause.cases.models import Suspension
from medpause.common.dates import today
from medpause.registry.models import Card, Person
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db


def _bulk(world, numbers, day=None, role="institution"):
    body = {"card_numbers": numbers}
    if day:
        body["date"] = day
    return world.api[role].post("/eligibility/bulk", body)


def test_results_in_the_order_asked_with_unknown_cards(world):
    Suspension.objects.create(person=world.sh_flex, region=world.sh_flex.region, reason="flexible_pause",
                              start_date=today() - dt.timedelta(days=2))
    asked = [world.sh_flex.card.number, "0000000000", world.bj_employee.card.number, world.sh_flex.card.number]
    r = _bulk(world, asked)
    assert r.status_code == 200
    body = r.json()
    assert body["date"] == today().isoformat()
    assert [x["card_number"] for x in body["results"]] == asked
    assert [x["status"] for x in body["results"]] == ["suspended", "unknown", "active", "suspended"]
    assert [x["eligible"] for x in body["results"]] == [False, False, True, False]
    assert all(set(x) == {"card_number", "eligible", "status", "benefits_from"} for x in body["results"])
    assert world.sh_flex.name not in r.content.decode()


def test_each_answer_is_the_single_eligibility_answer(world):
    Suspension.objects.create(person=world.sh_flex, region=world.sh_flex.region, reason="flexible_pause",
                              start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 5, 31),
                              benefits_from=dt.date(2025, 12, 1))
    cards = [world.sh_flex.card.number, world.bj_employee.card.number, "42"]
    for day in ["2025-03-01", "2025-07-01", "2025-12-01"]:
        bulk = _bulk(world, cards, day).json()
        assert bulk["date"] == day
        single = [world.api["institution"].get("/eligibility", {"card_number": c, "date": day}).json() for c in cards]
        assert bulk["results"] == [{k: v for k, v in s.items() if k != "date"} for s in single]


def test_a_thousand_cards_are_answered_and_a_thousand_and_one_refused(world):
    numbers = [f"X{i:09d}" for i in range(999)] + [world.bj_employee.card.number]
    r = _bulk(world, numbers)
    assert r.status_code == 200 and len(r.json()["results"]) == 1000
    assert r.json()["results"][-1]["status"] == "active"
    r = _bulk(world, numbers + ["one-more"])
    assert r.status_code == 422
    error = error_of(r)
    assert error["code"] == "too_many_cards" and error["details"] == {"limit": 1000, "given": 1001}


@pytest.mark.parametrize("body", [{"card_numbers": []}, {}, {"card_numbers": "123"}, {"card_numbers": [""]},
                                  {"card_numbers": ["1" * 33]}, {"card_numbers": ["1"], "date": "2025-02-30"}])
def test_malformed_questions_are_400(world, body):
    r = world.api["institution"].post("/eligibility/bulk", body)
    assert r.status_code == 400 and error_of(r)["code"] == "invalid_input"


@pytest.mark.parametrize("role, status", [("officer", 403), ("unit_agent", 403), ("individual", 403), ("admin", 200)])
def test_institutions_and_admins_only(world, role, status):
    assert _bulk(world, ["1"], role=role).status_code == status


def test_a_constant_number_of_queries_whatever_the_count(world, django_assert_max_num_queries):
    region = world.bj_employee.region
    people = Person.objects.bulk_create([
        Person(name=f"p{i}", id_number=f"B{i:017d}", region=region, category="flexible", contribution_base="1")
        for i in range(300)
    ])
    Card.objects.bulk_create([Card(person=p, number=f"B{p.pk:012d}", issued_on=today()) for p in people])
    Suspension.objects.bulk_create([
        Suspension(person=p, region=region, reason="flexible_pause", start_date=today()) for p in people[::2]
    ])
    numbers = list(Card.objects.filter(number__startswith="B").values_list("number", flat=True))
    assert _bulk(world, numbers[:1]).status_code == 200  # the token is cached from here on
    for count in (1, 10, 300):
        with django_assert_max_num_queries(1):
            r = _bulk(world, numbers[:count] + ["unknown"] * (1000 - count))
        statuses = [x["status"] for x in r.json()["results"][:count]]
        assert statuses == ["suspended" if i % 2 == 0 else "active" for i in range(count)]
