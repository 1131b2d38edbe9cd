"""The apply stage: every valid row becomes one application, submitted, and where the policy
says the bureau handles it on the spot for units, approved at once by rule; all in ONE
transaction, so a batch is applied wholly or not at all (a crash rolls everything back and
the rerun starts the stage again).

Each row is judged again inside the transaction by the rulebook (cases.rules; the world may
have moved since validation). What a single application gets, a batch row gets too, written
in bulk: the application, its document (the batch file, see docs/adr/0005-batch-documents.md),
its moves through the state machine (draft -> submitted [-> approved], cases.states.walk) with
their history rows (cases.services.history), the effect of an approval as cases.rules computes
it, its notices, and one audit event per step (create, document, submit, approve), chained
with audit_record_many."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from medpause.audit.services import audit_record_many
from medpause.batches.models import Batch, BatchRow, BatchStatus, Stage
from medpause.batches.validate import CHUNK, UNIT, Facts, Judged, Policies, RowError, judge
from medpause.cases import rules
from medpause.cases.models import Application, Document, Kind, Suspension
from medpause.cases.references import DistinctReferences
from medpause.cases.rules import Refusal
from medpause.cases.services.history import audit_entry, history_row, write_history
from medpause.cases.states import Action, Move, Status, walk
from medpause.common.bulk import Inserter, update_many
from medpause.common.dates import add_working_days, today
from medpause.notices.models import Notice
from medpause.registry.models import Person

DOCUMENT_KIND = {Kind.STOP: "removal_form", Kind.RESUME: "addition_form"}
CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Rejudged(Exception):
    """Rows that were valid when checked but no longer are: nothing is applied."""

    def __init__(self, failures: list[tuple[int, Refusal]]):
        super().__init__(len(failures))
        self.failures = failures


def batch_note(batch: Batch, row: int) -> str:
    """The history note officers read on each application a batch made (stored once, in both
    languages; what it means is set out in docs/adr/0005-batch-documents.md)."""
    return (
        f"单位批量文件 #{batch.pk} 第 {row} 行：批量文件即单位减员/增员清单，其余材料由单位声明留存备查 / "
        f"unit batch file #{batch.pk}, row {row}: the file is the unit's removal/re-enrolment list; the other "
        "documents are declared held by the unit"
    )


@dataclass
class Totals:
    applied: int = 0
    decided: int = 0
    audit: int = 0
    _due: dict = field(default_factory=dict)

    def due(self, day: dt.date, review_days: int) -> dt.date:
        """The review time limit, computed once per number of working days."""
        if review_days not in self._due:
            self._due[review_days] = add_working_days(day, review_days)
        return self._due[review_days]


class Staged:
    """A valid staged row, read as plain values."""

    __slots__ = ("pk", "row", "person_id", "suspension_id", "reason", "start_date", "end_date")

    def __init__(self, pk, row, person_id, suspension_id, reason, start_date, end_date):
        self.pk, self.row, self.person_id, self.suspension_id = pk, row, person_id, suspension_id
        self.reason, self.start_date, self.end_date = reason, start_date, end_date


def _valid_rows(batch: Batch):
    last = 0
    while True:
        chunk = [
            Staged(*values)
            for values in BatchRow.objects.filter(batch=batch, code="", row__gt=last).order_by("row").values_list(
                "pk", "row", "person_id", "suspension_id", "reason", "start_date", "end_date"
            )[:CHUNK]
        ]
        if not chunk:
            return
        last = chunk[-1].row
        yield chunk


class LeaseLost(Exception):
    """Another worker took the batch over meanwhile (this one's lease lapsed): nothing is applied."""


def apply_batch(batch_id: int, *, crash_after: int | None = None, claim: str | None = None) -> Batch:
    """Apply a validated batch in one transaction. With `claim` (the worker's lease, see
    batches.lease), it commits only if the lease is still this worker's, else rolls back with
    LeaseLost. The batch row is not locked while rows are written, so that the worker's heartbeat
    can renew the lease meanwhile. `crash_after` exists for tests only: it raises after that
    many rows were written, as a killed process would stop."""
    with transaction.atomic():
        batch = Batch.objects.select_related("created_by").get(pk=batch_id)
        if batch.status != BatchStatus.VALIDATING:
            return batch  # finished by another worker meanwhile
        agent = batch.created_by
        day = today()
        policies = Policies(day)
        refs = DistinctReferences(batch.kind, day)
        totals = Totals()
        failures: list[tuple[int, Refusal]] = []
        for chunk in _valid_rows(batch):
            facts = Facts(unit_id=batch.unit_id, kind=batch.kind, person_ids={r.person_id for r in chunk})
            judged = []
            for r in chunk:
                person = facts.by_pk.get(r.person_id)
                try:
                    if person is None:
                        raise RowError("not_unit_employee")
                    judged.append((r, person, judge(
                        kind=batch.kind, person=person, reason_text=r.reason, start=r.start_date, end=r.end_date,
                        facts=facts, policies=policies,
                    )))
                except Refusal as exc:
                    failures.append((r.pk, exc))
            if failures:
                continue  # keep judging to report every row, write nothing more
            _write_chunk(batch, agent, judged, facts, policies, refs, totals)
            if crash_after is not None and totals.applied >= crash_after:
                raise RuntimeError("simulated crash in the middle of apply")
        if failures:
            raise Rejudged(failures)
        now = timezone.now()
        mine = Batch.objects.filter(pk=batch.pk, status=BatchStatus.VALIDATING)
        if claim is not None:
            mine = mine.filter(claimed_by=claim)
        if not mine.update(
            status=BatchStatus.DONE, stage=Stage.FINISHED, rows_applied=totals.applied, rows_decided=totals.decided,
            finished_at=now, claimed_at=None, claimed_by="", lease_until=None,
        ):
            raise LeaseLost(batch.pk)
        audit_record_many([{
            "actor": agent, "action": "batch.apply", "target": ("batches.batch", batch.pk),
            "data": {"kind": batch.kind, "applied": totals.applied, "decided_on_the_spot": totals.decided,
                     "sha256": batch.sha256},
        }])
    batch.refresh_from_db()
    return batch


class Plan:
    """What one valid row becomes: its application's values, its moves, its approval's rule."""

    __slots__ = ("row", "person", "pv", "policy", "judged", "reference", "moves", "rule", "app_id")

    def __init__(self, row: Staged, person, pv, policy, judged: Judged, reference: str):
        self.row, self.person, self.pv, self.policy, self.judged = row, person, pv, policy, judged
        self.reference = reference
        decided = rules.decided_on_the_spot(applicant_type=UNIT, reason=judged.reason)
        # draft -> submitted, and -> approved where the policy decides it on the spot: the state
        # machine's own moves, each checked by target_of, as application_submit makes them
        self.moves: list[Move] = walk(Status.DRAFT, Action.SUBMIT, *([Action.APPROVE] if decided else []))
        self.rule = rules.on_the_spot_rule(policy_label=pv.label, reason=judged.reason) if decided else ""
        self.app_id = 0

    @property
    def decided(self) -> bool:
        return self.moves[-1].action == Action.APPROVE


def _write_chunk(batch, agent, judged, facts: Facts, policies: Policies, refs: DistinctReferences,
                 totals: Totals) -> None:
    """One chunk of valid rows, written with plain multi-row INSERTs (common.bulk): the same
    rows and values the single-application services write, without a model instance per row."""
    now = timezone.now()
    kind = batch.kind
    plans = [
        Plan(r, person, *policies.of(person.region_id), j, reference)
        for (r, person, j), reference in zip(judged, refs.take(len(judged)), strict=True)
    ]
    app_ids = Inserter(
        Application,
        ["reference", "person_id", "region_id", "reason", "start_date", "end_date", "suspension_id", "early_resume",
         "status", "policy_version_id", "due_date", "decided_at", "decision_rule"],
        {
            "kind": kind, "applicant_type": UNIT, "unit_id": batch.unit_id, "created_by_id": agent.pk,
            "submitted_at": now, "first_submitted_at": now,
            "consequences_acknowledged_at": now if kind == Kind.STOP else None,
        },
        now=now,
    ).insert_returning([
        (p.reference, p.person.pk, p.person.region_id, p.judged.reason.code, p.row.start_date,
         p.row.end_date if kind == Kind.STOP else None, p.row.suspension_id if kind == Kind.RESUME else None,
         p.judged.early, p.moves[-1].target, p.pv.pk, totals.due(policies.on, p.judged.reason.review_days),
         now if p.decided else None, p.rule)
        for p in plans
    ])
    for p, app_id in zip(plans, app_ids, strict=True):
        p.app_id = app_id
    doc_ids = Inserter(
        Document, ["application_id"],
        {
            "kind": DOCUMENT_KIND[kind], "file": batch.file.name,
            "original_name": (batch.original_name or f"batch-{batch.pk}.{batch.file_format}")[-200:],
            "content_type": CONTENT_TYPES[batch.file_format], "size": batch.size, "sha256": batch.sha256,
            "uploaded_by_id": agent.pk,
        },
        now=now,
    ).insert_returning([(pk,) for pk in app_ids])
    effects = _write_effects(kind, [p for p in plans if p.decided], facts, now)
    _write_moves(batch, agent, plans, doc_ids, effects, now, totals)
    update_many(BatchRow, ["application_id"], [(p.app_id, p.row.pk) for p in plans])
    totals.applied += len(plans)


def _write_effects(kind: str, decided: list[Plan], facts: Facts, now) -> dict[int, dict]:
    """The effect of the approvals decided by rule, as cases.rules computes it (the same
    functions cases.services.transitions._apply_approval writes one by one); returns what
    each approval's audit event says, by application id."""
    records: dict[int, dict] = {}
    new_suspensions = []  # (plan, effect)
    closing = []  # open stops a death or retirement supersedes: (end_date, pk)
    resumed = []
    retiring = []
    for p in decided:
        r, person = p.row, p.person
        if kind == Kind.STOP:
            effect = rules.stop_effect(
                reason=p.judged.reason, start=r.start_date, end=r.end_date, recorded=facts.suspensions.get(person.pk, ())
            )
            closing += [(effect.closed_on, pk) for pk in effect.closes]
            if effect.retire:
                retiring.append(person.pk)
                records[p.app_id] = effect.record()
            else:
                new_suspensions.append((p, effect))
        else:
            effect = rules.resume_effect(
                policy=p.policy, reason=p.judged.reason, category=person.category, suspension=p.judged.suspension,
                resume_date=r.start_date,
            )
            resumed.append((effect.end_date, p.app_id, effect.benefits_from, effect.suspension_id))
            records[p.app_id] = effect.record()
    if new_suspensions:
        suspension_ids = Inserter(
            Suspension,
            ["person_id", "region_id", "reason", "terminating", "start_date", "planned_end_date",
             "stop_application_id"],
            now=now,
        ).insert_returning([
            (p.person.pk, p.person.region_id, e.suspension.reason, e.suspension.terminating, e.suspension.start_date,
             e.suspension.planned_end_date, p.app_id)
            for p, e in new_suspensions
        ])
        for (p, effect), suspension_id in zip(new_suspensions, suspension_ids, strict=True):
            records[p.app_id] = effect.record(suspension_id)
    if closing:
        update_many(Suspension, ["end_date"], closing)
    if resumed:
        update_many(Suspension, ["end_date", "resume_application_id", "benefits_from"], resumed)
    if retiring:
        Person.objects.filter(pk__in=retiring).update(retired=True)
    return records


def _write_moves(batch, agent, plans: list[Plan], doc_ids, effects: dict[int, dict], now, totals: Totals) -> None:
    """Each application's audit events (create, document), then its moves: the history row and
    the audit event of each (cases.services.history, as transitions._move writes them) and
    its notice."""
    kind = batch.kind
    events, audit, notices = [], [], []
    for p, doc_id in zip(plans, doc_ids, strict=True):
        target = ("cases.application", p.app_id)
        reason = p.judged.reason
        audit.append({"actor": agent, "action": "application.create", "target": target, "data": {
            "kind": kind, "reason": reason.code, "reference": p.reference, "policy": p.pv.label,
            "batch_id": batch.pk, "row": p.row.row,
        }})
        audit.append({"actor": agent, "action": "document.add", "target": target, "data": {
            "document_id": doc_id, "kind": DOCUMENT_KIND[kind], "sha256": batch.sha256, "size": batch.size,
            "batch_id": batch.pk,
        }})
        for step in p.moves:
            if step.action == Action.APPROVE:  # by rule: the system decides, citing the clause
                actor, role, note, data = None, "system", p.rule, {**effects[p.app_id], "rule": p.rule}
                totals.decided += 1
            else:
                actor, role, note, data = agent, agent.role, batch_note(batch, p.row.row), None
            events.append(history_row(p.app_id, step, actor=actor, role=role, note=note))
            audit.append(audit_entry(step, target=target, actor=actor, role=role, note=note, data=data))
            notices.append((
                p.person.pk, p.app_id, p.person.region_id if step.action == Action.SUBMIT else None,
                f"application.{step.action}", {"reference": p.reference},
            ))
    write_history(events, at=now)
    Inserter(
        Notice, ["person_id", "application_id", "region_id", "code", "params"], {"unit_id": batch.unit_id}, now=now,
    ).insert(notices)
    totals.audit += audit_record_many(audit, now=now)
