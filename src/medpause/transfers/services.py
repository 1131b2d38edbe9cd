"""Writes on transfers (转移接续, 医保办发〔2021〕43号), one service per transition of
transfers.states, each under the person's lock, each move written with its history row and
audit event.

Sending ends cover in the old place with the machinery stops use: a terminating `transfer_out`
suspension from `date` (so eligibility refuses the card from then), an open stop closed the day
before (the break before the transfer), and the account balance debited (`transfer_out`).
Receiving removes that terminating period (the person is insured in the new place from `date`),
sets a waiting period on the break where the new place's rule asks for one, issues a new card
number in the new region and credits the balance there (`transfer_in`). Ledger keys are unique per
person and transfer, so a balance moves once (docs/adr/0020-transfers.md)."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medpause.accounts.models import Role
from medpause.accounts.permissions import persons_visible_to, role_of, transfers_visible_to
from medpause.audit.services import audit_record
from medpause.cases import rules
from medpause.cases.models import Suspension
from medpause.cases.services.locking import person_lock
from medpause.common.dates import add_months, add_working_days, today
from medpause.common.errors import Conflict, Forbidden, NotFound, Refused
from medpause.coverage.account import balance_of
from medpause.coverage.models import AccountEntry
from medpause.notices.services import notice_send
from medpause.policy.selectors import policy_in_force, region_get, transfer_working_days
from medpause.registry.models import Card, Person
from medpause.registry.services import card_number_new
from medpause.transfers.models import Transfer, TransferEvent
from medpause.transfers.states import (
    DESTINATION,
    OPEN_STATUSES,
    SOURCE,
    TRANSITIONS,
    Action,
    Status,
    target_of,
)

REASON = "transfer_out"  # the policy's reason for the old place's terminating period
REQUESTERS = (Role.ADMIN, Role.OFFICER, Role.UNIT_AGENT, Role.INDIVIDUAL)
MAX_REASON = 1000


def _not_found():
    return NotFound("not_found", _("No such transfer."))


def _open_terminating(person_id: int) -> bool:
    return Suspension.objects.filter(person_id=person_id, terminating=True, end_date__isnull=True).exists()


def _check_date(person: Person, date) -> None:
    """From the old place's rule for its `transfer_out` reason: backdated at most its days, and no
    further ahead than stops may start."""
    _pv, policy = policy_in_force(region=person.region)
    now = today()
    earliest = rules.earliest_start(policy.reasons[REASON], now)
    latest = add_months(now, policy.start_ahead_months)
    if not earliest <= date <= latest:
        raise Refused(
            "invalid_dates", _("The transfer date must be between %(earliest)s and %(latest)s.")
            % {"earliest": earliest.isoformat(), "latest": latest.isoformat()},
            details={"earliest": earliest.isoformat(), "latest": latest.isoformat()},
        )


@transaction.atomic
def transfer_request(*, actor, person_id, to_region: str, date) -> Transfer:
    """The person, their unit or an officer of their region asks to move the person's insurance
    to `to_region` from `date`: 422 `same_region`, `not_transferable` (cover ended for good),
    `invalid_dates`; 409 `transfer_open` while another transfer of the person is open."""
    if role_of(actor) not in REQUESTERS:
        raise Forbidden("forbidden", _("Your role may not request transfers."))
    person = persons_visible_to(actor).filter(pk=int(person_id)).first()
    if person is None:
        raise NotFound("not_found", _("No such insured person."))
    person_lock(person.pk)
    region = region_get(code=str(to_region or "").strip())
    if region.pk == person.region_id:
        raise Refused("same_region", _("The person is already insured in that region."))
    if _open_terminating(person.pk):
        raise Refused("not_transferable", _("The person's insurance has ended; there is nothing to transfer."))
    _check_date(person, date)
    if Transfer.objects.filter(person=person, status__in=OPEN_STATUSES).exists():
        raise Conflict("transfer_open", _("This person already has a transfer in progress."))
    _pv, policy = policy_in_force(region=person.region)
    out_days, _in_days = transfer_working_days(policy=policy)
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                person=person, from_region_id=person.region_id, to_region=region, date=date, requested_by=actor,
                out_due=add_working_days(today(), out_days), old_card_number=person.card.number,
            )
    except IntegrityError as exc:  # a concurrent request won the one open transfer
        raise Conflict("transfer_open", _("This person already has a transfer in progress.")) from exc
    _record(transfer, Action.REQUEST, "", Status.REQUESTED, actor=actor)
    return transfer


def _record(transfer: Transfer, action: str, source: str, target: str, *, actor, note: str = "",
            data: dict | None = None) -> None:
    role = str(role_of(actor) or "system")
    TransferEvent.objects.create(transfer=transfer, action=str(action), from_status=source, to_status=target,
                                 actor=actor, actor_role=role, note=note)
    audit_record(actor=actor, role=role, action=f"transfer.{action}", target=transfer,
                 data={"from": source, "to": str(target), "note": note, **(data or {})})


def _side_of(actor, transfer: Transfer) -> str | None:
    """Which place `actor` acts for on this transfer: an officer by their region, an administrator
    for either; None for anyone else."""
    role = role_of(actor)
    if role == Role.ADMIN:
        return "either"
    if role != Role.OFFICER:
        return None
    if actor.region_id == transfer.from_region_id:
        return SOURCE
    return DESTINATION if actor.region_id == transfer.to_region_id else None


def _locked(actor, transfer_id, action: str) -> tuple[Transfer, str]:
    """The transfer, locked after its person, if `actor` sees it (else 404) and may take
    `action` (else 403); its status is checked by the caller through target_of."""
    seen = transfers_visible_to(actor).filter(pk=int(transfer_id)).values_list("person_id", flat=True).first()
    if seen is None:
        raise _not_found()
    person_lock(seen)
    transfer = Transfer.objects.select_for_update().select_related("person", "from_region", "to_region").get(
        pk=int(transfer_id))
    side, by = _side_of(actor, transfer), TRANSITIONS[action].by
    if side is None or (by != "either" and side not in (by, "either")):
        raise Forbidden("forbidden", _("Only an officer of the region concerned may do this."))
    return transfer, side


def _move(transfer: Transfer, action: str, *, actor, note: str = "", data: dict | None = None) -> Transfer:
    source, target = transfer.status, target_of(transfer.status, action)
    transfer.status = target
    transfer.save()
    _record(transfer, action, source, target, actor=actor, note=note, data=data)
    source_region, target_region = transfer.from_region, transfer.to_region
    notice_send(person_id=transfer.person_id, code=f"transfer.{action}", params={
        "from_zh": source_region.name_zh, "from_en": source_region.name_en, "to_zh": target_region.name_zh,
        "to_en": target_region.name_en, "date": transfer.date.isoformat(), "reason": note,
    })
    return transfer


def _entry(transfer: Transfer, kind: str, suffix: str, amount: Decimal, region_id: int) -> None:
    """A ledger entry keyed by the transfer: a second one for the same key is refused by the
    ledger's unique key, so a balance never moves twice."""
    AccountEntry.objects.create(person_id=transfer.person_id, key=f"transfer:{transfer.pk}:{suffix}",
                                region_id=region_id, kind=kind, amount=amount, date=today())


