"""The review queue at scale: keyset pages (row-value comparisons, no OFFSET, no count of
everything), the reason filter read from the policies, statistics aggregated in the database,
and the reminder job in a few queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from medpause.cases.models import Application, Suspension
from medpause.cases.selectors.keyset import Position, newest_first_page
from medpause.cases.selectors.queue import UNDRAFTED, queue_page, queue_reasons, review_queue
from medpause.cases.selectors.statistics import review_statistics
from medpause.cases.services.reminders import reminders_send
from medpause.notices.models import Notice
from medpause.policy.models import Region
from tests.cases import bulk
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def officer():
    return make_user("officer", region="110000")


@pytest.fixture
def queue_rows(officer):
    """Eleven submitted applications, three of them at the very same instant, and three counter
    applications never submitted (they come last, by id)."""
    person = make_person("110000", category="flexible")
    bulk.applications(person, 5, submitted=T0)
    bulk.applications(person, 3, submitted=T0 + dt.timedelta(hours=1), step=dt.timedelta(0))
    bulk.applications(person, 3, submitted=T0 - dt.timedelta(days=1))
    bulk.applications(person, 3, submitted=None, applicant_type="officer", status="approved")
    queue = review_queue(user=officer, statuses=UNDRAFTED)
    return queue, [a.pk for a in queue]


def walk_forward(queue, limit):
    pages, page = [], queue_page(queue, limit=limit)
    pages.append(page)
    while page.next is not None:
        page = queue_page(queue, limit=limit, after=page.next)
        pages.append(page)
    return pages


@pytest.mark.parametrize("limit", [1, 2, 4, 13, 14, 50])
def test_pages_forward_and_back_cover_the_queue_in_order_once(queue_rows, limit):
    queue, expected = queue_rows
    assert len(expected) == 14
    pages = walk_forward(queue, limit)
    assert [a.pk for p in pages for a in p.items] == expected
    assert pages[0].previous is None and pages[-1].next is None
    assert all(0 < len(p.items) <= limit for p in pages)
    back, page = [], pages[-1]
    while page.previous is not None:
        page = queue_page(queue, limit=limit, before=page.previous)
        back.insert(0, page)
    assert [[a.pk for a in p.items] for p in back] == [[a.pk for a in p.items] for p in pages[:-1]]


def test_a_page_is_a_row_value_comparison_without_offset_or_count(queue_rows):
    queue, expected = queue_rows
    first = queue_page(queue, limit=4)
    with CaptureQueriesContext(connection) as ctx:
        second = queue_page(queue, limit=4, after=first.next)
    assert [a.pk for a in second.items] == expected[4:8]
    sql = " ".join(q["sql"] for q in ctx.captured_queries).upper()
    assert "OFFSET" not in sql and "COUNT(" not in sql
    assert '("CASES_APPLICATION"."FIRST_SUBMITTED_AT", "CASES_APPLICATION"."ID") > (' in sql
    assert len(ctx.captured_queries) == 1


def test_a_position_travels_as_a_url_token():
    at = dt.datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=dt.UTC)
    assert Position.from_token(Position(at, 42).token) == Position(at, 42)
    assert Position.from_token(Position(None, 7).token) == Position(None, 7)
    for bad in (None, "", "x.1", "1", "12.-3", "n.0", "1e9.4", "99999999999999999999999.1"):
        assert Position.from_token(bad) is None, bad


def test_newest_first_pages_by_created_at(officer):
    person = make_person("110000", category="flexible")
    apps = bulk.applications(person, 7, submitted=T0)
    same = timezone.now()
    Application.objects.filter(pk__in=[a.pk for a in apps[2:5]]).update(created_at=same)
    qs = Application.objects.filter(person=person)
    expected = list(qs.order_by("-created_at", "-id").values_list("pk", flat=True))
    seen, page = [], newest_first_page(qs, "created_at", limit=3)
    pages = [page]
    while page.next:
        page = newest_first_page(qs, "created_at", limit=3, after=page.next)
        pages.append(page)
    seen = [a.pk for p in pages for a in p.items]
    assert seen == expected
    back = newest_first_page(qs, "created_at", limit=3, before=pages[-1].previous)
    assert [a.pk for a in back.items] == [a.pk for a in pages[-2].items]


def test_reason_filter_comes_from_the_policies_not_from_every_application(officer, queue_rows):
    with CaptureQueriesContext(connection) as ctx:
        reasons = dict(queue_reasons(user=officer))
    assert "flexible_pause" in reasons and "resignation" in reasons
    assert not any("cases_application" in q["sql"] for q in ctx.captured_queries)


def test_statistics_average_in_the_database(officer):
    person = make_person("110000", category="flexible")
    now = timezone.now()
    bulk.applications(person, 2, status="approved", submitted=now - dt.timedelta(days=3),
                      step=dt.timedelta(hours=12), decided=dt.timedelta(days=2))
    bulk.applications(person, 1, status="rejected", submitted=now - dt.timedelta(days=2), decided=dt.timedelta(days=1))
    with CaptureQueriesContext(connection) as ctx:
        stats = review_statistics(user=officer, on=timezone.localdate())
    assert stats["decided_count"] == 3
    assert stats["average_hours"] == round((48 + 48 + 24) / 3, 1)
    assert stats["daily_total"] == 3
    sql = " ".join(q["sql"] for q in ctx.captured_queries).upper()
    assert "AVG(" in sql
    assert not any(q["sql"].upper().lstrip().startswith('SELECT "CASES_APPLICATION"."FIRST_SUBMITTED_AT"')
                   for q in ctx.captured_queries)


def _reminder_rows(count: int):
    person = make_person("110000", category="flexible")
    on = timezone.localdate()
    apps = bulk.applications(person, count, submitted=timezone.now() - dt.timedelta(days=40),
                             due=on - dt.timedelta(days=5))
    ended = bulk.applications(person, count, status="approved", submitted=timezone.now() - dt.timedelta(days=90))
    Suspension.objects.bulk_create([
        Suspension(person=person, region_id=a.region_id, reason=a.reason, start_date=on - dt.timedelta(days=60),
                   planned_end_date=on + dt.timedelta(days=3), stop_application=a)
        for a in ended
    ])
    return on, apps


@pytest.mark.parametrize("count", [3, 40])
def test_remind_takes_a_few_queries_whatever_the_number_of_rows(count, django_assert_max_num_queries):
    on, apps = _reminder_rows(count)
    with django_assert_max_num_queries(12):
        assert reminders_send(on=on) == 2 * count
    with django_assert_max_num_queries(6):
        assert reminders_send(on=on) == 0  # nothing new: nothing made twice
    assert Notice.objects.filter(code="review.overdue").count() == count
    planned = Notice.objects.filter(code="suspension.planned_end")
    assert planned.count() == count
    assert all(n.dedupe_key and n.dedupe_key.startswith("suspension.planned_end:") for n in planned)
    assert not Suspension.objects.filter(reminded_at__isnull=True).exists()


def test_remind_leaves_a_notice_made_by_another_run_alone():
    on, apps = _reminder_rows(2)
    Notice.objects.create(application=apps[0], region_id=apps[0].region_id, code="other",
                          dedupe_key=f"review.overdue:application:{apps[0].pk}")
    reminders_send(on=on)
    assert Notice.objects.filter(dedupe_key=f"review.overdue:application:{apps[0].pk}").count() == 1
    assert Notice.objects.filter(code="review.overdue", application=apps[1]).count() == 1


def test_the_queries_have_their_indexes():
    with connection.cursor() as cursor:
        apps = connection.introspection.get_constraints(cursor, Application._meta.db_table)
        notices = connection.introspection.get_constraints(cursor, Notice._meta.db_table)
    assert apps["cases_app_queue"]["columns"] == ["region_id", "first_submitted_at", "id"]
    assert apps["cases_app_pending"]["columns"] == ["region_id", "first_submitted_at", "id"]
    assert "cases_app_decided" in apps and "cases_app_pending_due" in apps
    assert notices["notices_region_created"]["columns"] == ["region_id", "created_at"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans of PostgreSQL")
def test_postgresql_pages_the_open_queue_on_the_partial_index(officer, queue_rows):
    queue = review_queue(user=officer, statuses=["submitted", "in_review", "supplement_requested"])
    first = queue_page(queue, limit=2)
    qs = queue.filter(first_submitted_at__isnull=False)
    from medpause.cases.selectors.keyset import rows_after

    page = rows_after(qs, ("first_submitted_at", "id"), (first.next.at, first.next.pk)).order_by(
        "first_submitted_at", "id")[:3]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        sql, params = page.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "cases_app_pending" in plan, plan
    assert "Sort" not in plan, plan
    assert Region.objects.filter(code="110000").exists()
