"""Reads on applications: one application, completeness, suspensions, and the facts the
rulebook (cases.rules) judges one person by. Who sees which application is decided in
medpause.accounts.permissions; the officers' queue and statistics are in `queue` and
`statistics`."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from medpause.accounts.permissions import applications_visible_to, get_visible, suspensions_visible_to
from medpause.cases.models import Application, ApplicationEvent, Document, Kind, Suspension
from medpause.cases.notes import batch_of_note
from medpause.cases.rules import PendingStop, PersonFacts, StopPeriod, StopToResume
from medpause.cases.states import EDITABLE_STATUSES, PENDING_STATUSES, Action
from medpause.policy.schema import Policy
from medpause.policy.selectors import policy_of, required_groups
from medpause.registry.selectors import employment_on


def application_get(*, user, application_id) -> Application:
    return get_visible(applications_visible_to(user), application_id, _("No such application."))


def application_policy(application: Application) -> Policy:
    return policy_of(application.policy_version)


def required_groups_of(application: Application) -> list[str]:
    policy = application_policy(application)
    reason = policy.reasons[application.reason]
    return required_groups(
        policy=policy, reason=reason, applicant_type=application.applicant_type, kind=application.kind,
        early=application.early_resume,
    )


def missing_documents(application: Application) -> list[str]:
    """Group codes not yet satisfied: a group is satisfied by a document of any of its kinds;
    a group the officer asked for again needs a document uploaded after the request."""
    policy = application_policy(application)
    docs = list(application.documents.all())
    missing = []
    for code in required_groups_of(application):
        kinds = set(policy.groups[code].any_of)
        if not any(d.kind in kinds for d in docs):
            missing.append(code)
    if application.supplement_groups and application.supplement_requested_at:
        for code in application.supplement_groups:
            group = policy.groups.get(code)
            kinds = set(group.any_of) if group else set()
            fresh = [d for d in docs if d.kind in kinds and d.uploaded_at >= application.supplement_requested_at]
            if not fresh and code not in missing:
                missing.append(code)
    return missing


def declared_by_unit(application: Application, missing: list[str] | None = None) -> list[str]:
    """The groups a unit's batch file declared held (ADR 0005): not uploaded, yet not missing
    either, unless an officer has asked for them since. Empty for an application no batch made."""
    notes = application.events.values_list("note", flat=True)
    if not any(batch_of_note(note) for note in notes):
        return []
    asked = set(application.supplement_groups or [])
    return [code for code in (missing_documents(application) if missing is None else missing) if code not in asked]


def is_editable(application: Application) -> bool:
    return application.status in EDITABLE_STATUSES


def suspensions_of(*, user, person) -> list[Suspension]:
    """The periods without benefits of `person` that `user` may see, oldest first."""
    return list(
        suspensions_visible_to(user).filter(person=person)
        .select_related("region__parent", "stop_application__policy_version")
        .defer("stop_application__policy_version__document").order_by("start_date")
    )


def current_suspension(*, person) -> Suspension | None:
    return Suspension.objects.filter(person=person, end_date__isnull=True).order_by("-start_date").first()


# --- the facts of one person, for cases.rules (batches load the same for a chunk at once) ------

def person_facts(person, on: dt.date | None = None) -> PersonFacts:
    """The person as the rules see them on day `on` (by default today, as Person holds it):
    the unit and category of the employment period in force that day."""
    period = employment_on(person=person, day=on) if on is not None else None
    if period is None:
        return PersonFacts(person.pk, person.unit_id, person.region_id, person.category, person.retired)
    return PersonFacts(person.pk, period.unit_id, person.region_id, period.category, person.retired)


def stop_facts(*, person, exclude_application_id: int | None = None, lock: bool = False):
    """(recorded suspensions oldest first, pending stop applications) of the person; the
    application being judged itself left out. `lock`: the suspensions are locked for update."""
    periods = Suspension.objects.filter(person=person).order_by("start_date", "pk")
    if lock:
        periods = periods.select_for_update()
    recorded = [
        StopPeriod(*values) for values in periods.values_list("pk", "start_date", "end_date", "terminating")
    ]
    pending = Application.objects.filter(person=person, kind=Kind.STOP, status__in=PENDING_STATUSES)
    if exclude_application_id:
        pending = pending.exclude(pk=exclude_application_id)
    return recorded, [
        PendingStop(*values)
        for values in pending.values_list("pk", "start_date", "end_date", "reference")
    ]


def stop_to_resume(suspension: Suspension) -> StopToResume:
    return StopToResume(
        suspension.pk, suspension.reason, suspension.terminating, suspension.start_date,
        suspension.planned_end_date, suspension.end_date,
    )


def resume_pending(*, suspension_id: int, exclude_application_id: int | None = None) -> bool:
    """Whether another resumption of this stop is being handled."""
    pending = Application.objects.filter(suspension_id=suspension_id, kind=Kind.RESUME, status__in=PENDING_STATUSES)
    if exclude_application_id:
        pending = pending.exclude(pk=exclude_application_id)
    return pending.exists()


def application_hands(application: Application) -> frozenset[int]:
    """The users who filed the application (created it, submitted or resubmitted it) or added
    a document to it: none of them may decide it (cases.rules.four_eyes_refusal)."""
    hands = {application.created_by_id}
    hands.update(ApplicationEvent.objects.filter(
        application_id=application.pk, action__in=(Action.SUBMIT, Action.RESUBMIT),
    ).values_list("actor_id", flat=True))
    hands.update(Document.objects.filter(application_id=application.pk).values_list("uploaded_by_id", flat=True))
    return frozenset(h for h in hands if h is not None)


def replaced_documents(application: Application) -> set[int]:
    """The documents a later upload replaced: when the bureau asked again for a group, every
    document of that group uploaded before the request, once a new one has come."""
    asked_at = application.supplement_requested_at
    if not asked_at or not application.supplement_groups:
        return set()
    policy = application_policy(application)
    docs = list(application.documents.all())
    replaced: set[int] = set()
    for code in application.supplement_groups:
        group = policy.groups.get(code)
        if group is None:
            continue
        of_group = [d for d in docs if d.kind in group.any_of]
        if any(d.uploaded_at > asked_at for d in of_group):
            replaced.update(d.pk for d in of_group if d.uploaded_at <= asked_at)
    return replaced
