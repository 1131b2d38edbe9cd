"""The apply stage: every valid row becomes one application, submitted, and where the policy
says the bureau handles it on the spot for units, approved at once by rule; wholly or not at
all for every reader, without holding other writers up for the length of the batch
(docs/adr/0018-batch-staged-apply.md).

Each row is judged again by the rulebook (cases.rules; the world may have moved since
validation). What a single application gets, a batch row gets too, staged in bulk, a chunk per
short transaction: the application (under an id reserved in cases_application), its moves
through the state machine (draft -> submitted [-> approved], cases.states.walk) with their
history rows (cases.services.history) and notices, the effect of an approval as cases.rules
computes it. batches.publish then writes all of it into the real tables in one short
transaction, with the document of each application (the batch file, see
docs/adr/0005-batch-documents.md) and ONE audit event for the batch carrying the digest of its
rows, which `medpause audit verify` recomputes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from medpause.audit.chain import RowsDigest
from medpause.batches import publish
from medpause.batches.models import (
    Batch,
    BatchRow,
    BatchStatus,
    StagedApplication,
    StagedMove,
    StagedSuspension,
)
from medpause.batches.publish import DOCUMENT_KIND, LeaseLost
from medpause.batches.validate import CHUNK, UNIT, Facts, Judged, Policies, RowError, judge
from medpause.cases import rules
from medpause.cases.models import Application, Kind
from medpause.cases.notes import batch_file_note
from medpause.cases.references import DistinctReferences
from medpause.cases.rules import Refusal
from medpause.cases.services.history import HISTORY_COLUMNS, history_row
from medpause.cases.states import Action, Move, Status, walk
from medpause.common.bulk import Inserter, reserve_ids
from medpause.common.dates import add_working_days, today

__all__ = ["DOCUMENT_KIND", "LeaseLost", "Rejudged", "apply_batch", "batch_note"]


class Rejudged(Exception):
    """Rows that were valid when checked but no longer are: nothing is applied."""

    def __init__(self, failures: list[tuple[int, Refusal]]):
        super().__init__(len(failures))
        self.failures = failures


def batch_note(batch: Batch, row: int) -> str:
    """The history note officers and the unit read on each application a batch made: stored as a
    marker, told in the reader's language (cases.notes; what it means: docs/adr/0005-batch-documents.md)."""
    return batch_file_note(batch.pk, row)


@dataclass
class Totals:
    now: dt.datetime
    run: int
    applied: int = 0
    decided: int = 0
    digest: RowsDigest = field(default_factory=RowsDigest)  # of the rows, as batches.publish reads them back
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


ATTEMPTS = 3  # stagings of one run before giving up when other writers keep changing its people


def apply_batch(batch_id: int, *, crash_after: int | None = None, claim: str | None = None) -> Batch:
    """Apply a validated batch: stage every row in short transactions of a chunk each, where no
    reader looks, then publish them all in one short transaction (batches.publish), so that
    every reader sees all of the batch or none of it and no writer waits for the length of the
    batch (docs/adr/0018-batch-staged-apply.md). With `claim` (the worker's lease, see
    batches.lease), the publish commits only if the lease is still this worker's, else nothing
    is published and LeaseLost is raised. `crash_after` exists for tests only: it raises after
    that many rows were staged, as a killed process would stop."""
    batch = Batch.objects.select_related("created_by").get(pk=batch_id)
    if batch.status != BatchStatus.VALIDATING:
        return batch  # finished by another worker meanwhile
    publish.discard(batch_id=batch.pk)  # what an earlier attempt (a dead worker) staged
    for _attempt in range(ATTEMPTS):
        run = publish.new_run()
        try:
            totals = _stage(batch, run, crash_after)
            if publish.publish(batch, run, totals, claim=claim):
                break
        finally:
            publish.discard(run=run)
    else:
        raise publish.Moved(batch.pk)
    batch.refresh_from_db()
    return batch


def _stage(batch: Batch, run: int, crash_after: int | None) -> Totals:
    """Judge every valid row again (the world may have moved since validation) and stage what
    it becomes, a chunk per transaction; Rejudged when some no longer pass."""
    agent = batch.created_by
    day = today()
    policies = Policies(day)
    refs = DistinctReferences(batch.kind, day)
    totals = Totals(now=timezone.now(), run=run)
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
            continue  # keep judging to report every row, stage nothing more
        _stage_chunk(batch, agent, judged, facts, policies, refs, totals)
        if crash_after is not None and totals.applied >= crash_after:
            raise RuntimeError("simulated crash in the middle of apply")
    if failures:
        raise Rejudged(failures)
    return totals


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


