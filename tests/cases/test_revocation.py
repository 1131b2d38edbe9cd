"""Correcting a decision: one officer asks to revoke an approval, another confirms, and the
approval's effect on cover is undone from its start (a suspension it created removed, one it
closed open again, a retirement or a waiting period it set undone)."""

from __future__ import annotations

import datetime as dt

import pytest

from medpause.audit.models import AuditEvent
from medpause.cases.models import Suspension
from medpause.cases.services import (
    application_cancel_revocation,
    application_confirm_revocation,
    application_revoke,
)
from medpause.common.dates import add_months, today
from medpause.common.errors import Conflict, Forbidden, Refused
from medpause.coverage.selectors import card_status_on
from medpause.notices.models import Notice
from medpause.registry.models import Person
from tests.cases.helpers import paused_flexible, resume, stop
from tests.cases.test_supersede import _approved_stop
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db
D = dt.timedelta


def unit_stop(start, reason="resignation"):
    person = make_person("110000")
    agent = make_user("unit_agent", unit=person.unit)
    first, second = make_user("officer", region="110000"), make_user("officer", region="110000")
    app = stop(agent, person, reason, start, approve_by=first)
    return person, app, first, second


def test_two_officers_revoke_an_approved_stop_and_the_card_works_again(django_capture_on_commit_callbacks):
    person, app, first, second = unit_stop(today() - D(days=5))
    assert card_status_on(person=person, day=today()).status == "suspended"
    with django_capture_on_commit_callbacks(execute=True):
        app = application_revoke(actor=first, application=app, reason="  The resignation was withdrawn.  ")
    assert app.status == "revocation_requested" and app.revocation_reason == "The resignation was withdrawn."
    assert card_status_on(person=person, day=today()).status == "suspended"  # nothing undone yet
    with pytest.raises(Forbidden) as caught:  # the same officer does not confirm
        application_confirm_revocation(actor=first, application=app)
    assert caught.value.code == "four_eyes" and caught.value.status == 403
    assert str(caught.value.message) == "撤销申请由您提出：须由另一名经办人员确认。"  # the default language
    with django_capture_on_commit_callbacks(execute=True):
        app = application_confirm_revocation(actor=second, application=app)
    assert app.status == "revoked" and app.revoked_by == second
    assert not Suspension.objects.filter(person=person).exists()
    assert card_status_on(person=person, day=today() - D(days=5)).status == "active"  # undone from its start
    moves = list(app.events.values_list("action", "from_status", "to_status", "actor_id"))
    assert moves[-2:] == [("revoke", "approved", "revocation_requested", first.pk),
                          ("confirm_revocation", "revocation_requested", "revoked", second.pk)]
    event = AuditEvent.objects.filter(action="application.confirm_revocation", target_id=str(app.pk)).get()
    assert event.data["undone"] == "stop" and event.data["periods"] == [
        {"start": (today() - D(days=5)).isoformat(), "end": None, "statuses": ["suspended"]}
    ]
    notices = Notice.objects.filter(application=app, code="application.confirm_revocation")
    assert {(n.person_id, n.unit_id) for n in notices} == {(person.pk, person.unit_id)}
    assert Notice.objects.filter(application=app, code="application.revoke").exists()


def test_only_an_approved_decision_is_revoked_and_only_a_requested_revocation_confirmed():
    person, app, first, second = unit_stop(today())
    with pytest.raises(Conflict) as caught:
        application_confirm_revocation(actor=second, application=app)
    assert caught.value.code == "invalid_transition"
    with pytest.raises(Refused) as caught:
        application_revoke(actor=first, application=app, reason="   ")
    assert caught.value.code == "reason_required"
    app = application_revoke(actor=first, application=app, reason="wrong person")
    with pytest.raises(Conflict):
        application_revoke(actor=second, application=app, reason="again")
    stranger = make_user("officer", region="310000")
    with pytest.raises(Forbidden):
        application_confirm_revocation(actor=stranger, application=app)


def test_a_revocation_asked_for_by_mistake_is_cancelled_and_the_decision_stands():
    person, app, first, second = unit_stop(today())
    app = application_revoke(actor=first, application=app, reason="wrong file")
    app = application_cancel_revocation(actor=first, application=app)
    assert app.status == "approved" and app.revocation_reason == ""
    assert card_status_on(person=person, day=today()).status == "suspended"
    # a new request by the other officer may now be confirmed by the first
    app = application_revoke(actor=second, application=app, reason="really wrong")
    assert application_confirm_revocation(actor=first, application=app).status == "revoked"


def test_revoking_a_death_reopens_the_stop_it_closed():
    person = make_person("110000")
    officer = make_user("officer", region="110000")
    start = today() - D(days=20)
    _approved_stop(officer, person, "resignation", start, ["id_card", "medical_insurance_card", "resignation_certificate"])
    death_day = today() - D(days=5)
    death = _approved_stop(officer, person, "death", death_day,
                           ["death_certificate", "heir_relationship_proof", "medical_insurance_card"])
    assert card_status_on(person=person, day=today()).status == "terminated"
    death = application_revoke(actor=officer, application=death, reason="Not this person.")
    application_confirm_revocation(actor=make_user("officer", region="110000"), application=death)
    (resignation,) = Suspension.objects.filter(person=person)
    assert resignation.reason == "resignation" and resignation.end_date is None
    assert card_status_on(person=person, day=today()).status == "suspended"


def test_revoking_a_retirement_undoes_it():
    person, app, first, second = unit_stop(today(), reason="retirement")
    assert Person.objects.get(pk=person.pk).retired
    app = application_revoke(actor=first, application=app, reason="Not yet of age.")
    app = application_confirm_revocation(actor=second, application=app)
    assert not Person.objects.get(pk=person.pk).retired
    assert app.revocation_effect["unretired"] is True


def test_revoking_a_resumption_reopens_the_stop_and_lifts_its_waiting_period():
    person, me, officer, suspension = paused_flexible("110000", start=today(), months=6)
    resume_on = add_months(today(), 3) + D(days=4)  # a break long enough for the waiting period
    app = resume(me, person, resume_on, suspension=suspension, approve_by=officer)
    suspension.refresh_from_db()
    waited = suspension.benefits_from
    assert suspension.end_date == resume_on - D(days=1) and waited == add_months(resume_on, 6)
    other = make_user("officer", region="110000")
    app = application_revoke(actor=other, application=app, reason="The documents were forged.")
    app = application_confirm_revocation(actor=officer, application=app)
    suspension.refresh_from_db()
    assert (suspension.end_date, suspension.benefits_from, suspension.resume_application_id) == (None, None, None)
    assert card_status_on(person=person, day=resume_on).status == "suspended"
    assert app.revocation_effect["periods"] == [
        {"start": resume_on.isoformat(), "end": (waited - D(days=1)).isoformat(), "statuses": ["waiting"]}
    ]


def test_a_stop_with_a_resumption_filed_is_corrected_only_after_it():
    person, me, officer, suspension = paused_flexible("310000", start=today(), months=2)
    stop_app = suspension.stop_application
    resume(me, person, today() + D(days=10), suspension=suspension)  # submitted, waiting
    with pytest.raises(Conflict) as caught:
        application_revoke(actor=officer, application=stop_app, reason="wrong")
    assert caught.value.code == "revocation_blocked"
    assert caught.value.details["resumption"]
    assert Suspension.objects.filter(pk=suspension.pk).exists()
