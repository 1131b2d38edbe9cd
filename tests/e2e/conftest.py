"""Browser tests: Playwright driving Debian's Chromium against a live server.

Without /usr/bin/chromium they are skipped with a message, unless MEDPAUSE_REQUIRE_BROWSER=1
(set by .ci/run), in which case they fail: CI never silently skips them."""

import datetime as dt
import os
from pathlib import Path

import pytest

from tests.e2e.helpers import PASSWORD, Catalog, shoot  # noqa: F401 (shoot: the screenshot helper of the brief)

CHROMIUM = os.environ.get("MEDPAUSE_CHROMIUM", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
# inside one unless told that this is a synchronous test process.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium) to run browser tests"
        if os.environ.get("MEDPAUSE_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page_for(browser, live_server):
    """page_for("en") -> a fresh page whose browser asks for that language."""
    contexts = []

    def make(language: str = "zh-CN"):
        context = browser.new_context(locale=language, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        page.base_url = live_server.url
        page.language = language
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def web_text():
    """web_text(language) -> Catalog (see there). End the test with catalog.assert_all_translated()."""
    return Catalog


@pytest.fixture
def clock(monkeypatch):
    """clock.advance(days): make "today" (medpause.common.dates.today, which reads
    django.utils.timezone.localdate()) that many days later, in this process and so in the live
    server's thread. Timestamps (timezone.now) stay real."""
    from django.utils import timezone

    real_localdate = timezone.localdate

    class Clock:
        days = 0

        def advance(self, days: int = 1) -> None:
            self.days += days

        def today(self) -> dt.date:
            return real_localdate() + dt.timedelta(days=self.days)

    c = Clock()

    def localdate(value=None, timezone=None):
        if value is None:
            return real_localdate(timezone=timezone) + dt.timedelta(days=c.days)
        return real_localdate(value, timezone)

    monkeypatch.setattr(timezone, "localdate", localdate)
    return c


@pytest.fixture
def people(transactional_db):
    """The story's cast: a flexible worker in Shanghai who signs in, and an officer of Shanghai."""
    from tests.factories import make_person, make_user

    person = make_person("310000", category="flexible", name="李娜")
    individual = make_user("individual", person=person, password=PASSWORD)
    officer = make_user("officer", region="310000", password=PASSWORD)
    return {"person": person, "individual": individual, "officer": officer}


def _documents_for(actor, application) -> None:
    """One small PNG for every document group the application still misses."""
    from medpause.cases.selectors import application_policy, missing_documents
    from medpause.cases.services import document_add
    from tests.factories import png_bytes

    policy = application_policy(application)
    for code in missing_documents(application):
        document_add(actor=actor, application=application, kind=policy.groups[code].any_of[0],
                     data=png_bytes(), filename=f"{code}.png")


@pytest.fixture
def site(transactional_db):
    """Data behind every main page, made through the services (no browser):

    - an officer of Shanghai;
    - 李娜, a flexible worker in Shanghai who signs in, with six months of payments and a draft
      stop (ID document attached) that the browser can take to the check-answers page;
    - 王芳, another flexible worker in Shanghai, whose stop with an ID photo waits in the queue;
    - a Shanghai unit with three employees, one of them stopped, and its agent."""
    from medpause.cases.services import (
        application_approve,
        application_create,
        application_submit,
        document_add,
    )
    from medpause.common.dates import add_months, today
    from medpause.coverage.services import contribution_record
    from tests.factories import make_person, make_unit, make_user, png_bytes

    day = today()
    officer = make_user("officer", region="310000", password=PASSWORD)

    person = make_person("310000", category="flexible", name="李娜")
    for back in range(6, 0, -1):
        contribution_record(person=person, month=add_months(day.replace(day=1), -back))
    individual = make_user("individual", person=person, password=PASSWORD)
    draft = application_create(
        actor=individual, kind="stop", person=person, reason="flexible_pause",
        start_date=day, end_date=day + dt.timedelta(days=60), note="回老家照顾父母，两个月后回来。",
    )
    document_add(actor=individual, application=draft, kind="id_card", data=png_bytes((40, 25)),
                 filename="id-card.png")

    other = make_person("310000", category="flexible", name="王芳")
    other_user = make_user("individual", person=other, password=PASSWORD)
    waiting = application_create(
        actor=other_user, kind="stop", person=other, reason="flexible_pause",
        start_date=day, end_date=day + dt.timedelta(days=90),
    )
    document_add(actor=other_user, application=waiting, kind="id_card", data=png_bytes((320, 200)),
                 filename="id-card.png")
    waiting = application_submit(actor=other_user, application=waiting, consequences_acknowledged=True)

    unit = make_unit("310000", name="上海浦江软件有限公司")
    employees = [make_person("310000", category="employee", unit=unit, name=n) for n in ("陈静", "刘洋", "赵磊")]
    agent = make_user("unit_agent", unit=unit, password=PASSWORD)
    # 刘洋 is on unpaid leave: a colleague filed the stop at the counter, the officer approved it
    # (four eyes: whoever filed it does not decide it).
    colleague = make_user("officer", region="310000", password=PASSWORD)
    leave = application_create(
        actor=colleague, kind="stop", person=employees[1], reason="unpaid_leave",
        start_date=day, end_date=day + dt.timedelta(days=30),
    )
    _documents_for(colleague, leave)
    application_submit(actor=colleague, application=leave, consequences_acknowledged=True)
    application_approve(actor=officer, application=leave)
    return {
        "officer": officer, "person": person, "individual": individual, "draft": draft,
        "waiting": waiting, "unit": unit, "employees": employees, "agent": agent,
    }
