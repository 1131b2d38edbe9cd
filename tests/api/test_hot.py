"""The served WSGI application (config/wsgi.py): the lean path of GET /eligibility and
POST /settlements gives exactly the answers of the django-ninja path (status, body, headers,
refusal codes, error shape, audit events), anything else goes to ninja; the 414 of over-long
request lines; the API's own middleware stack."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core import signals
from django.db import close_old_connections, connection, transaction
from django.test.utils import CaptureQueriesContext

from medpause.audit.models import AuditEvent
from medpause.cases.models import Suspension
from medpause.common.dates import today
from medpause.common.requestctx import well_formed
from medpause.config import wsgi
from medpause.registry.models import Card

pytestmark = pytest.mark.django_db


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


def environ(method: str, path: str, *, query: str = "", body=None, token: str | None = None, language="en",
            host: str = "testserver", content_type: str = "application/json", raw: bytes | None = None) -> dict:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
    env = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": host,
        "wsgi.input": io.BytesIO(data), "wsgi.url_scheme": "http", "wsgi.errors": io.StringIO(),
        "CONTENT_LENGTH": str(len(data)),
    }
    if data:
        env["CONTENT_TYPE"] = content_type
    if language:
        env["HTTP_ACCEPT_LANGUAGE"] = language
    if token:
        env["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return env


@contextmanager
def _in_test_transaction():
    """As django.test.Client does: the request signals must not close the test's connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def serve(app, env: dict) -> Answer:
    seen = {}
    with _in_test_transaction():
        chunks = app(env, lambda status, headers, exc_info=None: seen.update(status=status, headers=headers))
        body = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
    headers = dict(seen["headers"])
    assert len(headers) == len(seen["headers"]), "a header is sent twice"
    return Answer(int(seen["status"].split()[0]), headers, body)


@pytest.fixture
def fallbacks(monkeypatch):
    """Records each request the lean path handed to django-ninja."""
    calls = []
    ninja = wsgi.api.api

    def spy(env, start_response):
        calls.append(env["PATH_INFO"])
        return ninja(env, start_response)

    monkeypatch.setattr(wsgi.api, "api", spy)
    return calls


def _events_after(seq: int) -> list[tuple]:
    return [
        (e.action, e.actor_id, e.actor_username, e.actor_role, e.target_type, e.data)
        for e in AuditEvent.objects.filter(seq__gt=seq).order_by("seq")
    ]


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _normalised(answer: Answer) -> tuple:
    """Status, headers and body, with database ids (which a rolled-back insert may still have
    used up on PostgreSQL) replaced by a mark after checking they are ids."""
    body = answer.json()
    for holder, key in ((body, "id"), (body.get("error", {}).get("details", {}), "settlement_id")):
        if key in holder:
            assert isinstance(holder[key], int) and holder[key] > 0
            holder[key] = "<id>"
    headers = dict(answer.headers)
    assert int(headers.pop("Content-Length")) == len(answer.body)
    if "X-Request-ID" in headers:  # the WSGI wrapper's, around either path: a new id each time
        assert well_formed(headers.pop("X-Request-ID"))
    return answer.status, headers, body


def both(make_env, fallbacks) -> tuple[Answer, Answer]:
    """The answer of django-ninja (in a transaction rolled back afterwards) and of the served
    application to the same request on the same data; checks the lean path answered, and that
    both wrote the same audit events."""
    seq = _last_seq()
    with transaction.atomic():
        ninja = serve(_ninja(), make_env())
        ninja_events = _events_after(seq)
        transaction.set_rollback(True)
    handed_on = len(fallbacks)
    lean = serve(wsgi.application, make_env())
    assert len(fallbacks) == handed_on, "the lean path handed this request to ninja"
    assert _events_after(seq) == ninja_events
    assert _normalised(lean) == _normalised(ninja)
    return ninja, lean


def _ninja():
    from medpause.config.wsgi import ApiHandler

    return _NINJA.setdefault("handler", ApiHandler())


_NINJA: dict = {}


def insured(person, days: int = 400):
    Card.objects.filter(person=person).update(issued_on=today() - dt.timedelta(days=days))
    return person


def _suspend(person, **kw):
    return Suspension.objects.create(person=person, region=person.region, reason="flexible_pause", **kw)


