"""Each row error: its code and its row number (the header is row 1); any error -> nothing applied."""

import datetime as dt

import pytest

from medpause.cases.models import Application
from medpause.cases.services import application_create, application_submit, document_add
from medpause.registry.models import Person
from tests.batches.conftest import BORN, csv_bytes
from tests.factories import COUNTY, PNG_1PX, id_number, make_person

pytestmark = pytest.mark.django_db


def _errors(batch):
    return list(batch.rows.exclude(code="").values_list("row", "code"))


def test_any_bad_row_means_nothing_is_applied(beijing, day):
    a, b, c = beijing.people
    rows = [(a.id_number, "resignation", day.isoformat(), ""), (b.id_number, "nonsense", day.isoformat(), ""),
            (c.id_number, "resignation", day.isoformat(), "")]
    batch = beijing.run(csv_bytes(rows))
    assert batch.status == "failed"
    assert (batch.rows_total, batch.rows_ok, batch.rows_failed, batch.rows_applied) == (3, 2, 1, 0)
    assert _errors(batch) == [(3, "unknown_reason")]
    assert not Application.objects.filter(unit=beijing.unit).exists()


def test_cell_errors(beijing, day):
    a, b, c = beijing.people
    bad_check = a.id_number[:17] + ("0" if a.id_number[17] != "0" else "1")
    rows = [
        (bad_check, "resignation", day.isoformat(), ""),   # 2
        ("", "resignation", day.isoformat(), ""),          # 3
        (b.id_number, "", day.isoformat(), ""),            # 4
        (c.id_number, "resignation", "", ""),              # 5
        (c.id_number, "resignation", "31/12/2025", ""),    # 6
    ]
    batch = beijing.run(csv_bytes(rows))
    assert _errors(batch) == [
        (2, "invalid_id_number"), (3, "missing_field"), (4, "missing_field"), (5, "missing_field"),
        (6, "invalid_date"),
    ]


def test_only_this_units_employees(beijing, day):
    stranger = make_person("110000", id_number=id_number(COUNTY["110000"]))  # another unit's employee
    flexible = make_person("110000", category="flexible", id_number=id_number(COUNTY["110000"]))
    unknown = id_number(COUNTY["110000"])
    rows = [(x, "resignation", day.isoformat(), "") for x in (stranger.id_number, flexible.id_number, unknown)]
    batch = beijing.run(csv_bytes(rows))
    assert _errors(batch) == [(2, "not_unit_employee"), (3, "not_unit_employee"), (4, "not_unit_employee")]


def test_the_rules_of_a_single_stop(beijing, day):
    a, b, c = beijing.people
    Person.objects.filter(pk=c.pk).update(retired=True)
    rows = [
        (a.id_number, "settle_abroad", day.isoformat(), ""),                       # individual only
        (a.id_number, "resignation", day.isoformat(), (day - dt.timedelta(days=1)).isoformat()),
        (a.id_number, "death", day.isoformat(), (day + dt.timedelta(days=9)).isoformat()),  # no end allowed
        (b.id_number, "unpaid_leave", day.isoformat(), ""),                        # needs an end within 24 months
        (b.id_number, "resignation", (day - dt.timedelta(days=31)).isoformat(), ""),  # 30 days back at most
        (c.id_number, "retirement", day.isoformat(), ""),
    ]
    batch = beijing.run(csv_bytes(rows))
    assert _errors(batch) == [
        (2, "reason_not_allowed_for_applicant"), (3, "invalid_dates"), (4, "invalid_dates"),
        (5, "duration_exceeds_limit"), (6, "start_date_too_early"), (7, "already_retired"),
    ]
    messages = dict(batch.rows.values_list("row", "params"))
    assert messages[5]["months"] == 24 and messages[6]["days"] == 30


