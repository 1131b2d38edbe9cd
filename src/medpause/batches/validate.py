"""The validation stage: read the file chunk by chunk, judge every row by the rulebook
(cases.rules) exactly as a single application is judged and stage it (BatchRow), then check
the rows against each other in the database.

Queries per chunk, never per row: the chunk's persons by ID number (this unit only), their
suspensions and pending applications (the facts the rules read); the policy once per region."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from stdnum.cn import ric

from medpause.batches.messages import MESSAGES
from medpause.batches.models import Batch, BatchRow
from medpause.batches.reader import CellError, Row, parse_date, text_of
from medpause.cases import rules
from medpause.cases.models import Application, Kind, Suspension
from medpause.cases.rules import PendingStop, PersonFacts, Refusal, StopPeriod, StopToResume
from medpause.cases.states import PENDING_STATUSES
from medpause.common.bulk import Inserter
from medpause.common.encryption import id_number_hash
from medpause.common.errors import DomainError
from medpause.common.masking import mask_id_number
from medpause.policy.models import Region
from medpause.policy.schema import Policy, Reason
from medpause.policy.selectors import policy_in_force
from medpause.registry.models import Employment, Person
from medpause.registry.services import id_number_clean

CHUNK = 1000
MAX_CELL = 1000  # characters in one cell; a longer one fails its row
UNIT = "unit"  # the applicant of every batch row


class RowError(Refusal):
    """A problem only a batch row can have (a cell, the file, another row): a code, the key of
    its sentence in batches.messages and the sentence's parameters, like a rule's Refusal."""


def resolve_reason(policy: Policy, text: str) -> Reason:
    """A reason by its code, its table code (e.g. 6301) or its name in either language."""
    reason = policy.reasons.get(text)
    if reason is not None:
        return reason
    folded = text.strip().lower()
    for reason in policy.reasons.values():
        if folded in (reason.code.lower(), reason.table_code, reason.name_zh, reason.name_en.lower()):
            return reason
    raise RowError("unknown_reason", params={"reason": text[:32]})


class Policies:
    """The policy in force today per region, looked up once."""

    def __init__(self, on: dt.date):
        self.on = on
        self._regions = None
        self._cache: dict[int, tuple] = {}

    def of(self, region_id: int):
        if region_id not in self._cache:
            if self._regions is None:
                self._regions = Region.objects.select_related("parent").in_bulk()
            self._cache[region_id] = policy_in_force(region=self._regions[region_id], on=self.on)
        return self._cache[region_id]


class Parsed:
    __slots__ = ("row", "id_number", "id_masked", "reason_text", "start", "end", "error")

    def __init__(self, row: int):
        self.row = row
        self.id_number = ""
        self.id_masked = ""
        self.reason_text = ""
        self.start: dt.date | None = None
        self.end: dt.date | None = None
        self.error: Refusal | None = None


@lru_cache(maxsize=8192)
def _prefix_valid(prefix: str) -> bool:
    """Whether the birth place and date (the first 14 characters) pass id_number_clean: they are
    what makes python-stdnum slow (a lookup in its place database), and they repeat."""
    body = prefix + "001"
    try:
        id_number_clean(body + ric.calc_check_digit(body + "0"))
    except DomainError:
        return False
    return True


def clean_id_number(text: str) -> str:
    """registry.services.id_number_clean, with its place-and-date check remembered per prefix;
    the check character is checked for every number. Anything unusual goes to the core function."""
    number = text.strip().upper()
    if (
        len(number) == 18 and number[:17].isdigit() and ric.calc_check_digit(number) == number[17]
        and _prefix_valid(number[:14])
    ):
        return number
    return id_number_clean(text)


def _clean_id(value) -> str:
    numeric = isinstance(value, float | int) and not isinstance(value, bool)
    text = text_of(value)
    if not text:
        raise RowError("missing_field", params={"field": "id_number"})
    try:
        return clean_id_number(text)
    except DomainError as exc:
        # a number cell: the spreadsheet kept only 15 significant digits
        raise RowError("invalid_id_number", "invalid_id_number.numeric" if numeric else None) from exc


def parse_row(row: Row, kind: str) -> Parsed:
    """The cells of a row, or the first problem with them."""
    out = Parsed(row.number)
    cells = row.cells
    raw_id = text_of(cells.get("id_number"))
    out.id_masked = mask_id_number(raw_id.upper())[:40]
    try:
        if row.extra:
            raise RowError("too_many_cells", params={"cells": len(cells) + row.extra, "columns": len(cells)})
        for field, value in cells.items():
            if isinstance(value, str) and len(value) > MAX_CELL:
                raise RowError("cell_too_long", params={"field": field, "limit": MAX_CELL})
        out.id_number = _clean_id(cells.get("id_number"))
        out.id_masked = mask_id_number(out.id_number)
        out.reason_text = text_of(cells.get("reason"))[:64]
        if kind == Kind.STOP and not out.reason_text:
            raise RowError("missing_field", params={"field": "reason"})
        try:
            out.start = parse_date(cells.get("start_date"), "start_date")
            out.end = parse_date(cells.get("end_date"), "end_date")
        except CellError as exc:
            raise RowError(exc.code, exc.key, exc.params) from exc
        if out.start is None:
            raise RowError("missing_field", params={"field": "start_date"})
    except RowError as exc:
        out.error = exc
    return out


class Facts:
    """The facts cases.rules judges by, for a chunk's persons, loaded with a handful of queries
    (cases.selectors loads the same for one person)."""

    def __init__(self, *, unit_id: int, kind: str, id_numbers: Iterable[str] = (), person_ids: Iterable[int] = ()):
        # Looked up by the unique ID number hash (or primary key) alone, the unit checked here:
        # given both, SQLite may walk the unit's index instead, i.e. the whole unit for every
        # chunk. The numbers are stored encrypted, so the chunk is found by their keyed hashes.
        number_of = {id_number_hash(n): n for n in id_numbers}
        qs = (
            Person.objects.filter(id_number_hash__in=list(number_of)) if number_of
            else Person.objects.filter(pk__in=list(person_ids))
        )
        self.unit_id = unit_id
        self.by_id_number: dict[str, PersonFacts] = {}
        self.by_pk: dict[int, PersonFacts] = {}
        for pk, hashed, unit, region, category, retired in qs.values_list(
            "pk", "id_number_hash", "unit_id", "region_id", "category", "retired"
        ):
            if unit != unit_id:
                continue  # not this unit's employee: as if unknown
            facts = PersonFacts(pk, unit, region, category, retired)
            if hashed in number_of:
                self.by_id_number[number_of[hashed]] = facts
            self.by_pk[pk] = facts
        pks = list(self.by_pk)
        self.employments = employments_on_days(pks)
        self.suspensions: dict[int, list[StopPeriod]] = defaultdict(list)
        self.pending: dict[int, list[PendingStop]] = defaultdict(list)
        self.current: dict[int, StopToResume] = {}
        self.resume_pending: set[int] = set()
        if not pks:
            return
        if kind == Kind.STOP:
            for pk, person, start, end, terminating in Suspension.objects.filter(person_id__in=pks).order_by(
                "person_id", "start_date", "pk"
            ).values_list("pk", "person_id", "start_date", "end_date", "terminating"):
                self.suspensions[person].append(StopPeriod(pk, start, end, terminating))
            for pk, person, start, end, ref in Application.objects.filter(
                person_id__in=pks, kind=Kind.STOP, status__in=PENDING_STATUSES
            ).values_list("pk", "person_id", "start_date", "end_date", "reference"):
                self.pending[person].append(PendingStop(pk, start, end, ref))
        else:
            # cases.selectors.current_suspension: the latest open stop of the person
            rows = Suspension.objects.filter(person_id__in=pks, end_date__isnull=True).order_by(
                "person_id", "-start_date"
            ).values_list("pk", "person_id", "reason", "terminating", "start_date", "planned_end_date", "end_date")
            for pk, person, reason, terminating, start, planned, end in rows:
                if person not in self.current:
                    self.current[person] = StopToResume(pk, reason, terminating, start, planned, end)
            ids = [s.pk for s in self.current.values()]
            self.resume_pending = set(
                Application.objects.filter(
                    suspension_id__in=ids, kind=Kind.RESUME, status__in=PENDING_STATUSES
                ).values_list("suspension_id", flat=True)
            )


    def on(self, person: PersonFacts, day) -> PersonFacts:
        """The person as the rules see them on `day`: the unit and category of the employment
        period in force then (registry.Employment; the first period before it began)."""
        periods = self.employments.get(person.pk)
        if not periods or day is None:
            return person
        unit, category = periods[0][1:]
        for start, period_unit, period_category in periods:
            if start <= day:
                unit, category = period_unit, period_category
        return PersonFacts(person.pk, unit, person.region_id, category, person.retired)


def employments_on_days(person_ids) -> dict[int, list[tuple]]:
    """(start, unit id, category) of each person's employment periods, oldest first."""
    out: dict[int, list[tuple]] = defaultdict(list)
    for pk, start, unit, category in Employment.objects.filter(person_id__in=person_ids).order_by(
        "person_id", "start_date"
    ).values_list("person_id", "start_date", "unit_id", "category"):
        out[pk].append((start, unit, category))
    return out


