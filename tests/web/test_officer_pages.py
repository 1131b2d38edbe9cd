"""The workbench's long lists: the queue and a person's applications page by keyset ("next" and
"previous" links, no page numbers of a huge total), in a number of queries that does not grow
with the rows shown, and working days left computed once per due date, for pending rows only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from medpause.cases.models import Application
from medpause.web.views.officer import application as application_view
from medpause.web.views.officer import common
from medpause.web.views.officer import person as person_view
from medpause.web.views.officer import queue as queue_view
from tests.cases import bulk
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def url(name: str, *args) -> str:
    namespace = resolve("/officer/").namespace
    return reverse(f"{namespace}:{name}", args=args)


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def officer(client):
    user = make_user("officer", region="110000")
    client.force_login(user)
    return user


def links(html: str) -> dict[str, str]:
    return {rel: href.replace("&amp;", "&") for rel, href in re.findall(r'<a rel="(prev|next)" href="([^"]+)"', html)}


def references(html: str) -> list[str]:
    return re.findall(r">(T\d{12})</a>", html)


def test_the_queue_pages_by_next_and_previous_links(client, officer, monkeypatch):
    monkeypatch.setattr(queue_view, "PAGE_SIZE", 3)
    person = make_person("110000", category="flexible")
    apps = bulk.applications(person, 7, submitted=T0)
    expected = [a.reference for a in apps]
    html = client.get(url("queue"), {"status": "all"}).content.decode()
    assert "page=" not in html and "Page 1 of" not in html
    seen, pages = references(html), [html]
    while "next" in links(html):
        html = client.get(url("queue") + links(html)["next"]).content.decode()
        assert "status=all" in links(html).get("prev", "status=all")
        pages.append(html)
        seen += references(html)
    assert seen == expected and len(pages) == 3
    back = client.get(url("queue") + links(pages[-1])["prev"]).content.decode()
    assert references(back) == expected[3:6]
    assert "7 applications" in pages[0]


def test_a_stale_or_forged_position_shows_the_first_page(client, officer):
    person = make_person("110000", category="flexible")
    apps = bulk.applications(person, 2, submitted=T0)
    for token in ("garbage", "n.999999", "99999999999999.5"):
        html = client.get(url("queue"), {"after": token}).content.decode()
        assert references(html) == [a.reference for a in apps], token


def test_the_queue_counts_no_further_than_its_cap(client, officer, monkeypatch):
    monkeypatch.setattr(queue_view, "COUNT_CAP", 4)
    person = make_person("110000", category="flexible")
    bulk.applications(person, 6, submitted=T0)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(url("queue")).content.decode()
    assert "More than 4 applications" in html
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 5" in sql.upper() for sql in counts), counts


@pytest.mark.parametrize("count", [2, 25])
def test_queue_queries_do_not_grow_with_its_rows(client, officer, count, django_assert_max_num_queries):
    for i in range(count):  # a person each, as in a real queue
        bulk.applications(make_person("110000", category="flexible", name=f"人{i}"), 1, submitted=T0)
    with django_assert_max_num_queries(14):
        assert client.get(url("queue")).status_code == 200


def test_working_days_left_once_per_due_date_and_only_when_pending(client, officer, monkeypatch):
    person = make_person("110000", category="flexible")
    due = timezone.localdate() + dt.timedelta(days=10)
    bulk.applications(person, 6, submitted=T0, due=due)
    bulk.applications(person, 4, submitted=T0, due=due + dt.timedelta(days=1))
    bulk.applications(person, 5, status="approved", submitted=T0, due=due + dt.timedelta(days=2),
                      decided=dt.timedelta(days=1))
    calls = []
    real = common.working_days_between
    monkeypatch.setattr(common, "working_days_between", lambda a, b: calls.append((a, b)) or real(a, b))
    response = client.get(url("queue"), {"status": "all"})
    assert response.status_code == 200
    on = timezone.localdate()
    assert sum(abs((b - a).days) for a, b in calls) == (due + dt.timedelta(days=1) - on).days  # one walk
    assert all(b <= due + dt.timedelta(days=1) for _a, b in calls)  # nothing for the decided ones
    assert len(calls) <= 3


def test_days_left_of_many_due_dates_matches_one_by_one():
    on = dt.date(2026, 10, 9)
    dues = [on + dt.timedelta(days=d) for d in (-400, -38, -7, -1, 0, 1, 3, 9, 31, 200)]
    left = common.days_left_of(dues, on)
    assert left == {due: common.working_days_between(on, due) for due in dues} | {on: 0}


@pytest.mark.parametrize("count", [3, 30])
def test_a_long_history_takes_the_same_queries_as_a_short_one(client, officer, count, monkeypatch,
                                                              django_assert_max_num_queries):
    monkeypatch.setattr(person_view, "APPLICATIONS_SHOWN", 10)
    person = make_person("110000", category="flexible")
    apps = bulk.applications(person, count, status="approved", submitted=T0, step=dt.timedelta(days=100),
                             decided=dt.timedelta(days=1))
    bulk.suspensions_of(apps)
    latest = apps[-1]
    with django_assert_max_num_queries(30):
        assert client.get(url("person", person.pk)).status_code == 200
    with django_assert_max_num_queries(40):
        html = client.get(url("application", latest.pk)).content.decode()
    assert ("others-more" in html) == (count - 1 > application_view.OTHERS_SHOWN)


def test_a_persons_applications_page_newest_first(client, officer, monkeypatch):
    monkeypatch.setattr(person_view, "APPLICATIONS_SHOWN", 4)
    person = make_person("110000", category="flexible")
    apps = bulk.applications(person, 9, submitted=T0)
    for i, app in enumerate(apps):  # created one after the other
        Application.objects.filter(pk=app.pk).update(created_at=T0 + dt.timedelta(hours=i))
    expected = [a.reference for a in reversed(apps)]
    html = client.get(url("person", person.pk)).content.decode()
    seen = references(html)
    while "next" in links(html):
        html = client.get(url("person", person.pk) + links(html)["next"]).content.decode()
        seen += references(html)
    assert seen == expected
    back = client.get(url("person", person.pk) + links(html)["prev"]).content.decode()
    assert references(back) == expected[4:8]


def test_lists_leave_the_policy_document_unread(client, officer):
    """Each row names its reason by its policy version; the version's resolved document (tens of
    kilobytes of JSON) is not read and decoded once per row."""
    person = make_person("110000", category="flexible")
    apps = bulk.applications(person, 3, status="approved", submitted=T0, decided=dt.timedelta(days=1))
    bulk.suspensions_of(apps)
    for page_url in (url("queue") + "?status=all", url("person", person.pk), url("application", apps[0].pk)):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(page_url).status_code == 200
        lists = [q["sql"] for q in ctx.captured_queries
                 if q["sql"].startswith("SELECT") and ('FROM "cases_application"' in q["sql"]
                                                       or 'FROM "cases_suspension"' in q["sql"])
                 and '"cases_application"."id" = ' not in q["sql"]]  # the one application shown: not a list
        assert lists, page_url
        assert not [sql for sql in lists if '"policy_policyversion"."document"' in sql], page_url
