"""The seed's whole process through the services: stop, suspended, refused, resume, settled."""

import datetime as dt

import pytest

from medpause.cases.services import (
    application_approve,
    application_create,
    application_submit,
    document_add,
)
from medpause.common.dates import today
from medpause.coverage.selectors import card_status_on
from medpause.coverage.services import settlement_create
from tests.factories import PNG_1PX, make_person, make_user, pdf_bytes

pytestmark = pytest.mark.django_db


def test_individual_stop_approved_suspends_card_then_resume_restores_it():
    # insured for a year already: care dated before the stop is care of an insured person
    person = make_person("310000", category="flexible", issued_on=today() - dt.timedelta(days=365))
    me = make_user("individual", person=person)
    officer = make_user("officer", region="310000")
    hospital = make_user("institution", institution_name="Ruijin Hospital")
    start = today()
    app = application_create(
        actor=me, kind="stop", person=person, reason="flexible_pause", start_date=start,
        end_date=start + dt.timedelta(days=60),
    )
    assert app.status == "draft"
    assert app.policy_version.label == "310000@2025.1"
    document_add(actor=me, application=app, kind="id_card", data=PNG_1PX, filename="id.png")
    application_submit(actor=me, application=app)
    application_approve(actor=officer, application=app)
    assert card_status_on(person=person, day=start).status == "suspended"
    assert card_status_on(person=person, day=start - dt.timedelta(days=1)).status == "active"

    refused, _ = settlement_create(
        institution=hospital, card_number=person.card.number, date=start, amount="100.00", institution_reference="A1"
    )
    assert refused.refusal_code == "card_suspended"
    before, _ = settlement_create(
        institution=hospital, card_number=person.card.number, date=start - dt.timedelta(days=1), amount="50.00",
        institution_reference="A2",
    )
    assert before.status == "accepted"

    suspension = person.suspensions.get()
    resume = application_create(
        actor=me, kind="resume", person=person, suspension_id=suspension.pk, start_date=start + dt.timedelta(days=10)
    )
    document_add(actor=me, application=resume, kind="passport", data=pdf_bytes(), filename="p.pdf")
    application_submit(actor=me, application=resume)
    assert card_status_on(person=person, day=start + dt.timedelta(days=10)).status == "suspended"
    application_approve(actor=officer, application=resume)
    assert card_status_on(person=person, day=start + dt.timedelta(days=9)).status == "suspended"
    assert card_status_on(person=person, day=start + dt.timedelta(days=10)).status == "active"
