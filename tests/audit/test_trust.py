"""What someone with the database alone cannot do to the audit trail unseen (ADR 0010): remove
the last events with the head row, set the head back, claim the unkeyed scheme, forge a
checkpoint or an anchor. And how verification resumes from its signed checkpoints."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from medpause.audit import anchors as anchors_module
from medpause.audit.anchors import AnchorError, anchor_signature, audit_anchor
from medpause.audit.chain import GENESIS, audit_digest, chain_hash, event_fields
from medpause.audit.models import AuditCheckpoint, AuditEvent, AuditHead, Scheme
from medpause.audit.services import audit_record, audit_record_many, audit_verify

pytestmark = pytest.mark.django_db


def chain(n: int, start: int = 0) -> list[AuditEvent]:
    return [
        audit_record(actor=None, action="test.event", target=("test", i), data={"i": i})
        for i in range(start, start + n)
    ]


def head_values() -> dict:
    return AuditHead.objects.filter(pk=1).values("seq", "hash", "legacy_until", "signature").get()


@pytest.fixture
def anchor_file(settings) -> Path:
    return Path(settings.MEDPAUSE_AUDIT_ANCHOR)


# --- the head ----------------------------------------------------------------------------------


def test_removing_the_last_events_with_the_head_row_fails():
    chain(6)
    AuditEvent.objects.filter(seq__gte=5)._raw_delete(AuditEvent.objects.db)
    AuditHead.objects.all().delete()
    result = audit_verify()
    assert (result.ok, result.broken_seq) == (False, 5) and "head row is missing" in result.problem


def test_setting_the_head_back_without_the_key_fails():
    events = chain(6)
    AuditEvent.objects.filter(seq__gte=5)._raw_delete(AuditEvent.objects.db)
    AuditHead.objects.filter(pk=1).update(seq=4, hash=events[3].hash)
    result = audit_verify()
    assert (result.ok, result.broken_seq) == (False, 4) and "signature" in result.problem


def test_a_head_replayed_from_earlier_is_caught_by_the_last_checkpoint():
    chain(4)
    earlier = head_values()  # e.g. from an old backup: a head signed in its day
    chain(2, start=4)
    assert audit_verify().ok  # a checkpoint at event 6
    AuditEvent.objects.filter(seq__gte=5)._raw_delete(AuditEvent.objects.db)
    AuditHead.objects.filter(pk=1).update(**earlier)
    result = audit_verify()
    assert (result.ok, result.broken_seq) == (False, 5) and "checkpoint reached event 6" in result.problem


def test_a_head_replayed_with_the_checkpoints_removed_is_caught_by_the_anchor(anchor_file):
    chain(4)
    earlier = head_values()
    chain(2, start=4)
    assert audit_anchor()["seq"] == 6
    AuditEvent.objects.filter(seq__gte=5)._raw_delete(AuditEvent.objects.db)
    AuditHead.objects.filter(pk=1).update(**earlier)
    AuditCheckpoint.objects.all().delete()
    result = audit_verify()
    assert (result.ok, result.broken_seq) == (False, 5) and "before its anchor at event 6" in result.problem
    with pytest.raises(AnchorError, match="before the latest anchor"):
        audit_anchor()  # never anchors a chain that was cut
    assert len(anchor_file.read_text().splitlines()) == 1


def test_even_everything_deleted_is_caught_by_the_anchor():
    chain(3)
    audit_anchor()
    AuditEvent.objects.all()._raw_delete(AuditEvent.objects.db)
    AuditHead.objects.all().delete()
    AuditCheckpoint.objects.all().delete()
    result = audit_verify()
    assert not result.ok and result.broken_seq == 1 and "anchor at event 3" in result.problem


def test_raising_the_end_of_the_unkeyed_part_breaks_the_heads_signature():
    chain(3)
    AuditHead.objects.filter(pk=1).update(legacy_until=3)
    assert "signature" in audit_verify().problem


# --- anchors -----------------------------------------------------------------------------------


def test_anchors_are_appended_one_json_line_each(anchor_file):
    chain(2)
    first = audit_anchor()
    chain(1, start=2)
    out = StringIO()
    call_command("audit", "anchor", stdout=out)
    assert "anchored event 3" in out.getvalue()
    lines = [json.loads(line) for line in anchor_file.read_text().splitlines()]
    assert lines[0] == first and [a["seq"] for a in lines] == [2, 3]
    assert lines[1]["hash"] == AuditEvent.objects.get(seq=3).hash
    assert set(lines[1]) == {"seq", "hash", "at", "signature"}
    assert lines[1]["signature"] == anchor_signature(3, lines[1]["hash"], lines[1]["at"])
    assert anchor_file.stat().st_mode & 0o777 == 0o600
    result = audit_verify()
    assert result.ok and result.anchor_seq == 3


def test_the_file_is_opened_for_appending(anchor_file, monkeypatch):
    opened = []
    real_open = os.open
    monkeypatch.setattr(
        anchors_module.os,
        "open",
        lambda path, flags, mode=0o777: opened.append(flags) or real_open(path, flags, mode),
    )
    audit_anchor()
    assert opened and opened[0] & os.O_APPEND and not opened[0] & os.O_TRUNC


def test_a_forged_or_unreadable_anchor_fails(anchor_file):
    chain(2)
    audit_anchor()
    with anchor_file.open("a") as fh:
        fh.write(json.dumps({"seq": 1, "hash": "f" * 64, "at": "2030-01-01", "signature": "0" * 64}) + "\n")
    result = audit_verify()
    assert not result.ok and "line 2" in result.problem and "signature" in result.problem
    anchor_file.write_text("not json\n")
    assert "not an anchor" in audit_verify().problem


def test_the_anchored_event_must_keep_its_hash(anchor_file):
    events = chain(3)
    at = "2030-01-01T00:00:00+00:00"
    other = "e" * 64  # as if event 2 had been anchored with another hash, i.e. replaced since
    anchor_file.write_text(
        json.dumps({"seq": 2, "hash": other, "at": at, "signature": anchor_signature(2, other, at)}) + "\n"
    )
    result = audit_verify()
    assert (result.ok, result.broken_seq) == (False, 2) and "differs from its anchor" in result.problem
    assert events[1].hash != other


def test_anchors_can_be_posted_to_an_https_address(settings, monkeypatch):
    chain(2)
    sent = []

    class Answer:
        status = 201

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def urlopen(request, timeout):
        sent.append((request.full_url, request.get_method(), request.data, request.headers, timeout))
        return Answer()

    monkeypatch.setattr(anchors_module.urllib.request, "urlopen", urlopen)
    settings.MEDPAUSE_AUDIT_ANCHOR = "https://anchors.example.org/medpause"
    anchor = audit_anchor()
    [(url, method, body, headers, timeout)] = sent
    assert (url, method, timeout) == ("https://anchors.example.org/medpause", "POST", 10)
    assert json.loads(body) == anchor and headers["Content-type"] == "application/json"
    result = audit_verify()
    assert result.ok and any("--anchors" in note for note in result.notes)
    Answer.status = 500
    with pytest.raises(AnchorError, match="HTTP 500"):
        audit_anchor()
    settings.MEDPAUSE_AUDIT_ANCHOR = "http://anchors.example.org/medpause"
    with pytest.raises(ImproperlyConfigured):
        audit_anchor()


def test_verify_checks_against_a_copy_of_the_anchors(tmp_path):
    chain(2)
    earlier = head_values()
    chain(1, start=2)
    copy = tmp_path / "copy.jsonl"  # anchors posted elsewhere, fetched back for the check
    audit_anchor(target=str(copy))
    AuditEvent.objects.filter(seq=3)._raw_delete(AuditEvent.objects.db)
    AuditHead.objects.filter(pk=1).update(**earlier)
    assert audit_verify().ok  # without the anchors (nor a checkpoint), the cut is not seen
    assert "before its anchor" in audit_verify(anchors=copy).problem
    with pytest.raises(CommandError, match="before its anchor"):
        call_command("audit", "verify", "--anchors", str(copy), stdout=StringIO(), stderr=StringIO())


# --- checkpoints -------------------------------------------------------------------------------


def test_verify_resumes_from_its_signed_checkpoint():
    chain(5)
    first = audit_verify()
    assert (first.ok, first.checked, first.resumed_from, first.last_seq) == (True, 5, 0, 5)
    assert AuditCheckpoint.objects.get().seq == 5
    chain(3, start=5)
    second = audit_verify()
    assert (second.ok, second.checked, second.resumed_from, second.last_seq, second.sampled) == (
        True,
        3,
        5,
        8,
        5,
    )
    assert list(AuditCheckpoint.objects.values_list("seq", flat=True)) == [8, 5]
    third = audit_verify()  # nothing new: no new checkpoint
    assert (third.ok, third.checked, third.resumed_from) == (True, 0, 8)
    assert AuditCheckpoint.objects.count() == 2
    full = audit_verify(full=True)
    assert (full.ok, full.checked, full.resumed_from) == (True, 8, 0)
    out = StringIO()
    call_command("audit", "verify", stdout=out, stderr=StringIO())
    assert "8 events verified (0 walked after the signed checkpoint at event 8, 8 earlier ones sampled)" in (
        out.getvalue()
    )


def test_a_forged_checkpoint_fails():
    chain(4)
    AuditCheckpoint.objects.create(
        seq=2, hash=AuditEvent.objects.get(seq=2).hash, at="2030-01-01T00:00Z", signature="0" * 64
    )
    result = audit_verify()
    assert not result.ok and "checkpoint at event 2" in result.problem


def test_an_event_changed_before_the_checkpoint_is_found_by_sampling_and_by_the_full_walk():
    chain(6)
    assert audit_verify().ok
    AuditEvent.objects.filter(seq=2).update(data={"i": 99})
    result = audit_verify(sample=0)  # the walk alone starts after the checkpoint: nothing to see
    assert result.ok and result.checked == 0
    result = audit_verify()  # the sample (all six here) finds it
    assert (result.ok, result.broken_seq) == (False, 2) and "content" in result.problem
    assert audit_verify(full=True, sample=0).broken_seq == 2


def test_an_event_removed_before_the_checkpoint_is_named():
    chain(6)
    assert audit_verify().ok
    AuditEvent.objects.filter(seq=3)._raw_delete(AuditEvent.objects.db)
    result = audit_verify(sample=0)
    assert (result.ok, result.broken_seq) == (False, 3) and "missing" in result.problem


def test_a_changed_checkpoint_event_sends_the_walk_back_to_an_earlier_checkpoint():
    chain(3)
    assert audit_verify().ok  # checkpoint at 3
    chain(3, start=3)
    assert audit_verify().ok  # checkpoint at 6
    AuditEvent.objects.filter(seq=6).update(hash="a" * 64)
    result = audit_verify(sample=0)
    assert (result.ok, result.broken_seq, result.resumed_from) == (False, 6, 3)


# --- the scheme of existing chains ------------------------------------------------------------


def _legacy_chain(n: int) -> None:
    """Events as the unkeyed chain wrote them (SHA-256) and its head before the keyed change."""
    from django.utils import timezone

    prev = GENESIS
    for i in range(1, n + 1):
        event = AuditEvent(
            seq=i,
            at=timezone.now(),
            actor_username="",
            actor_role="system",
            action="old.event",
            target_type="test",
            target_id=str(i),
            data={"i": i},
            scheme=Scheme.SHA256,
            prev_hash=prev,
        )
        body = (
            prev.encode()
            + b"\n"
            + json.dumps(
                event_fields(event), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
            ).encode()
        )
        event.hash = hashlib.sha256(body).hexdigest()
        event.save()
        prev = event.hash
    AuditHead.objects.update_or_create(
        pk=1, defaults={"seq": n, "hash": prev, "legacy_until": 0, "signature": ""}
    )


def test_a_chain_written_before_the_keyed_one_still_verifies_once_sealed():
    _legacy_chain(4)
    assert not audit_verify().ok  # an unsigned head with events: not before the migration seals it
    seal = importlib.import_module("medpause.audit.migrations.0003_seal_the_head").seal
    seal(django_apps, None)
    assert head_values()["legacy_until"] == 4
    assert audit_verify().ok
    chain(2)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.scheme for e in events] == [1, 1, 1, 1, 2, 2] and events[4].prev_hash == events[3].hash
    assert events[4].hash == chain_hash(events[3].hash, event_fields(events[4]))
    result = audit_verify(full=True)
    assert (result.ok, result.checked) == (True, 6)
    AuditEvent.objects.filter(seq=2).update(data={"i": 0})
    assert audit_verify(full=True).broken_seq == 2


def test_many_at_once_are_keyed_and_signed_too():
    chain(1)
    audit_record_many(
        [
            {"actor": None, "action": "x.many", "target": ("t", i), "data": {"rows": audit_digest([i])}}
            for i in range(3)
        ]
    )
    assert list(AuditEvent.objects.order_by("seq").values_list("scheme", flat=True)) == [2, 2, 2, 2]
    head = head_values()
    assert head["seq"] == 4 and audit_verify().ok
    assert audit_digest([{"b": 1, "a": "x"}]) == hashlib.sha256(b'[{"a":"x","b":1}]').hexdigest()
