"""A terminating stop during an open, resumable one closes it instead of being refused."""

import datetime as dt

import pytest

from medpause.cases.models import Suspension
from medpause.cases.services import application_approve, application_create, application_submit, document_add
from medpause.common.dates import today
from medpause.coverage.selectors import card_status_on
from tests.factories import PNG_1PX, make_person, make_user

pytestmark = pytest.mark.django_db


def _approved_stop(officer, person, reason, start, kinds):
    app = application_create(actor=officer, kind="stop", person=person, reason=reason, start_date=start)
    for kind in kinds:
        document_add(actor=officer, application=app, kind=kind, data=PNG_1PX, filename="x.png")
    application_submit(actor=officer, application=app)
    # four eyes: the officer who filed it at the counter does not decide it, a colleague does
    return application_approve(actor=make_user("officer", region=officer.region), application=app)


def test_death_during_a_resignation_stop_closes_it_and_terminates_coverage():
    person = make_person("110000")
    officer = make_user("officer", region="110000")
    start = today() - dt.timedelta(days=20)
    _approved_stop(officer, person, "resignation", start, ["id_card", "medical_insurance_card", "resignation_certificate"])
    death_day = today() - dt.timedelta(days=5)
    _approved_stop(officer, person, "death", death_day, ["death_certificate", "heir_relationship_proof", "medical_insurance_card"])

    resignation = Suspension.objects.get(person=person, reason="resignation")
    assert resignation.end_date == death_day - dt.timedelta(days=1)
    assert card_status_on(person=person, day=death_day - dt.timedelta(days=1)).status == "suspended"
    assert card_status_on(person=person, day=death_day).status == "terminated"
    assert card_status_on(person=person, day=today() + dt.timedelta(days=3650)).status == "terminated"


def test_a_second_resumable_stop_during_an_open_one_is_still_refused():
    from medpause.common.errors import Conflict

    person = make_person("110000")
    officer = make_user("officer", region="110000")
    _approved_stop(officer, person, "resignation", today() - dt.timedelta(days=20), ["id_card", "medical_insurance_card", "resignation_certificate"])
    with pytest.raises(Conflict) as refused:
        application_create(
            actor=officer, kind="stop", person=person, reason="enlistment", start_date=today() - dt.timedelta(days=5)
        )
    assert refused.value.code == "overlapping_suspension"