def test_overlaps_with_existing_stops_pending_applications_and_other_rows(beijing, day):
    a, b, c = beijing.people
    first = beijing.run(csv_bytes([(a.id_number, "resignation", day.isoformat(), "")]))  # queued: pending
    assert first.status == "done"
    later = day + dt.timedelta(days=5)
    rows = [
        (a.id_number, "resignation", later.isoformat(), ""),                                     # 2 pending
        (b.id_number, "unpaid_leave", day.isoformat(), (day + dt.timedelta(days=30)).isoformat()),  # 3 ok
        (b.id_number, "unpaid_leave", later.isoformat(), (later + dt.timedelta(days=3)).isoformat()),  # 4 vs 3
        (c.id_number, "unpaid_leave", day.isoformat(), (day + dt.timedelta(days=3)).isoformat()),   # 5 ok
        (c.id_number, "unpaid_leave", later.isoformat(), (later + dt.timedelta(days=3)).isoformat()),  # 6 ok
    ]
    batch = beijing.run(csv_bytes(rows))
    assert _errors(batch) == [(2, "overlapping_suspension"), (4, "overlapping_in_file")]
    row = batch.rows.get(row=4)
    assert row.params == {"other_row": 3}
    pending = batch.rows.get(row=2)
    assert pending.message_key == "overlapping_suspension.pending"
    assert pending.params["reference"] == Application.objects.get(person=a).reference


def test_overlap_with_a_recorded_suspension(chengdu, day):
    a = chengdu.people[0]
    assert chengdu.run(csv_bytes([(a.id_number, "resignation", day.isoformat(), "")])).status == "done"  # on the spot
    batch = chengdu.run(csv_bytes([(a.id_number, "resignation", (day + dt.timedelta(days=3)).isoformat(), "")]))
    assert _errors(batch) == [(2, "overlapping_suspension")]
    assert batch.rows.get().params == {"start": day.isoformat()}


def test_resume_rows(chengdu, day):
    a, b, c = chengdu.people
    d = make_person("510100", unit=chengdu.unit, id_number=id_number(COUNTY["510100"], born=BORN))
    stop = chengdu.run(csv_bytes([
        (a.id_number, "resignation", day.isoformat(), ""), (b.id_number, "resignation", day.isoformat(), ""),
        (d.id_number, "death", day.isoformat(), ""),
    ]))
    assert stop.status == "done"
    from medpause.cases.services import application_approve
    from tests.factories import make_user

    # death is not handled on the spot in Chengdu: an officer approves it
    application_approve(actor=make_user("officer", region="510100"), application=Application.objects.get(person=d))
    back = (day + dt.timedelta(days=3)).isoformat()
    rows = [
        (a.id_number, "", back, ""),                               # 2 ok
        (a.id_number, "", back, ""),                               # 3 same person again
        (b.id_number, "", back, back),                             # 4 a resumption has no end
        (c.id_number, "", back, ""),                               # 5 not stopped
        (d.id_number, "", back, ""),                               # 6 death cannot be resumed
        (b.id_number, "", day.isoformat(), ""),                    # 7 not after the first day of the stop
        (b.id_number, "unpaid_leave", back, ""),                   # 8 another reason than the stop's
    ]
    batch = chengdu.run(csv_bytes(rows), kind="resume")
    assert _errors(batch) == [
        (3, "duplicate_in_file"), (4, "invalid_dates"), (5, "not_suspended"), (6, "not_resumable"),
        (7, "invalid_dates"), (8, "reason_mismatch"),
    ]
    assert batch.rows_applied == 0


def test_resume_while_another_resumption_is_pending(beijing, day):
    a = beijing.people[0]
    from medpause.cases.services import application_approve
    from tests.factories import make_user

    officer = make_user("officer", region="110000")
    assert beijing.run(csv_bytes([(a.id_number, "resignation", day.isoformat(), "")])).status == "done"
    application_approve(actor=officer, application=Application.objects.get(person=a))
    suspension = a.suspensions.get()
    resume = application_create(
        actor=beijing.agent, kind="resume", person=a, suspension_id=suspension.pk,
        start_date=day + dt.timedelta(days=2),
    )
    for kind in ("addition_form", "id_card", "legal_rep_id_card", "new_employment_contract"):
        document_add(actor=beijing.agent, application=resume, kind=kind, data=PNG_1PX, filename="x.png")
    application_submit(actor=beijing.agent, application=resume)
    batch = beijing.run(csv_bytes([(a.id_number, "", (day + dt.timedelta(days=4)).isoformat(), "")]), kind="resume")
    assert _errors(batch) == [(2, "application_pending")]
