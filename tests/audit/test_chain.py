"""The append-only, hash-chained audit log: one event per change; tampering is found."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from medpause.accounts.services import token_issue, token_revoke
from medpause.audit.models import AuditEvent
from medpause.audit.services import audit_record, audit_record_many, audit_verify
from medpause.cases.services import (
    application_approve,
    application_create,
    application_reject,
    application_request_supplement,
    application_submit,
    application_take,
    application_withdraw,
    document_add,
)
from medpause.common.dates import add_months, month_start, today
from medpause.common.errors import Refused
from medpause.coverage.services import contribution_record, settlement_create
from tests.cases.helpers import flexible_with_login, upload_required
from tests.factories import PNG_1PX, make_person, make_unit, make_user

pytestmark = pytest.mark.django_db


class Recorder:
    """Counts the events an operation writes."""

    def __init__(self):
        self.mark = AuditEvent.objects.count()

    def new(self) -> list[str]:
        events = list(AuditEvent.objects.order_by("seq")[self.mark:])
        self.mark += len(events)
        return [e.action for e in events]


def test_each_registry_change_writes_one_event():
    r = Recorder()
    unit = make_unit()
    assert r.new() == ["unit.register"]
    person = make_person("110000", unit=unit)
    assert r.new() == ["person.register"]
    month = add_months(month_start(today()), -1)
    contribution_record(person=person, month=month)
    assert r.new() == ["contribution.record"]
    contribution_record(person=person, month=month)  # already recorded: nothing new
    assert r.new() == []


def test_each_transition_writes_one_event_and_a_refused_one_none():
    person, me, officer = flexible_with_login("310000")
    r = Recorder()
    start = today() + dt.timedelta(days=3)
    app = application_create(
        actor=me, kind="stop", person=person, reason="flexible_pause", start_date=start, end_date=start + dt.timedelta(days=30)
    )
    assert r.new() == ["application.create"]
    with pytest.raises(Refused):
        application_submit(actor=me, application=app)  # no documents yet
    assert r.new() == []
    document_add(actor=me, application=app, kind="id_card", data=PNG_1PX, filename="id.png")
    assert r.new() == ["document.add"]
    steps = [
        (lambda: application_submit(actor=me, application=app), "application.submit"),
        (lambda: application_take(actor=officer, application=app), "application.take"),
        (lambda: application_request_supplement(actor=officer, application=app, reason="blurred", documents=["identity"]),
         "application.request_supplement"),
        (lambda: document_add(actor=me, application=app, kind="passport", data=PNG_1PX, filename="p.png"), "document.add"),
        (lambda: application_submit(actor=me, application=app), "application.resubmit"),
        (lambda: application_approve(actor=officer, application=app), "application.approve"),
    ]
    for step, action in steps:
        step()
        assert r.new() == [action]
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.actor, event.actor_role, event.target_type, event.target_id) == (
        officer, "officer", "cases.application", str(app.pk)
    )
    assert event.data["from"] == "submitted" and event.data["to"] == "approved"
    assert event.data["effect"] == "suspend" and event.data["suspension_id"] == person.suspensions.get().pk


def test_reject_and_withdraw_write_one_event_each():
    person, me, officer = flexible_with_login("310000")
    start = today() + dt.timedelta(days=3)
    apps = []
    for offset in (0, 40):
        app = application_create(
            actor=me, kind="stop", person=person, reason="flexible_pause", start_date=start + dt.timedelta(days=offset),
            end_date=start + dt.timedelta(days=offset + 30),
        )
        upload_required(me, app)
        apps.append(application_submit(actor=me, application=app))
    r = Recorder()
    application_reject(actor=officer, application=apps[0], reason="no")
    assert r.new() == ["application.reject"]
    application_withdraw(actor=me, application=apps[1])
    assert r.new() == ["application.withdraw"]


def test_each_settlement_writes_one_event_a_repeat_none():
    person = make_person("310000", category="flexible")
    hospital = make_user("institution", institution_name="医院")
    r = Recorder()
    settlement_create(institution=hospital, card_number=person.card.number, date=today(), amount="10.00",
                      institution_reference="a")
    settlement_create(institution=hospital, card_number="nope", date=today(), amount="10.00", institution_reference="b")
    assert r.new() == ["settlement.create", "settlement.create"]
    settlement_create(institution=hospital, card_number="nope", date=today(), amount="10.00", institution_reference="b")
    assert r.new() == []


def test_users_and_tokens_are_audited():
    r = Recorder()
    user = make_user("officer", region="110000")
    raw = token_issue(user=user)
    token_revoke(raw=raw)
    assert r.new() == ["user.create", "token.issue", "token.revoke"]
    assert raw not in str(list(AuditEvent.objects.values_list("data", flat=True)))


# --- verification -----------------------------------------------------------------------------


def _chain(n: int = 6) -> list[AuditEvent]:
    return [audit_record(actor=None, action="test.event", target=("test", i), data={"i": i}) for i in range(n)]


def test_an_intact_chain_verifies():
    events = _chain()
    assert [e.seq for e in events] == [1, 2, 3, 4, 5, 6]
    assert events[1].prev_hash == events[0].hash and events[0].prev_hash == "0" * 64
    result = audit_verify()
    assert (result.ok, result.checked, result.broken_seq) == (True, 6, None)
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "6 events verified" in out.getvalue()


def test_verifies_across_chunks():
    _chain(7)
    assert audit_verify(chunk=3).ok


def test_many_events_at_once_join_the_same_chain():
    """A batch appends thousands of events in one go: the same links and hashes as one by one."""
    unit = make_unit()
    audit_record(actor=None, action="x.one", target=unit, data={"i": 1})
    count = audit_record_many([
        {"actor": None, "action": "x.many", "target": ("registry.unit", unit.pk), "data": {"i": i, "day": today()}}
        for i in range(5)
    ])
    audit_record(actor=None, action="x.after", target=unit)
    assert count == 5 and audit_record_many([]) == 0
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.action for e in events[-7:]] == ["x.one"] + ["x.many"] * 5 + ["x.after"]
    assert events[-2].data == {"i": 4, "day": today().isoformat()} and events[-2].actor_role == "system"
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert audit_verify().ok
    AuditEvent.objects.filter(pk=events[-3].pk).update(data={"i": 99})
    assert audit_verify().broken_seq == events[-3].seq


def test_changed_data_is_reported_at_its_event():
    _chain()
    AuditEvent.objects.filter(seq=3).update(data={"i": 99})
    result = audit_verify()
    assert (result.ok, result.broken_seq, result.checked) == (False, 3, 2)
    assert "content" in result.problem


@pytest.mark.parametrize("field", ["action", "actor_username", "target_id", "actor_role"])
def test_any_changed_field_is_reported(field):
    _chain()
    AuditEvent.objects.filter(seq=4).update(**{field: "forged"})
    assert audit_verify().broken_seq == 4


def test_a_rewritten_event_with_a_recomputed_hash_breaks_the_next_link():
    """Someone holding the audit key (outside the database) rewrites an event and its hash:
    the next event's link no longer matches."""
    from medpause.audit.chain import chain_hash, event_fields

    _chain()
    event = AuditEvent.objects.get(seq=2)
    event.data = {"i": 42}
    forged = chain_hash(event.prev_hash, event_fields(event))
    AuditEvent.objects.filter(seq=2).update(data=event.data, hash=forged)
    result = audit_verify()
    assert result.broken_seq == 3 and "link" in result.problem


