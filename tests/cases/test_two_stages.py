"""Two-stage review where the policy has review_stages = 2 (Guilin): the first approval gives
`checked`, another officer takes the final decision, each stage has its own time limit, and
reject or ask for more are open at either stage."""

from __future__ import annotations

import pytest

from medpause.cases import rules
from medpause.cases.models import Suspension
from medpause.cases.selectors import application_policy
from medpause.cases.selectors.queue import review_stage
from medpause.cases.services import (
    application_approve,
    application_reject,
    application_request_supplement,
    application_submit,
    document_add,
)
from medpause.common.dates import add_working_days, today
from medpause.common.errors import Forbidden
from medpause.policy.models import Region
from medpause.policy.selectors import policy_in_force
from tests.cases.helpers import stop
from tests.factories import PNG_1PX, make_person, make_user

pytestmark = pytest.mark.django_db


def guilin_case():
    person = make_person("450300")
    agent = make_user("unit_agent", unit=person.unit)
    first, second = make_user("officer", region="450300"), make_user("officer", region="450300")
    return person, stop(agent, person, "resignation", today()), agent, first, second


def test_the_stage_time_limits_come_from_the_policy():
    _pv, guilin = policy_in_force(region=Region.objects.get(code="450300"))
    _pv, beijing = policy_in_force(region=Region.objects.get(code="110000"))
    resignation = guilin.reasons["resignation"]
    assert (guilin.review_stages, guilin.check_days, resignation.review_days) == (2, 3, 5)
    assert rules.stage_days(policy=guilin, reason=resignation, stage=1) == 3
    assert rules.stage_days(policy=guilin, reason=resignation, stage=2) == 2
    one = beijing.reasons["resignation"]
    assert beijing.review_stages == 1
    assert rules.stage_days(policy=beijing, reason=one, stage=1) == one.review_days


def test_the_first_approval_checks_and_another_officer_decides():
    person, app, _agent, first, second = guilin_case()
    assert app.due_date == add_working_days(today(), 3) and review_stage(app) == 1
    app = application_approve(actor=first, application=app, note="Documents complete.")
    assert app.status == "checked" and app.checked_by == first
    assert app.due_date == add_working_days(today(), 2) and review_stage(app) == 2
    assert not Suspension.objects.filter(person=person).exists()  # nothing decided yet
    with pytest.raises(Forbidden) as caught:
        application_approve(actor=first, application=app)
    assert caught.value.code == "four_eyes" and caught.value.status == 403
    app = application_approve(actor=second, application=app)
    assert app.status == "approved" and app.decided_by == second and review_stage(app) is None
    assert Suspension.objects.filter(person=person, stop_application=app).exists()
    moves = list(app.events.values_list("action", "from_status", "to_status"))
    assert moves[-2:] == [("check", "submitted", "checked"), ("approve", "checked", "approved")]


def test_reject_or_ask_for_more_at_either_stage():
    _person, app, agent, first, second = guilin_case()
    assert application_reject(actor=first, application=app, reason="Not employed here.").status == "rejected"
    person, app, agent, first, second = guilin_case()
    app = application_approve(actor=first, application=app)
    assert application_reject(actor=second, application=app, reason="Wrong date.").status == "rejected"
    person, app, agent, first, second = guilin_case()
    app = application_approve(actor=first, application=app)
    app = application_request_supplement(actor=second, application=app, reason="Clearer copy.", documents=["identity"])
    assert app.status == "supplement_requested"
    kind = application_policy(app).groups["identity"].any_of[0]
    document_add(actor=agent, application=app, kind=kind, data=PNG_1PX, filename="id.png")
    app = application_submit(actor=agent, application=app)  # back to the first stage, its time limit again
    assert (app.status, app.checked_by, review_stage(app)) == ("submitted", None, 1)
    assert app.due_date == add_working_days(today(), 3)
    # the officer who checked before may check again; the final decision is then another's
    app = application_approve(actor=first, application=app)
    assert application_approve(actor=second, application=app).status == "approved"


def test_one_stage_regions_approve_at_once():
    person = make_person("110000")
    agent = make_user("unit_agent", unit=person.unit)
    app = stop(agent, person, "resignation", today())
    assert review_stage(app) is None
    assert application_approve(actor=make_user("officer", region="110000"), application=app).status == "approved"
