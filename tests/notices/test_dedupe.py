"""A notice a job makes is made once: the unique dedupe key decides, also between two runs of
the job at the same instant (PostgreSQL, real threads)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from medpause.cases.services import application_create
from medpause.common.dates import today
from medpause.notices.models import Notice
from medpause.notices.services import notice_send, notice_send_once
from tests.cases.helpers import flexible_with_login
from tests.factories import region


@pytest.mark.django_db
def test_a_keyed_notice_is_made_once():
    person, _me, _officer = flexible_with_login()
    first = notice_send(person_id=person.pk, code="suspension.planned_end", params={"date": "2026-01-31"},
                        dedupe_key="suspension.planned_end:7")
    again = notice_send(person_id=person.pk, code="suspension.planned_end", params={"date": "2026-01-31"},
                        dedupe_key="suspension.planned_end:7")
    assert first is not None and again is None
    assert Notice.objects.filter(person=person).count() == 1
    # without a key, as before: every call is a notice
    notice_send(person_id=person.pk, code="application.submit", params={"reference": "TB1"})
    notice_send(person_id=person.pk, code="application.submit", params={"reference": "TB1"})
    assert Notice.objects.filter(person=person, code="application.submit").count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_make_one_overdue_notice():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises every writer)")
    person, me, _officer = flexible_with_login()
    shanghai = region("310000")
    for round_ in range(8):
        application_id = application_create(
            actor=me, kind="stop", person=person, reason="flexible_pause", start_date=today() + dt.timedelta(days=round_),
            end_date=today() + dt.timedelta(days=round_ + 30),
        ).pk
        barrier = threading.Barrier(2)
        made = []

        def run(application_id=application_id, barrier=barrier, made=made):
            try:
                barrier.wait(timeout=10)
                made.append(notice_send_once(application_id=application_id, region_id=shanghai.pk,
                                             code="review.overdue", params={"reference": "x", "date": "2026-01-01"}))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(made) == [False, True], f"round {round_}"
        assert Notice.objects.filter(application_id=application_id, code="review.overdue").count() == 1
