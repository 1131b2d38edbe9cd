"""Notices: queued when an application moves, reminders of planned ends and overdue reviews."""

import datetime as dt

import pytest
from django.utils import translation

from medpause.cases.services import application_approve, application_create, application_submit
from medpause.cases.services.reminders import reminders_send
from medpause.common.dates import today
from medpause.common.errors import Refused
from medpause.notices.models import Notice
from medpause.notices.selectors import notices_for
from medpause.notices.services import notice_text
from tests.cases.helpers import flexible_with_login, paused_flexible, stop

pytestmark = pytest.mark.django_db


def test_transitions_notify_the_person_and_on_submit_the_region(django_capture_on_commit_callbacks):
    person, me, officer = flexible_with_login("310000")
    app = stop(me, person, "flexible_pause", today(), today() + dt.timedelta(days=30), submit=False)
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(actor=me, application=app)
    with django_capture_on_commit_callbacks(execute=True):
        application_approve(actor=officer, application=app)
    mine = notices_for(me)
    assert sorted(n.code for n in mine) == ["application.approve", "application.submit"]
    assert [n.code for n in notices_for(officer)] == ["application.submit"]
    with translation.override("en"):
        assert notice_text(notices_for(officer)[0]) == f"Application {app.reference} was submitted to the bureau."
    other_region = flexible_with_login("110000")[2]
    assert notices_for(other_region) == []


def test_a_rolled_back_transition_notifies_nobody(django_capture_on_commit_callbacks):
    person, me, _officer = flexible_with_login("310000")
    app = application_create(
        actor=me, kind="stop", person=person, reason="flexible_pause", start_date=today(),
        end_date=today() + dt.timedelta(days=30),
    )
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Refused):  # no documents yet
        application_submit(actor=me, application=app)
    assert not Notice.objects.exists()


def test_planned_end_reminder_is_sent_once_within_the_window():
    near, me, _o, suspension = paused_flexible("310000", start=today(), months=1)
    far, *_ = paused_flexible("310000", start=today(), months=5)
    on = suspension.planned_end_date - dt.timedelta(days=14)
    assert reminders_send(on=on - dt.timedelta(days=1)) == 0
    assert reminders_send(on=on) == 1
    assert reminders_send(on=on) == 0
    notice = Notice.objects.get(code="suspension.planned_end")
    assert notice.person == near and notice.params == {"date": suspension.planned_end_date.isoformat()}
    assert notices_for(me) == [notice]
    assert not Notice.objects.filter(person=far).exists()


def test_overdue_reviews_are_flagged_once_to_the_region():
    person, me, officer = flexible_with_login("310000")
    app = stop(me, person, "flexible_pause", today(), today() + dt.timedelta(days=30))
    assert reminders_send(on=app.due_date) == 0
    assert reminders_send(on=app.due_date + dt.timedelta(days=1)) == 1
    assert reminders_send(on=app.due_date + dt.timedelta(days=2)) == 0
    assert [n.code for n in notices_for(officer)] == ["review.overdue"]