class Judged:
    """A row the rules accept: its reason, and for a resumption the stop it ends and whether
    it is early."""

    __slots__ = ("reason", "suspension", "early")

    def __init__(self, reason: Reason, suspension: StopToResume | None = None, early: bool = False):
        self.reason, self.suspension, self.early = reason, suspension, early


def judge(*, kind: str, person: PersonFacts, reason_text: str, start, end, facts: Facts, policies: Policies) -> Judged:
    """A row judged by cases.rules as a single application by the unit would be; raises the
    Refusal (or a batch's own RowError)."""
    _pv, policy = policies.of(person.region_id)
    if kind == Kind.STOP:
        reason = resolve_reason(policy, reason_text)
        person = facts.on(person, start)  # the rules read the person as on the stop's first day
        if person.unit_id != facts.unit_id:
            raise RowError("not_unit_employee")
        rules.judge_stop(
            person=person, reason=reason, applicant_type=UNIT, start=start, end=end, today=policies.on,
            recorded=facts.suspensions.get(person.pk, ()), pending=facts.pending.get(person.pk, ()),
            ahead_months=policy.start_ahead_months,
        )
        return Judged(reason)
    suspension = facts.current.get(person.pk)
    verdict = rules.judge_resume(
        suspension=suspension, policy=policy, applicant_type=UNIT, resume_date=start, end=end, today=policies.on,
        resume_pending=suspension is not None and suspension.pk in facts.resume_pending,
    )
    if reason_text:
        try:
            given = resolve_reason(policy, reason_text)
        except RowError:
            given = None
        if given is None or given.code != verdict.reason.code:
            raise RowError("reason_mismatch", params={"reason": verdict.reason.code})
    return Judged(verdict.reason, suspension, verdict.early)