# --- eligibility -----------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["active", "suspended", "terminated", "waiting", "unknown"])
@pytest.mark.parametrize("language", ["en", "zh-Hans", ""])
def test_eligibility_lean_answers_as_ninja_in_every_state(world, fallbacks, state, language):
    person = world.sh_flex
    if state == "suspended":
        _suspend(person, start_date=today() - dt.timedelta(days=3))
    elif state == "terminated":
        _suspend(person, start_date=today() - dt.timedelta(days=3), terminating=True)
    elif state == "waiting":
        _suspend(person, start_date=today() - dt.timedelta(days=400), end_date=today() - dt.timedelta(days=5),
                 benefits_from=today() + dt.timedelta(days=30))
    card = "0000000000" if state == "unknown" else person.card.number
    token = world.api["institution"].token
    _ninja_answer, lean = both(lambda: environ("GET", "/api/v1/eligibility", query=f"card_number={card}",
                                               token=token, language=language), fallbacks)
    assert lean.status == 200
    assert lean.json()["status"] == state and lean.json()["date"] == today().isoformat()
    assert lean.headers["Content-Language"] == ("en" if language == "en" else "zh-hans")


def test_eligibility_lean_with_a_date_and_for_an_admin(world, fallbacks):
    _suspend(world.bj_employee, start_date=dt.date(2025, 3, 1), end_date=dt.date(2025, 3, 31))
    card = world.bj_employee.card.number
    for role, day, status in [("institution", "2025-03-31", "suspended"), ("admin", "2025-04-01", "active")]:
        token = world.api[role].token
        _n, lean = both(lambda day=day, token=token: environ(
            "GET", "/api/v1/eligibility", query=f"card_number={card}&date={day}", token=token), fallbacks)
        assert (lean.json()["date"], lean.json()["status"]) == (day, status)


@pytest.mark.parametrize(
    "who, query, status, code",
    [
        (None, "card_number=123", 401, "not_authenticated"),
        ("officer", "card_number=123", 403, "forbidden"),
        ("individual", "card_number=123", 403, "forbidden"),
        ("institution", "", 400, "invalid_input"),
        ("institution", "card_number=" + "1" * 33, 400, "invalid_input"),
        ("institution", "card_number=123&date=2026-02-30", 400, "invalid_input"),
        ("institution", "card_number=123&date=26-1-1", 400, "invalid_input"),
        ("institution", "card_number=123&date=", 400, "invalid_input"),
    ],
)
def test_eligibility_refusals_are_ninjas_own(world, fallbacks, who, query, status, code):
    token = world.api[who].token if who else None
    answer = serve(wsgi.application, environ("GET", "/api/v1/eligibility", query=query, token=token))
    assert fallbacks == ["/api/v1/eligibility"]
    assert answer.status == status
    assert set(answer.json()) == {"error"} and answer.json()["error"]["code"] == code


def test_a_bad_token_and_a_bad_host_go_to_ninja(world, fallbacks):
    card = world.bj_employee.card.number
    bad = serve(wsgi.application, environ("GET", "/api/v1/eligibility", query=f"card_number={card}", token="mp_nope"))
    assert bad.status == 401 and bad.headers["WWW-Authenticate"] == 'Bearer realm="medpause"'
    host = serve(wsgi.application, environ("GET", "/api/v1/eligibility", query=f"card_number={card}",
                                           token=world.api["institution"].token, host="evil.example"))
    assert host.status == 400
    assert fallbacks == ["/api/v1/eligibility"] * 2


@pytest.mark.parametrize("query", ["card_number=%20{card}", "card_number={card}&extra=1",
                                   "card_number={card}&card_number={card}"])
def test_unusual_but_valid_questions_get_ninjas_answer(world, fallbacks, query):
    card = world.bj_employee.card.number
    token = world.api["institution"].token
    served = serve(wsgi.application, environ("GET", "/api/v1/eligibility", query=query.format(card=card), token=token))
    assert fallbacks == ["/api/v1/eligibility"]
    assert served.status == 200 and served.json()["status"] == "active"


