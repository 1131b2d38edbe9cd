"""The state machine: every status against every action, by the table and through the services."""

import datetime as dt

import pytest

from medpause.cases.models import Application, ApplicationEvent
from medpause.cases.services import (
    application_approve,
    application_cancel_revocation,
    application_confirm_revocation,
    application_reject,
    application_request_supplement,
    application_revoke,
    application_submit,
    application_take,
    application_withdraw,
    document_add,
)
from medpause.cases.states import Action, Move, Status, allowed_actions, move, target_of, walk
from medpause.common.dates import today
from medpause.common.errors import Conflict
from tests.cases.helpers import flexible_with_login, stop
from tests.factories import PNG_1PX, make_user

S, A = Status, Action

# Written out by hand from the diagram, not derived from states.TRANSITIONS.
EXPECTED = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.DRAFT, A.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, A.TAKE): S.IN_REVIEW,
    (S.SUBMITTED, A.APPROVE): S.APPROVED,
    (S.SUBMITTED, A.REJECT): S.REJECTED,
    (S.SUBMITTED, A.REQUEST_SUPPLEMENT): S.SUPPLEMENT_REQUESTED,
    (S.SUBMITTED, A.WITHDRAW): S.WITHDRAWN,
    (S.IN_REVIEW, A.APPROVE): S.APPROVED,
    (S.IN_REVIEW, A.REJECT): S.REJECTED,
    (S.IN_REVIEW, A.REQUEST_SUPPLEMENT): S.SUPPLEMENT_REQUESTED,
    (S.SUPPLEMENT_REQUESTED, A.RESUBMIT): S.SUBMITTED,
    (S.SUPPLEMENT_REQUESTED, A.WITHDRAW): S.WITHDRAWN,
    # two review stages: the first approval is a check, the final decision follows
    (S.SUBMITTED, A.CHECK): S.CHECKED,
    (S.IN_REVIEW, A.CHECK): S.CHECKED,
    (S.CHECKED, A.APPROVE): S.APPROVED,
    (S.CHECKED, A.REJECT): S.REJECTED,
    (S.CHECKED, A.REQUEST_SUPPLEMENT): S.SUPPLEMENT_REQUESTED,
    (S.CHECKED, A.WITHDRAW): S.WITHDRAWN,
    # correcting a decision (four eyes: another officer confirms)
    (S.APPROVED, A.REVOKE): S.REVOCATION_REQUESTED,
    (S.REVOCATION_REQUESTED, A.CONFIRM_REVOCATION): S.REVOKED,
    (S.REVOCATION_REQUESTED, A.CANCEL_REVOCATION): S.APPROVED,
}
PAIRS = [(s, a) for s in Status for a in Action]


def test_the_matrix_covers_ten_states_and_eleven_actions():
    assert len(PAIRS) == 110
    assert len(EXPECTED) == 21


@pytest.mark.parametrize(("status", "action"), PAIRS, ids=[f"{s.value}-{a.value}" for s, a in PAIRS])
def test_table(status, action):
    if (status, action) in EXPECTED:
        assert target_of(status, action) == EXPECTED[(status, action)]
        assert str(action) in allowed_actions(status)
    else:
        with pytest.raises(Conflict) as exc:
            target_of(status, action)
        assert exc.value.code == "invalid_transition"
        assert exc.value.status == 409
        assert str(action) not in allowed_actions(status)


def test_a_walk_is_the_table_step_by_step_and_stops_at_an_illegal_step():
    assert walk(S.DRAFT, A.SUBMIT, A.APPROVE) == [
        Move("submit", "draft", "submitted"), Move("approve", "submitted", "approved"),
    ]
    assert move(S.SUPPLEMENT_REQUESTED, A.RESUBMIT) == Move("resubmit", "supplement_requested", "submitted")
    with pytest.raises(Conflict) as exc:  # a batch row cannot be approved before it is submitted
        walk(S.DRAFT, A.APPROVE)
    assert exc.value.code == "invalid_transition"


def test_final_states_allow_nothing_but_correcting_an_approval():
    for status in (S.REJECTED, S.WITHDRAWN, S.REVOKED):
        assert allowed_actions(status) == []
    assert allowed_actions(S.APPROVED) == ["revoke"]


# --- the same matrix through the services -------------------------------------------------


