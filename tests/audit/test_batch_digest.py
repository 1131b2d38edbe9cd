"""A batch file chains ONE audit event carrying the digest of the rows it wrote (docs/adr/
0015-batch-staged-apply.md); `medpause audit verify` recomputes it from the rows as they stand,
so a changed application or history row of the batch is found, and the chain stays intact."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from medpause.audit.models import AuditEvent
from medpause.audit.services import audit_verify
from medpause.batches.publish import recompute
from medpause.cases.models import Application, ApplicationEvent
from medpause.common.dates import today
from tests.batches.conftest import Place, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def applied(settings):
    settings.MEDPAUSE_BATCH_RUNNER = "inline"
    place = Place("510100", employees=4)
    day = today()
    before = AuditEvent.objects.count()
    batch = place.run(csv_bytes([(p.id_number, "resignation", day.isoformat(), "") for p in place.people]))
    assert batch.status == "done" and batch.rows_applied == 4
    # the upload's event and the batch's one, however many rows
    assert AuditEvent.objects.count() == before + 2
    event = AuditEvent.objects.get(action="batch.apply", target_id=str(batch.pk))
    return batch, event


def _verify() -> str:
    out = StringIO()
    call_command("audit", "verify", "--full", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_batch_event_carries_the_digest_of_its_rows_and_verifies(applied):
    batch, event = applied
    assert event.data["applied"] == 4 and event.data["decided_on_the_spot"] == 4
    assert recompute(event.target_id, event.data) == event.data["rows_sha256"]
    assert "audit trail intact" in _verify()
    assert audit_verify().ok  # resumed from the checkpoint the full run wrote: nothing new to check


@pytest.mark.parametrize("change", ["application", "history", "lost_link"])
def test_a_changed_row_of_the_batch_is_found_at_its_event(applied, change):
    batch, event = applied
    app = Application.objects.filter(pk__in=batch.rows.values("application_id")).order_by("pk").last()
    if change == "application":  # the stop moved a day later, behind the audit's back
        Application.objects.filter(pk=app.pk).update(start_date=app.start_date + dt.timedelta(days=1))
    elif change == "history":  # the unit's note on the submission rewritten
        ApplicationEvent.objects.filter(application=app, action="submit").update(note="edited")
    else:  # a row no longer names its application
        batch.rows.filter(application_id=app.pk).update(application_id=None)
    result = audit_verify(full=True)
    assert not result.ok and result.broken_seq == event.seq
    assert "digest" in result.problem
    with pytest.raises(CommandError, match=f"broken at event {event.seq}"):
        _verify()


def test_a_later_move_by_an_officer_does_not_break_the_digest(applied):
    batch, event = applied
    app = Application.objects.filter(pk__in=batch.rows.values("application_id")).first()
    ApplicationEvent.objects.create(
        application=app, action="withdraw", from_status="approved", to_status="withdrawn", actor_role="officer",
        at=event.at + dt.timedelta(minutes=5),
    )
    Application.objects.filter(pk=app.pk).update(status="withdrawn")  # status is not what the batch vouches for
    assert audit_verify(full=True).ok