class StagedRow:
    """A BatchRow to be inserted, without a model instance (see common.bulk)."""

    __slots__ = ("row", "id_masked", "person_id", "suspension_id", "reason", "start_date", "end_date", "code",
                 "message_key", "params")

    def __init__(self, *, row, id_masked, start_date, end_date):
        self.row, self.id_masked, self.start_date, self.end_date = row, id_masked, start_date, end_date
        self.person_id = self.suspension_id = None
        self.reason = self.code = self.message_key = ""
        self.params: dict = {}


def stage_chunk(batch: Batch, parsed: list[Parsed], policies: Policies) -> list[StagedRow]:
    facts = Facts(unit_id=batch.unit_id, kind=batch.kind, id_numbers={p.id_number for p in parsed if not p.error})
    staged = []
    for p in parsed:
        row = StagedRow(row=p.row, id_masked=p.id_masked, start_date=p.start, end_date=p.end)
        try:
            if p.error:
                raise p.error
            person = facts.by_id_number.get(p.id_number)
            if person is None:
                raise RowError("not_unit_employee")
            row.person_id = person.pk
            try:
                judged = judge(
                    kind=batch.kind, person=person, reason_text=p.reason_text, start=p.start, end=p.end,
                    facts=facts, policies=policies,
                )
            except DomainError as exc:  # e.g. no policy in force for the person's region
                raise RowError(exc.code, exc.code if exc.code in MESSAGES else "internal_error") from exc
            row.reason = judged.reason.code
            row.suspension_id = judged.suspension.pk if judged.suspension else None
        except Refusal as exc:
            row.code, row.message_key, row.params = exc.code, exc.key, exc.params
            row.reason = row.reason or p.reason_text[:32]
        staged.append(row)
    return staged


STAGED = ["row", "id_masked", "person_id", "suspension_id", "reason", "start_date", "end_date", "code",
          "message_key", "params"]


def write_chunk(batch: Batch, staged: list[StagedRow], validated: int) -> None:
    rows = [
        (r.row, r.id_masked, r.person_id, r.suspension_id, r.reason, r.start_date, r.end_date, r.code,
         r.message_key, r.params)
        for r in staged
    ]
    with transaction.atomic():
        Inserter(BatchRow, STAGED, {"batch_id": batch.pk}).insert(rows)
        Batch.objects.filter(pk=batch.pk).update(rows_validated=validated, claimed_at=timezone.now())


def check_rows_together(batch: Batch) -> int:
    """Rows of the same file that overlap (stop) or repeat a person (resume): the later row is
    refused, naming the earlier one. The database finds the persons named more than once (one
    grouped query on the (batch, person) index); only their rows are compared."""
    repeated = list(
        BatchRow.objects.filter(batch=batch, person_id__isnull=False)
        .values("person_id").annotate(n=Count("id")).filter(n__gt=1).values_list("person_id", flat=True)
    )
    stop = batch.kind == Kind.STOP
    code = "overlapping_in_file" if stop else "duplicate_in_file"
    flagged: list[tuple[int, int]] = []
    for start in range(0, len(repeated), 500):
        rows = BatchRow.objects.filter(batch=batch, person_id__in=repeated[start:start + 500]).order_by(
            "person_id", "row"
        ).values_list("pk", "person_id", "row", "start_date", "end_date", "code")
        earlier: dict[int, list[tuple[int, object, object]]] = defaultdict(list)
        for pk, person, row, start_date, end_date, row_code in rows:
            if row_code:
                continue  # judged wrong already; only valid rows are compared
            for other_row, other_start, other_end in earlier[person]:
                if not stop or rules.overlaps(start_date, end_date, other_start, other_end):
                    flagged.append((pk, other_row))
                    break
            earlier[person].append((row, start_date, end_date))
    for start in range(0, len(flagged), 500):
        objs = [
            BatchRow(pk=pk, code=code, message_key=code, params={"other_row": other})
            for pk, other in flagged[start:start + 500]
        ]
        BatchRow.objects.bulk_update(objs, ["code", "message_key", "params"])
    return len(flagged)