@transaction.atomic
def transfer_send(*, actor, transfer_id) -> Transfer:
    """The old place transfers out: cover there ends the day before `date`; an open stop (the
    break before the transfer) ends then too; the balance leaves the account."""
    transfer, _side = _locked(actor, transfer_id, Action.SEND)
    target_of(transfer.status, Action.SEND)
    person = transfer.person
    if person.region_id != transfer.from_region_id or _open_terminating(person.pk):
        raise Conflict("not_transferable", _("The person is no longer insured in the region transferring out."))
    open_stops = list(Suspension.objects.select_for_update().filter(person=person, end_date__isnull=True))
    if any(s.start_date >= transfer.date for s in open_stops):
        raise Conflict("overlapping_suspension", _("A stop of this person starts on or after the transfer date."))
    day_before = transfer.date - rules.DAY
    for stop in open_stops:
        stop.end_date = day_before
        stop.save(update_fields=["end_date"])
        transfer.break_closed = stop
    transfer.ending = Suspension.objects.create(
        person=person, region_id=transfer.from_region_id, reason=REASON, terminating=True, start_date=transfer.date,
    )
    transfer.balance_moved = balance_of(person_id=person.pk)
    _entry(transfer, AccountEntry.TRANSFER_OUT, "out", -transfer.balance_moved, transfer.from_region_id)
    _pv, policy = policy_in_force(region=transfer.to_region)
    _out_days, in_days = transfer_working_days(policy=policy)
    transfer.in_due = add_working_days(today(), in_days)
    transfer.sent_by, transfer.sent_at = actor, timezone.now()
    return _move(transfer, Action.SEND, actor=actor, data={
        "suspension_id": transfer.ending.pk, "closed_suspension": transfer.break_closed_id,
        "balance": str(transfer.balance_moved)})


