"""Fixtures and helpers of the web page tests."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from medpause.cases.selectors import application_policy, required_groups_of
from medpause.cases.services import application_approve, application_create, application_submit, document_add
from medpause.common.dates import add_months, today
from tests.factories import PNG_1PX, make_person, make_unit, make_user

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)


def assert_clean(html: str) -> None:
    """No inline script, no inline style: the CSP allows only files from /static/."""
    assert not INLINE_SCRIPT.search(html), "inline <script> found"
    assert ' style="' not in html and "<style" not in html.lower(), "inline style found"


def page(client, url: str, lang: str = "en", **kwargs):
    """GET a page in a language (Accept-Language, as a browser sends it); checks it is clean."""
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang, **kwargs)
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        assert_clean(response.content.decode())
    return response


def day(offset: int) -> dt.date:
    return today() + dt.timedelta(days=offset)


def upload_required(actor, app) -> None:
    policy = application_policy(app)
    for code in required_groups_of(app):
        document_add(actor=actor, application=app, kind=policy.groups[code].any_of[0], data=PNG_1PX,
                     filename="x.png")


def stop_submitted(actor, person, reason, start, end=None):
    app = application_create(actor=actor, kind="stop", person=person, reason=reason, start_date=start, end_date=end)
    upload_required(actor, app)
    return application_submit(actor=actor, application=app)


@pytest.fixture
def beijing_employee(db):
    """zhang: a Beijing employee who signs in as an individual."""
    unit = make_unit("110000", name="北京测试单位")
    person = make_person("110000", unit=unit, name="张测试")
    user = make_user("individual", person=person)
    return person, user


@pytest.fixture
def beijing_individual(db):
    """A Beijing person who files for themself: registered 400 days ago as a unit's employee, a
    flexible worker paying alone for the last 200 days (an employee stops through the unit:
    employee_must_file_through_unit)."""
    from medpause.cases.services.employment import employment_start

    unit = make_unit("110000", name="北京原单位")
    person = make_person("110000", unit=unit, name="张测试", issued_on=day(-400))
    employment_start(person=person, unit=None, start_date=day(-200), actor=make_user("officer", region="110000"))
    person.refresh_from_db()
    return person, make_user("individual", person=person)


@pytest.fixture
def shanghai_flexible(db):
    person = make_person("310000", category="flexible", name="李灵活")
    return person, make_user("individual", person=person)


@pytest.fixture
def paused_shanghai(shanghai_flexible):
    """A Shanghai flexible worker with an approved 3-month pause from today."""
    person, user = shanghai_flexible
    officer = make_user("officer", region="310000")
    app = stop_submitted(user, person, "flexible_pause", today(), add_months(today(), 3) - dt.timedelta(days=1))
    application_approve(actor=officer, application=app)
    return person, user, officer, person.suspensions.get()