def test_eligibility_costs_one_query_with_a_cached_token_and_two_without(world, fallbacks):
    from django.core.cache import caches

    card = world.bj_employee.card.number
    env = lambda: environ("GET", "/api/v1/eligibility", query=f"card_number={card}",  # noqa: E731
                          token=world.api["institution"].token)
    serve(wsgi.application, env())  # the token's last use is written once here
    caches["tokens"].clear()
    with CaptureQueriesContext(connection) as cold:
        assert serve(wsgi.application, env()).status == 200
    with CaptureQueriesContext(connection) as warm:
        assert serve(wsgi.application, env()).status == 200
    assert len(cold) == 2, [q["sql"] for q in cold]
    assert len(warm) == 1, [q["sql"] for q in warm]
    assert not any(q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT")) for q in [*cold, *warm])
    assert fallbacks == []


# --- settlements -----------------------------------------------------------------------------


def _settlement(world, card, day=None, reference="R-1", amount="123.45", language="en", token=None):
    body = {"card_number": card, "date": (day or today()).isoformat(), "amount": amount,
            "institution_reference": reference}
    return lambda: environ("POST", "/api/v1/settlements", body=body, language=language,
                           token=token or world.api["institution"].token)


@pytest.mark.parametrize("state, status, code", [
    ("active", 201, None), ("suspended", 409, "card_suspended"), ("terminated", 409, "card_terminated"),
    ("waiting", 409, "waiting_period"), ("unknown", 409, "unknown_card"),
])
def test_settlement_lean_answers_as_ninja_and_audits_the_same(world, fallbacks, state, status, code):
    person = insured(world.sh_flex)
    if state == "suspended":
        _suspend(person, start_date=today() - dt.timedelta(days=3))
    elif state == "terminated":
        _suspend(person, start_date=today() - dt.timedelta(days=3), terminating=True)
    elif state == "waiting":
        _suspend(person, start_date=today() - dt.timedelta(days=300), end_date=today() - dt.timedelta(days=5),
                 benefits_from=today() + dt.timedelta(days=30))
    card = "9999999999" if state == "unknown" else person.card.number
    for language in ("en", "zh-Hans"):
        _n, lean = both(_settlement(world, card, reference=f"S-{language}", language=language), fallbacks)
        assert lean.status == status
        if code:
            assert lean.json()["error"]["code"] == code
        else:
            assert lean.json()["status"] == "accepted" and lean.json()["amount"] == "123.45"
        # the repeat replays the first answer, on both paths alike
        _n, again = both(_settlement(world, card, reference=f"S-{language}", language=language), fallbacks)
        assert again.status == status and again.headers["Idempotent-Replayed"] == "true"
        assert again.body == lean.body


@pytest.mark.parametrize("state, amount, status, code", [
    ("active", "200.00", 201, None), ("active", "200.01", 409, "insufficient_balance"),
    ("suspended", "200.00", 201, None), ("suspended", "200.01", 409, "insufficient_balance"),
    ("terminated", "1.00", 409, "card_terminated"), ("unknown", "1.00", 409, "unknown_card"),
])
@pytest.mark.parametrize("fund", ["personal_account", "pooled"])
def test_settlement_with_a_fund_lean_answers_as_ninja(world, fallbacks, state, amount, status, code, fund):
    """Both funds, on both paths: the same answers, audit events and debits (Shanghai flexible,
    one month recorded: 200.00 in the account)."""
    from medpause.common.dates import add_months, month_start
    from medpause.coverage.account import balance_of
    from medpause.coverage.services import contribution_record

    person = insured(world.sh_flex)
    contribution_record(person=person, month=add_months(month_start(today()), -1))
    if state in ("suspended", "terminated"):
        _suspend(person, start_date=today() - dt.timedelta(days=3), terminating=state == "terminated")
    if fund == "pooled":  # the pooled fund knows no balance: only the card's status counts
        status, code = {"active": (201, None), "suspended": (409, "card_suspended")}.get(state, (status, code))
    card = "9999999999" if state == "unknown" else person.card.number
    make = _settlement(world, card, reference="FUND", amount=amount)

    def with_fund():
        env = make()
        body = json.loads(env["wsgi.input"].getvalue())
        return environ("POST", "/api/v1/settlements", body={**body, "fund": fund},
                       token=world.api["institution"].token)

    _n, lean = both(with_fund, fallbacks)
    assert lean.status == status, lean.body
    if code:
        assert lean.json()["error"]["code"] == code
    else:
        assert lean.json()["fund"] == fund
    debited = fund == "personal_account" and status == 201
    assert balance_of(person_id=person.pk) == (Decimal("0.00") if debited else Decimal("200.00"))
    _n, again = both(with_fund, fallbacks)
    assert again.body == lean.body and again.headers["Idempotent-Replayed"] == "true"
    assert balance_of(person_id=person.pk) == (Decimal("0.00") if debited else Decimal("200.00"))


@pytest.mark.parametrize("case, code", [
    ("tomorrow", "invalid_care_date"), ("before_insured", "invalid_care_date"), ("reused", "idempotency_key_reused"),
    ("zero", "invalid_amount"),
])
def test_settlement_refusals_422_lean_as_ninja(world, fallbacks, case, code):
    person = insured(world.bj_employee, days=10)
    card = person.card.number
    if case == "reused":
        serve(wsgi.application, _settlement(world, card, reference="USED")())
        make = _settlement(world, card, reference="USED", amount="1.00")
    elif case == "tomorrow":
        make = _settlement(world, card, day=today() + dt.timedelta(days=1))
    elif case == "before_insured":
        make = _settlement(world, card, day=today() - dt.timedelta(days=11))
    else:
        make = _settlement(world, card, amount="0")
    _n, lean = both(make, fallbacks)
    assert lean.status == 422 and lean.json()["error"]["code"] == code


@pytest.mark.parametrize("change, status", [
    ({"amount": "12,50"}, 400), ({"amount": 12.5}, 400), ({"date": "2026-13-01"}, 400), ({"fund": "bank"}, 400),
    ({"institution_reference": ""}, 400), ({"card_number": ""}, 400), ("not json", 400), ([1, 2], 400),
])
def test_settlement_bodies_the_lean_path_does_not_take_get_ninjas_answer(world, fallbacks, change, status):
    person = insured(world.bj_employee)
    body = {"card_number": person.card.number, "date": today().isoformat(), "amount": "10.00",
            "institution_reference": "F-1"}
    if isinstance(change, dict):
        body.update(change)
        env = environ("POST", "/api/v1/settlements", body=body, token=world.api["institution"].token)
    else:
        raw = change.encode() if isinstance(change, str) else json.dumps(change).encode()
        env = environ("POST", "/api/v1/settlements", raw=raw, token=world.api["institution"].token)
    answer = serve(wsgi.application, env)
    assert fallbacks == ["/api/v1/settlements"]
    assert answer.status == status, answer.body
    if status >= 400:
        assert answer.json()["error"]["code"] == "invalid_input"


@pytest.mark.parametrize("length", ["", "abc", "99999"])
def test_odd_content_lengths_go_to_ninja(world, fallbacks, length):
    person = insured(world.bj_employee)
    make = _settlement(world, person.card.number)

    def env():
        environ = make()
        environ["CONTENT_LENGTH"] = length
        return environ

    with transaction.atomic():
        ninja = serve(_ninja(), env())
        transaction.set_rollback(True)
    answer = serve(wsgi.application, env())
    assert fallbacks == ["/api/v1/settlements"]
    assert answer.status == ninja.status


def test_settlement_by_another_role_gets_ninjas_403(world, fallbacks):
    person = insured(world.bj_employee)
    answer = serve(wsgi.application, _settlement(world, person.card.number, token=world.api["admin"].token)())
    assert answer.status == 403 and answer.json()["error"]["code"] == "forbidden"
    assert fallbacks == ["/api/v1/settlements"]


# --- the entry point -------------------------------------------------------------------------


def test_an_over_long_request_line_is_414_before_the_api(world, fallbacks):
    answer = serve(wsgi.application, environ("GET", "/api/v1/eligibility", query="card_number=" + "1" * 8200))
    assert answer.status == 414 and answer.headers["Content-Type"].startswith("text/html")
    assert fallbacks == []
    just_fits = 8190 - len("GET /api/v1/eligibility?card_number= HTTP/1.1")
    assert serve(wsgi.application, environ("GET", "/api/v1/eligibility",
                                           query="card_number=" + "1" * just_fits)).status == 401


def test_the_api_runs_without_the_pages_middleware(world):
    """No session cookie, no CSRF check on the API; pages keep theirs."""
    from django.conf import settings

    assert "django.contrib.sessions.middleware.SessionMiddleware" not in settings.MEDPAUSE_API_MIDDLEWARE
    token = world.api["officer"].token
    answer = serve(wsgi.application, environ("GET", "/api/v1/auth/me", token=token))
    assert answer.status == 200 and answer.json()["username"] == "officer.beijing"
    assert "Set-Cookie" not in answer.headers
    openapi = serve(wsgi.application, environ("GET", "/api/v1/openapi.json"))
    assert openapi.status == 200
    page = serve(wsgi.application, environ("GET", "/guide/"))
    assert page.status == 200 and "Content-Security-Policy" in page.headers


def test_the_openapi_description_of_the_hot_operations_is_ninjas(world):
    """Served through the entry point, the document is the one django-ninja generates."""
    from medpause.api.api import api

    served = serve(wsgi.application, environ("GET", "/api/v1/openapi.json")).json()
    generated = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), default=str))
    for path in ("/api/v1/eligibility", "/api/v1/settlements", "/api/v1/eligibility/bulk"):
        assert served["paths"][path] == generated["paths"][path]
    assert re.search(r"422", json.dumps(served["paths"]["/api/v1/settlements"]["post"]["responses"]))


def test_with_https_redirect_or_hsts_configured_every_request_goes_to_ninja(world, settings):
    from medpause.api.hot import HotPath

    settings.SECURE_HSTS_SECONDS = 3600
    handed_on = []

    def ninja(env, start_response):
        handed_on.append(env["PATH_INFO"])
        return _ninja()(env, start_response)

    answer = serve(HotPath(ninja), environ("GET", "/api/v1/eligibility",
                                           query=f"card_number={world.bj_employee.card.number}",
                                           token=world.api["institution"].token))
    assert answer.status == 200 and handed_on == ["/api/v1/eligibility"]
