"""A whole file applied: one application per row, submitted; on the spot in Chengdu, queued
elsewhere; CSV and XLSX alike."""

import datetime as dt

import pytest

from medpause.audit.services import audit_verify
from medpause.cases.models import Application, Suspension
from medpause.cases.selectors.queue import review_queue
from medpause.coverage.selectors import card_status_on
from tests.batches.conftest import csv_bytes, xlsx_bytes
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_csv_stop_batch_in_beijing_goes_to_the_officers_queue(beijing, day):
    rows = [(p.id_number, "resignation", day.isoformat(), "") for p in beijing.people]
    batch = beijing.run(csv_bytes(rows))
    assert batch.status == "done", list(batch.rows.values_list("row", "code"))
    assert (batch.rows_total, batch.rows_ok, batch.rows_failed, batch.rows_applied) == (3, 3, 0, 3)
    apps = Application.objects.filter(unit=beijing.unit)
    assert apps.count() == 3
    assert set(apps.values_list("status", flat=True)) == {"submitted"}
    assert set(apps.values_list("applicant_type", flat=True)) == {"unit"}
    officer = make_user("officer", region="110000")
    assert review_queue(user=officer).filter(unit=beijing.unit).count() == 3
    # nothing is suspended until an officer approves
    assert card_status_on(person=beijing.people[0], day=day).status == "active"
    assert audit_verify().ok


def test_xlsx_stop_batch_in_chengdu_is_approved_on_the_spot_with_the_clause(chengdu, day):
    rows = [(p.id_number, "resignation", day, None) for p in chengdu.people]
    batch = chengdu.run(xlsx_bytes(rows), name="减员.xlsx")
    assert batch.status == "done"
    assert batch.file_format == "xlsx"
    assert batch.rows_decided == 3
    app = Application.objects.filter(person=chengdu.people[0]).get()
    assert app.status == "approved"
    assert app.decision_rule.startswith("510100@2025.1 reasons.resignation.on_the_spot_for_units")
    assert "chengdu_on_the_spot" in app.decision_rule
    assert [e.action for e in app.events.all()] == ["submit", "approve"]
    assert card_status_on(person=chengdu.people[0], day=day).status == "suspended"
    assert Suspension.objects.filter(person__in=chengdu.people).count() == 3
    assert audit_verify().ok


def test_resume_batch_resumes_the_current_stop_from_start_date(chengdu, day):
    stop = chengdu.run(csv_bytes([(p.id_number, "resignation", day.isoformat(), "") for p in chengdu.people]))
    assert stop.status == "done"
    back = day + dt.timedelta(days=10)
    rows = [(p.id_number, "", back.isoformat(), "") for p in chengdu.people]
    batch = chengdu.run(csv_bytes(rows), kind="resume")
    assert batch.status == "done", list(batch.rows.values_list("row", "code", "params"))
    person = chengdu.people[1]
    assert card_status_on(person=person, day=back - dt.timedelta(days=1)).status == "suspended"
    assert card_status_on(person=person, day=back).status == "active"
    resume = Application.objects.get(person=person, kind="resume")
    assert resume.status == "approved" and resume.suspension.end_date == back - dt.timedelta(days=1)
