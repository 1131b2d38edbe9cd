"""No ID number and no card number reaches a log line: real requests through the WSGI entry point
(config/wsgi.py), read back from what the configured JSON handler writes - the request line of
every request, Django's 4xx/5xx warnings, exceptions and their tracebacks."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.test import Client

from medpause.accounts.services import token_issue
from medpause.common.dates import today
from medpause.ops.logging import JsonFormatter
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def log_output():
    """Everything the service's console handler writes meanwhile, as its text."""
    handler = next(h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.setLevel(level)
        handler.setStream(previous)


@pytest.fixture
def person():
    return make_person("110000")


@pytest.fixture
def hospital():
    user = make_user("institution", institution_name="Peking Union Hospital")
    return {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=user)}"}


def secrets_of(person) -> list[str]:
    return [person.id_number, person.card.number]


def assert_not_logged(stream: io.StringIO, person, *, lines_at_least: int = 1) -> list[dict]:
    text = stream.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) >= lines_at_least, text
    for secret in secrets_of(person):
        assert secret not in text, f"{secret} in the log:\n{text}"
        assert secret.lower() not in text.lower()
    return lines


def test_eligibility_checks_log_no_card_number_on_either_path(call, log_output, person, hospital):
    card, day = person.card.number, today().isoformat()
    assert call("/api/v1/eligibility", data={"card_number": card, "date": day}, **hospital).status == 200
    # refused by django-ninja (no lean answer): a warning names the path, never the query
    assert call("/api/v1/eligibility", data={"card_number": card, "date": "2026-02-30"}, **hospital).status in (400, 422)
    assert call("/api/v1/eligibility", data={"card_number": card}).status == 401
    lines = assert_not_logged(log_output, person, lines_at_least=4)
    assert {line["logger"] for line in lines} >= {"medpause.request", "django.request"}


def test_admin_searches_log_no_id_or_card_number(call, log_output, person):
    browser = Client()
    browser.force_login(make_user("admin"))
    cookie = {"HTTP_COOKIE": f"sessionid={browser.cookies['sessionid'].value}"}
    for number in secrets_of(person):
        for changelist in ("/admin/registry/person/", "/admin/registry/card/", "/admin/coverage/settlement/"):
            assert call(changelist, data={"q": number}, **cookie).status == 200
    lines = assert_not_logged(log_output, person, lines_at_least=6)
    assert {tuple(line["query"]) for line in lines if line["logger"] == "medpause.request"} == {("q",)}


def test_personal_numbers_in_the_path_or_as_parameter_names_are_masked(call, log_output, person, hospital):
    number, card = secrets_of(person)
    assert call(f"/api/v1/persons/{number}", **hospital).status in (400, 403, 404, 422)
    assert call(f"/verify/{number}/").status == 404
    assert call(f"/guide/?{number}&{card}=1").status == 200
    assert call(f"/api/v1/eligibility?{card}", **hospital).status in (400, 422)
    lines = assert_not_logged(log_output, person, lines_at_least=6)
    assert ["?"] in [line["query"] for line in lines if line["logger"] == "medpause.request"]
    warnings = [line["message"] for line in lines if line["logger"] == "django.request"]
    assert any(number[:6] + "********" + number[-4:] in message for message in warnings), warnings


def test_an_exception_naming_the_numbers_is_logged_masked(call, log_output, person, hospital, monkeypatch):
    number, card = secrets_of(person)

    def broken(*, card_number, day):
        raise RuntimeError(f"lookup failed for card {card_number} of {number}")

    monkeypatch.setattr("medpause.api.hot.eligibility", broken)
    assert call("/api/v1/eligibility", data={"card_number": card}, **hospital).status == 500
    monkeypatch.setattr("medpause.api.routers.coverage.eligibility", broken)
    assert call("/api/v1/eligibility", data={"card_number": card, "date": "2026-02-30x"}, **hospital).status in (
        400, 422, 500)
    lines = assert_not_logged(log_output, person, lines_at_least=3)
    assert any("RuntimeError: lookup failed for card " in line.get("exception", "") for line in lines)


def test_extra_fields_of_any_record_are_masked(log_output, person):
    number, card = secrets_of(person)
    logging.getLogger("medpause.test").info("lookup", extra={"fields": {"who": [f"id {number}"], number: card}})
    [line] = assert_not_logged(log_output, person)
    assert line["who"] == [f"id {number[:6]}********{number[-4:]}"]


def test_the_development_servers_request_lines_are_masked(log_output, person):
    number, card = secrets_of(person)
    logging.getLogger("django.server").info(
        '"%s" %s %s', f"GET /api/v1/eligibility?card_number={card}&id={number} HTTP/1.1", "200", "95")
    [line] = assert_not_logged(log_output, person)
    assert line["logger"] == "django.server"
