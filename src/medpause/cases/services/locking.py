"""One writer at a time per person: every service that judges a person's stops against their
other stops (create, update, submit, approval) first locks that person's row, so that two
applications for overlapping periods -- say the person's own and their unit's, submitted at
the same instant -- are judged one after the other and the second sees the first (ADR 0014).

The lock is taken before any other (person, then application, then suspensions, then the
audit head), so two such services never wait on each other in opposite orders. On SQLite,
IMMEDIATE transactions serialise writers already and the lock is a no-op."""

from __future__ import annotations

from medpause.registry.models import Person


def person_lock(person_id: int) -> None:
    """SELECT ... FOR NO KEY UPDATE on registry.Person: excludes the other writers of this
    person's applications until this transaction ends, while rows merely pointing at the person
    (a settlement, a contribution, a notice) can still be inserted meanwhile."""
    list(Person.objects.select_for_update(no_key=True).filter(pk=person_id).values_list("pk", flat=True))
