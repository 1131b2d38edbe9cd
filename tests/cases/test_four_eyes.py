"""Four eyes: whoever filed an application (created or submitted it, at the counter) or added
documents to it may not decide it; another officer of the region does."""

from __future__ import annotations

import datetime as dt

import pytest

from medpause.cases import rules
from medpause.cases.models import Application
from medpause.cases.services import (
    application_approve,
    application_create,
    application_reject,
    application_request_supplement,
    application_submit,
    application_take,
    document_add,
)
from medpause.cases.states import Status
from medpause.common.dates import today
from medpause.common.errors import Forbidden
from tests.cases.helpers import stop, upload_required
from tests.factories import PNG_1PX, make_person, make_user

pytestmark = pytest.mark.django_db


def test_the_rule_at_its_boundary():
    assert rules.four_eyes_refusal(decider_id=7, hands=[3, 5]) is None
    refusal = rules.four_eyes_refusal(decider_id=5, hands=[3, 5])
    assert refusal is not None and refusal.code == "four_eyes"
    error = refusal.error()
    assert isinstance(error, Forbidden) and error.status == 403 and error.code == "four_eyes"
    assert rules.four_eyes_refusal(decider_id=None, hands=[3]) is None  # decided by rule


@pytest.fixture
def counter():
    person = make_person("310000", category="flexible")
    filer = make_user("officer", region="310000")
    other = make_user("officer", region="310000")
    end = today() + dt.timedelta(days=60)
    app = stop(filer, person, "flexible_pause", today(), end)
    return app, filer, other


@pytest.mark.parametrize("decide", ["approve", "reject", "supplement"])
def test_the_officer_who_filed_at_the_counter_may_not_decide(counter, decide):
    app, filer, other = counter
    calls = {
        "approve": lambda actor: application_approve(actor=actor, application=app),
        "reject": lambda actor: application_reject(actor=actor, application=app, reason="incomplete"),
        "supplement": lambda actor: application_request_supplement(
            actor=actor, application=app, reason="stamp missing", documents=["identity"]),
    }
    with pytest.raises(Forbidden) as err:
        calls[decide](filer)
    assert err.value.code == "four_eyes" and err.value.status == 403
    assert Application.objects.get(pk=app.pk).status == Status.SUBMITTED
    calls[decide](other)  # a second officer of the region decides
    assert Application.objects.get(pk=app.pk).status != Status.SUBMITTED


def test_taking_into_review_is_not_a_decision(counter):
    app, filer, _ = counter
    assert application_take(actor=filer, application=app).status == Status.IN_REVIEW


def test_an_officer_who_only_submitted_it_may_not_decide():
    person = make_person("310000", category="flexible")
    first, second, third = (make_user("officer", region="310000") for _ in range(3))
    app = application_create(actor=first, kind="stop", person=person, reason="flexible_pause",
                             start_date=today(), end_date=today() + dt.timedelta(days=60))
    upload_required(first, app)
    Application.objects.filter(pk=app.pk).update(created_by=None)  # only the history row names the filer
    app = application_submit(actor=second, application=app)
    with pytest.raises(Forbidden):
        application_approve(actor=second, application=app)
    assert application_approve(actor=third, application=app).status == Status.APPROVED


def test_an_officer_who_uploaded_a_document_may_not_decide():
    person = make_person("310000", category="flexible")
    me = make_user("individual", person=person)
    helper, other = make_user("officer", region="310000"), make_user("officer", region="310000")
    app = stop(me, person, "flexible_pause", today(), today() + dt.timedelta(days=60))
    other_decides = application_request_supplement(
        actor=other, application=app, reason="a clearer copy", documents=["identity"])
    assert other_decides.status == Status.SUPPLEMENT_REQUESTED
    # the officer helps the applicant by uploading the clearer copy
    document_add(actor=helper, application=app, kind="id_card", data=PNG_1PX, filename="id.png")
    app = application_submit(actor=me, application=app)
    with pytest.raises(Forbidden) as err:
        application_approve(actor=helper, application=app)
    assert err.value.code == "four_eyes"
    assert application_approve(actor=other, application=app).status == Status.APPROVED


def test_an_applicants_own_application_is_decided_by_any_officer():
    person = make_person("310000", category="flexible")
    me, officer = make_user("individual", person=person), make_user("officer", region="310000")
    app = stop(me, person, "flexible_pause", today(), today() + dt.timedelta(days=60))
    assert application_approve(actor=officer, application=app).status == Status.APPROVED
