"""A batch row reads the person as on the row's first day: the unit's employee then, with the
category then (registry.Employment, ADR 0015)."""

import datetime as dt

import pytest

from medpause.cases.models import Application
from medpause.cases.services.employment import employment_start
from tests.batches.conftest import BORN, Place, csv_bytes
from tests.factories import COUNTY, id_number, make_person, make_user

pytestmark = pytest.mark.django_db


def test_a_stop_row_counts_only_days_the_person_was_the_units_employee(db, day):
    place = Place("110000", employees=0)
    joined = day - dt.timedelta(days=5)
    newcomer = make_person("110000", id_number=id_number(COUNTY["110000"], born=BORN),
                           issued_on=day - dt.timedelta(days=400))
    employment_start(person=newcomer, unit=place.unit, start_date=joined, actor=make_user("officer", region="110000"))
    before = place.run(csv_bytes([(newcomer.id_number, "resignation", (joined - dt.timedelta(days=1)).isoformat(), "")]))
    assert before.status == "failed"
    assert list(before.rows.values_list("row", "code")) == [(2, "not_unit_employee")]
    on_the_day = place.run(csv_bytes([(newcomer.id_number, "resignation", joined.isoformat(), "")]))
    assert on_the_day.status == "done", list(on_the_day.rows.values_list("code", "params"))
    assert Application.objects.get(person=newcomer).unit_id == place.unit.pk