def _in_status(status: str, region: str = "310000"):
    """A flexible worker's pause application brought to `status` by the services: in Shanghai
    (one review stage), or in Guilin (two) for the check."""
    person, me, officer = flexible_with_login(region)
    start = today() + dt.timedelta(days=5)
    app = stop(me, person, "flexible_pause", start, start + dt.timedelta(days=40), submit=False)
    if status == S.DRAFT:
        return app, me, officer
    if status == S.WITHDRAWN:
        return application_withdraw(actor=me, application=app), me, officer
    app = application_submit(actor=me, application=app)
    if status == S.SUBMITTED:
        return app, me, officer
    app = application_take(actor=officer, application=app)
    if status == S.IN_REVIEW:
        return app, me, officer
    if status == S.CHECKED:  # Guilin: the first approval checks
        return application_approve(actor=officer, application=app), me, officer
    if status in (S.APPROVED, S.REVOCATION_REQUESTED, S.REVOKED):
        app = application_approve(actor=officer, application=app)
        if app.status == S.CHECKED:  # two stages: another officer takes the final decision
            app = application_approve(actor=make_user("officer", region=officer.region), application=app)
        if status != S.APPROVED:
            app = application_revoke(actor=officer, application=app, reason="wrong")
        if status == S.REVOKED:
            app = application_confirm_revocation(actor=make_user("officer", region=officer.region), application=app)
        return app, me, officer
    if status == S.REJECTED:
        return application_reject(actor=officer, application=app, reason="no"), me, officer
    assert status == S.SUPPLEMENT_REQUESTED
    app = application_request_supplement(actor=officer, application=app, reason="unreadable", documents=["identity"])
    document_add(actor=me, application=app, kind="passport", data=PNG_1PX, filename="p.png")  # answered already
    return app, me, officer


def _act(action, app, me, officer):
    if action in (A.SUBMIT, A.RESUBMIT):  # one service: it resubmits when more documents were asked for
        return application_submit(actor=me, application=app)
    if action == A.WITHDRAW:
        return application_withdraw(actor=me, application=app)
    if action == A.TAKE:
        return application_take(actor=officer, application=app)
    if action in (A.CHECK, A.APPROVE):  # one service: it checks where the policy has two stages;
        # the final decision of two stages is another officer's
        other = make_user("officer", region=officer.region) if app.status == S.CHECKED else officer
        return application_approve(actor=other, application=app)
    if action == A.REJECT:
        return application_reject(actor=officer, application=app, reason="not eligible")
    if action == A.REVOKE:
        return application_revoke(actor=officer, application=app, reason="wrong person")
    if action == A.CONFIRM_REVOCATION:  # another officer than the one who asked
        return application_confirm_revocation(actor=make_user("officer", region=officer.region), application=app)
    if action == A.CANCEL_REVOCATION:
        return application_cancel_revocation(actor=officer, application=app)
    return application_request_supplement(actor=officer, application=app, reason="more", documents=["identity"])


def _service_expected(status, action):
    """application_submit serves both submit and resubmit, choosing by the status."""
    if action in (A.SUBMIT, A.RESUBMIT):
        if status == S.DRAFT:
            return S.SUBMITTED, "submit"
        if status == S.SUPPLEMENT_REQUESTED:
            return S.SUBMITTED, "resubmit"
        return None, None
    if (status, action) == (S.CHECKED, A.CHECK):  # application_approve takes the final decision
        return S.APPROVED, "approve"
    target = EXPECTED.get((status, action))
    return target, (str(action) if target else None)


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "action"), PAIRS, ids=[f"{s.value}-{a.value}" for s, a in PAIRS])
def test_services(status, action):
    two_stages = status == S.CHECKED or action == A.CHECK
    app, me, officer = _in_status(status, "450300" if two_stages else "310000")
    assert app.status == status
    events_before = ApplicationEvent.objects.filter(application=app).count()
    target, event_action = _service_expected(status, action)
    if target is None:
        with pytest.raises(Conflict) as exc:
            _act(action, app, me, officer)
        assert exc.value.code == "invalid_transition"
        assert exc.value.status == 409
        assert Application.objects.get(pk=app.pk).status == status
        assert ApplicationEvent.objects.filter(application=app).count() == events_before
    else:
        _act(action, app, me, officer)
        assert Application.objects.get(pk=app.pk).status == target
        last = ApplicationEvent.objects.filter(application=app).last()
        assert (last.action, last.from_status, last.to_status) == (event_action, status, target)