@transaction.atomic
def transfer_receive(*, actor, transfer_id) -> Transfer:
    """The new place takes in: insured there from `date` with a new card; after a break longer
    than its rule allows, benefits wait; the balance arrives."""
    transfer, _side = _locked(actor, transfer_id, Action.RECEIVE)
    target_of(transfer.status, Action.RECEIVE)
    person = transfer.person
    _pv, policy = policy_in_force(region=transfer.to_region, on=transfer.date)
    gap = transfer.break_closed
    transfer.benefits_from = rules.transfer_benefits_from(
        policy=policy, category=person.category, break_start=gap.start_date if gap else None, date=transfer.date)
    if gap is not None and transfer.benefits_from is not None:
        gap.benefits_from = transfer.benefits_from
        gap.save(update_fields=["benefits_from"])
    ending_id = transfer.ending_id
    transfer.ending = None
    transfer.save(update_fields=["ending"])
    Suspension.objects.filter(pk=ending_id).delete()  # cover continues in the new place from `date`
    person.region = transfer.to_region
    person.save(update_fields=["region"])
    card = Card.objects.select_for_update().get(person=person)
    card.number = card_number_new(transfer.to_region)
    card.save(update_fields=["number"])
    transfer.new_card_number = card.number
    _entry(transfer, AccountEntry.TRANSFER_IN, "in", transfer.balance_moved or Decimal("0.00"), transfer.to_region_id)
    transfer.received_by, transfer.received_at = actor, timezone.now()
    return _move(transfer, Action.RECEIVE, actor=actor, data={
        "removed_suspension": ending_id, "benefits_from": transfer.benefits_from.isoformat()
        if transfer.benefits_from else None})


@transaction.atomic
def transfer_refuse(*, actor, transfer_id, reason: str) -> Transfer:
    """Either place refuses, with a reason: the old place before it has sent, the new place
    before it has taken in. Refusing a sent transfer gives the old place back what sending
    did: its cover, the stop it closed, the balance."""
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON or "\x00" in reason:
        raise Refused("invalid_reason", _("Give a reason of at most %(count)d characters.") % {"count": MAX_REASON})
    transfer, side = _locked(actor, transfer_id, Action.REFUSE)
    target_of(transfer.status, Action.REFUSE)
    if transfer.status == Status.SENT:
        if side == SOURCE:
            raise Conflict("invalid_transition", _("The transfer has been sent; only the new place may refuse it."))
        _undo_send(transfer)
    transfer.refused_by, transfer.refusal_reason = actor, reason
    return _move(transfer, Action.REFUSE, actor=actor, note=reason)


def _undo_send(transfer: Transfer) -> None:
    if transfer.break_closed_id:
        Suspension.objects.filter(pk=transfer.break_closed_id).update(end_date=None)
    ending_id = transfer.ending_id
    transfer.ending = None
    transfer.save(update_fields=["ending"])
    Suspension.objects.filter(pk=ending_id).delete()
    _entry(transfer, AccountEntry.TRANSFER_IN, "back", transfer.balance_moved or Decimal("0.00"),
           transfer.from_region_id)