def test_a_rewritten_chain_with_recomputed_sha256_is_found_without_the_key():
    """Someone with the database alone edits an event and recomputes every hash after it as the
    unkeyed chain did (SHA-256): the first rewritten event no longer matches its keyed hash."""
    import hashlib
    import json

    _chain()
    prev = AuditEvent.objects.get(seq=1).hash
    for event in AuditEvent.objects.filter(seq__gte=2).order_by("seq"):
        if event.seq == 2:
            event.data = {"i": 42}
        fields = {
            "seq": event.seq, "at": event.at.isoformat(), "actor_id": event.actor_id,
            "actor_username": event.actor_username, "actor_role": event.actor_role, "action": event.action,
            "target_type": event.target_type, "target_id": event.target_id, "data": event.data,
        }
        body = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
        digest = hashlib.sha256(prev.encode() + b"\n" + body).hexdigest()
        AuditEvent.objects.filter(pk=event.pk).update(data=event.data, prev_hash=prev, hash=digest)
        prev = digest
    result = audit_verify()
    assert (result.ok, result.broken_seq) == (False, 2) and "content" in result.problem
    AuditEvent.objects.filter(seq__gte=2).update(scheme=1)  # claiming the old, unkeyed scheme
    result = audit_verify()
    assert (result.ok, result.broken_seq) == (False, 2) and "unkeyed" in result.problem


def test_a_deleted_event_is_reported_at_its_seq():
    _chain()
    AuditEvent.objects.filter(seq=3).delete()
    result = audit_verify()
    assert (result.ok, result.broken_seq) == (False, 3)
    assert "missing" in result.problem


def test_a_deleted_last_event_is_reported():
    _chain()
    AuditEvent.objects.filter(seq=6).delete()
    result = audit_verify()
    assert (result.ok, result.broken_seq) == (False, 6)


def test_the_command_fails_on_a_broken_chain():
    _chain()
    AuditEvent.objects.filter(seq=5).update(data={})
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify", stdout=StringIO())
    assert "event 5" in str(exc.value)


def test_events_cannot_be_changed_or_deleted_through_the_model():
    event = _chain(1)[0]
    event.action = "forged"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    assert audit_verify().ok
