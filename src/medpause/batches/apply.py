"""The apply stage: every valid row becomes one application, submitted, and where the policy
says the bureau handles it on the spot for units, approved at once by rule; all in ONE
transaction, so a batch is applied wholly or not at all (a crash rolls everything back and
the rerun starts the stage again).

Each row is judged again inside the transaction (the world may have moved since validation).
What a single application gets, a batch row gets too, written in bulk: the application, its
document (the batch file, see docs/adr/0005-batch-documents.md), its history rows, its
suspension or resumption, its notices, and one audit event per step (create, document, submit,
approve), chained with audit_record_many."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from medpause.batches.auditing import audit_record_many
from medpause.batches.bulk import Inserter, update_many
from medpause.batches.models import Batch, BatchRow, BatchStatus, Stage
from medpause.batches.rules import RowError
from medpause.batches.validate import CHUNK, Facts, Policies, judge
from medpause.cases.models import Application, ApplicationEvent, Document, Kind, Suspension
from medpause.cases.services.create import _REF_ALPHABET, supersedes
from medpause.cases.services.transitions import on_the_spot_rule as core_on_the_spot_rule
from medpause.cases.states import Action, Status
from medpause.common.dates import add_months, add_working_days, today
from medpause.notices.models import Notice
from medpause.registry.models import Person

DOCUMENT_KIND = {Kind.STOP: "removal_form", Kind.RESUME: "addition_form"}
CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_SPACE = 1 << 30  # six characters of a 32-letter alphabet


class Rejudged(Exception):
    """Rows that were valid when checked but no longer are: nothing is applied."""

    def __init__(self, failures: list[tuple[int, RowError]]):
        super().__init__(len(failures))
        self.failures = failures


class References:
    """Distinct application references in the core's format (TB/HF + date + six letters): a
    random walk with an odd stride over the 2^30 six-letter codes never repeats within a batch,
    and each chunk is checked against the references already taken."""

    def __init__(self, kind: str, on: dt.date):
        self.prefix = ("TB" if kind == Kind.STOP else "HF") + on.strftime("%Y%m%d")
        self.at = secrets.randbelow(_SPACE)
        self.stride = secrets.randbelow(_SPACE // 2) * 2 + 1

    def _next(self) -> str:
        n = self.at
        self.at = (self.at + self.stride) % _SPACE
        chars = []
        for _ in range(6):
            chars.append(_REF_ALPHABET[n & 31])
            n >>= 5
        return self.prefix + "".join(chars)

    def take(self, count: int) -> list[str]:
        out: list[str] = []
        while len(out) < count:
            candidates = [self._next() for _ in range(count - len(out))]
            taken = set(Application.objects.filter(reference__in=candidates).values_list("reference", flat=True))
            out += [c for c in candidates if c not in taken]
        return out


def on_the_spot_rule(pv, reason) -> str:
    """The clause a decision by rule cites (policy version, reason, its sources): the core's own
    wording (cases.services.transitions.on_the_spot_rule), which reads only the version."""
    return core_on_the_spot_rule(SimpleNamespace(policy_version=pv), reason)


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


def apply_batch(batch_id: int, *, crash_after: int | None = None) -> Batch:
    """Apply a validated batch in one transaction. `crash_after` exists for tests only: it raises
    after that many rows were written, as a killed process would stop."""
    with transaction.atomic():
        batch = Batch.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=batch_id)
        if batch.status != BatchStatus.VALIDATING:
            return batch  # finished by another worker meanwhile
        agent = batch.created_by
        day = today()
        policies = Policies(day)
        refs = References(batch.kind, day)
        totals = Totals()
        failures: list[tuple[int, RowError]] = []
        for chunk in _valid_rows(batch):
            facts = Facts(unit_id=batch.unit_id, kind=batch.kind, person_ids={r.person_id for r in chunk})
            for r in chunk:
                person = facts.by_pk.get(r.person_id)
                try:
                    if person is None:
                        raise RowError("not_unit_employee")
                    judge(
                        kind=batch.kind, person=person, reason_text=r.reason, start=r.start_date, end=r.end_date,
                        facts=facts, policies=policies,
                    )
                except RowError as exc:
                    failures.append((r.pk, exc))
            if failures:
                continue  # keep judging to report every row, write nothing more
            _write_chunk(batch, agent, chunk, facts, policies, refs, totals)
            if crash_after is not None and totals.applied >= crash_after:
                raise RuntimeError("simulated crash in the middle of apply")
        if failures:
            raise Rejudged(failures)
        now = timezone.now()
        Batch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.DONE, stage=Stage.FINISHED, rows_applied=totals.applied, rows_decided=totals.decided,
            finished_at=now, claimed_at=None, claim_token="",
        )
        audit_record_many([{
            "actor": agent, "action": "batch.apply", "target": ("batches.batch", batch.pk),
            "data": {"kind": batch.kind, "applied": totals.applied, "decided_on_the_spot": totals.decided,
                     "sha256": batch.sha256},
        }])
    batch.refresh_from_db()
    return batch


def _write_chunk(batch, agent, chunk, facts: Facts, policies: Policies, refs: References, totals: Totals) -> None:
    """One chunk of valid rows, written with plain multi-row INSERTs (batches.bulk): the same
    rows and values the single-application services write, without a model instance per row."""
    now = timezone.now()
    day = policies.on
    kind = batch.kind
    references = refs.take(len(chunk))
    plans = []  # (row, person, pv, policy, reason, decided, early, reference)
    app_rows = []
    for r, reference in zip(chunk, references, strict=True):
        person = facts.by_pk[r.person_id]
        pv, policy = policies.of(person.region_id)
        reason = policy.reasons[r.reason]
        early = False
        if kind == Kind.RESUME:
            s = facts.current[person.pk]
            early = s.planned_end is None or r.start_date <= s.planned_end
        decided = reason.on_the_spot_for_units
        app_rows.append((
            reference, person.pk, person.region_id, reason.code, r.start_date,
            r.end_date if kind == Kind.STOP else None, r.suspension_id if kind == Kind.RESUME else None, early,
            (Status.APPROVED if decided else Status.SUBMITTED).value, pv.pk, totals.due(day, reason.review_days),
            now if decided else None, on_the_spot_rule(pv, reason) if decided else "",
        ))
        plans.append((r, person, pv, policy, reason, decided, reference))
    app_ids = Inserter(
        Application,
        ["reference", "person_id", "region_id", "reason", "start_date", "end_date", "suspension_id", "early_resume",
         "status", "policy_version_id", "due_date", "decided_at", "decision_rule"],
        {
            "kind": kind, "applicant_type": "unit", "unit_id": batch.unit_id, "created_by_id": agent.pk,
            "submitted_at": now, "first_submitted_at": now,
            "consequences_acknowledged_at": now if kind == Kind.STOP else None,
        },
        now=now,
    ).insert_returning(app_rows)

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

    # the effect of approvals decided by rule (cases.services.transitions._apply_approval)
    effects: dict[int, dict] = {}
    new_suspensions = []  # (application id, effect, row values)
    closing = []  # open stops a death or retirement supersedes: (end_date, pk)
    closed_by: dict[int, list[int]] = {}
    resumed = []
    retiring = []
    for (r, person, _pv, policy, reason, decided, _ref), app_id in zip(plans, app_ids, strict=True):
        if not decided:
            continue
        if kind == Kind.STOP:
            closed = [
                s.pk for s in facts.suspensions.get(person.pk, [])
                if s.end_date is None and supersedes(reason=reason, suspension=s, start_date=r.start_date)
            ]
            closing += [(r.start_date - dt.timedelta(days=1), pk) for pk in closed]
            closed_by[app_id] = closed
            if reason.effect == "retire":
                retiring.append(person.pk)
                effects[app_id] = {"effect": "retire", "closed_suspensions": closed}
            else:
                new_suspensions.append((app_id, reason.effect, (
                    person.pk, person.region_id, reason.code, reason.terminating, r.start_date, r.end_date, app_id,
                )))
        else:
            s = facts.current[person.pk]
            rule = policy.waiting[person.category]
            long_break = r.start_date > add_months(s.start, rule.threshold_months)
            benefits_from = (
                add_months(r.start_date, rule.wait_months)
                if reason.waiting_period and rule.wait_months and long_break else None
            )
            resumed.append((r.start_date - dt.timedelta(days=1), app_id, benefits_from, s.pk))
            effects[app_id] = {
                "effect": "resume", "suspension_id": s.pk,
                "benefits_from": benefits_from.isoformat() if benefits_from else None,
            }
    if new_suspensions:
        suspension_ids = Inserter(
            Suspension,
            ["person_id", "region_id", "reason", "terminating", "start_date", "planned_end_date",
             "stop_application_id"],
            now=now,
        ).insert_returning([values for _a, _e, values in new_suspensions])
        for (app_id, effect, _values), suspension_id in zip(new_suspensions, suspension_ids, strict=True):
            effects[app_id] = {
                "effect": effect, "suspension_id": suspension_id, "closed_suspensions": closed_by[app_id],
            }
    if closing:
        update_many(Suspension, ["end_date"], closing)
    if resumed:
        update_many(Suspension, ["end_date", "resume_application_id", "benefits_from"], resumed)
    if retiring:
        Person.objects.filter(pk__in=retiring).update(retired=True)

    events, audit, notices = [], [], []
    for (r, person, pv, _policy, reason, decided, reference), app_id, doc_id in zip(
        plans, app_ids, doc_ids, strict=True
    ):
        target = ("cases.application", app_id)
        note = batch_note(batch, r.row)
        audit.append((agent, None, "application.create", target, {
            "kind": kind, "reason": reason.code, "reference": reference, "policy": pv.label,
            "batch_id": batch.pk, "row": r.row,
        }))
        audit.append((agent, None, "document.add", target, {
            "document_id": doc_id, "kind": DOCUMENT_KIND[kind], "sha256": batch.sha256, "size": batch.size,
            "batch_id": batch.pk,
        }))
        events.append((app_id, Action.SUBMIT.value, Status.DRAFT.value, Status.SUBMITTED.value, agent.pk, agent.role, note))
        audit.append((agent, agent.role, "application.submit", target,
                      {"from": Status.DRAFT.value, "to": Status.SUBMITTED.value, "note": note}))
        notices.append((person.pk, app_id, person.region_id, "application.submit", {"reference": reference}))
        if decided:
            rule = on_the_spot_rule(pv, reason)
            events.append((app_id, Action.APPROVE.value, Status.SUBMITTED.value, Status.APPROVED.value, None, "system", rule))
            audit.append((None, "system", "application.approve", target, {
                "from": Status.SUBMITTED.value, "to": Status.APPROVED.value, "note": rule, **effects[app_id],
                "rule": rule,
            }))
            notices.append((person.pk, app_id, None, "application.approve", {"reference": reference}))
            totals.decided += 1
    Inserter(
        ApplicationEvent, ["application_id", "action", "from_status", "to_status", "actor_id", "actor_role", "note"],
        {"at": now}, now=now,
    ).insert(events)
    Inserter(
        Notice, ["person_id", "application_id", "region_id", "code", "params"], {"unit_id": batch.unit_id}, now=now,
    ).insert(notices)
    totals.audit += audit_record_many(
        [{"actor": a, "role": role, "action": action, "target": t, "data": d} for a, role, action, t, d in audit],
        now=now,
    )
    update_many(BatchRow, ["application_id"], [(app_id, p[0].pk) for p, app_id in zip(plans, app_ids, strict=True)])
    totals.applied += len(plans)