def _stage_chunk(batch, agent, judged, facts: Facts, policies: Policies, refs: DistinctReferences,
                 totals: Totals) -> None:
    """One chunk of valid rows, staged in one short transaction with plain multi-row INSERTs
    (common.bulk) under the application ids reserved for them: the same rows and values the
    single-application services write, without a model instance per row."""
    plans = [
        Plan(r, person, *policies.of(person.region_id), j, reference)
        for (r, person, j), reference in zip(judged, refs.take(len(judged)), strict=True)
    ]
    with transaction.atomic():
        _stage_plans(batch, agent, plans, facts, policies, totals)


def _stage_plans(batch, agent, plans: list[Plan], facts: Facts, policies: Policies, totals: Totals) -> None:
    now, run, kind = totals.now, totals.run, batch.kind
    for p, app_id in zip(plans, reserve_ids(Application, len(plans)), strict=True):
        p.app_id = app_id
    effects = _stage_effects(kind, [p for p in plans if p.decided], facts, run, batch.pk)
    Inserter(
        StagedApplication,
        ["id", "row_pk", "reference", "person_id", "region_id", "reason", "start_date", "end_date", "suspension_id",
         "early_resume", "status", "policy_version_id", "due_date", "decided_at", "decision_rule", "retires"],
        {"batch_id": batch.pk, "run": run},
    ).insert([
        (p.app_id, p.row.pk, p.reference, p.person.pk, p.person.region_id, p.judged.reason.code, p.row.start_date,
         p.row.end_date if kind == Kind.STOP else None, p.row.suspension_id if kind == Kind.RESUME else None,
         p.judged.early, p.moves[-1].target, p.pv.pk, totals.due(policies.on, p.judged.reason.review_days),
         now if p.decided else None, p.rule, effects.get(p.app_id, False))
        for p in plans
    ])
    _stage_moves(batch, agent, plans, totals)
    totals.applied += len(plans)


def _stage_effects(kind: str, decided: list[Plan], facts: Facts, run: int, batch_id: int) -> dict[int, bool]:
    """The effect of the approvals decided by rule, as cases.rules computes it (the same
    functions cases.services.transitions._apply_approval writes one by one), staged; returns
    the applications whose approval marks the person retired."""
    retiring: dict[int, bool] = {}
    staged = []  # suspension_id, person_id, region_id, reason, terminating, start, planned end, end,
    #              benefits_from, stop application, resume application
    for p in decided:
        r, person = p.row, p.person
        if kind == Kind.STOP:
            effect = rules.stop_effect(
                reason=p.judged.reason, start=r.start_date, end=r.end_date, recorded=facts.suspensions.get(person.pk, ())
            )
            staged += [(pk, None, None, "", False, None, None, effect.closed_on, None, None, None)
                       for pk in effect.closes]
            if effect.retire:
                retiring[p.app_id] = True
            else:
                s = effect.suspension
                staged.append((None, person.pk, person.region_id, s.reason, s.terminating, s.start_date,
                               s.planned_end_date, None, None, p.app_id, None))
        else:
            effect = rules.resume_effect(
                policy=p.policy, reason=p.judged.reason, category=person.category, suspension=p.judged.suspension,
                resume_date=r.start_date,
            )
            staged.append((effect.suspension_id, None, None, "", False, None, None, effect.end_date,
                           effect.benefits_from, None, p.app_id))
    Inserter(
        StagedSuspension,
        ["suspension_id", "person_id", "region_id", "reason", "terminating", "start_date", "planned_end_date",
         "end_date", "benefits_from", "stop_application_id", "resume_application_id"],
        {"batch_id": batch_id, "run": run},
    ).insert(staged)
    return retiring


def _stage_moves(batch, agent, plans: list[Plan], totals: Totals) -> None:
    """Each application's moves: the history row of each (cases.services.history, as
    transitions._move writes them) and its notice. The audit trail gets one event for the
    whole batch when it is published, carrying the digest of these rows (batches.publish)."""
    moves = []
    for p in plans:
        history = []
        for step in p.moves:
            if step.action == Action.APPROVE:  # by rule: the system decides, citing the clause
                actor, role, note = None, "system", p.rule
                totals.decided += 1
            else:
                actor, role, note = agent, agent.role, batch_note(batch, p.row.row)
            row = history_row(p.app_id, step, actor=actor, role=role, note=note)
            history.append(row)
            moves.append((*row, p.person.pk, p.person.region_id if step.action == Action.SUBMIT else None,
                          f"application.{step.action}", {"reference": p.reference}))
        totals.digest.add(publish.row_record(
            p.app_id, p.reference, p.person.pk, p.judged.reason.code, p.row.start_date,
            p.row.end_date if batch.kind == Kind.STOP else None, history,
        ))
    Inserter(
        StagedMove,
        [*HISTORY_COLUMNS, "person_id", "notice_region_id", "notice_code", "notice_params"],
        {"batch_id": batch.pk, "run": totals.run},
    ).insert(moves)
