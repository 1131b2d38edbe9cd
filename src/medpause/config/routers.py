"""The database router: the read replica (settings.MEDPAUSE_REPLICA_ALIAS, from
MEDPAUSE_REPLICA_URL) answers the reads that common.replica allows -- the eligibility
selectors' -- and nothing else; every write, every other read, and any read inside a
transaction on the primary (it must see its own writes) go to "default". The replica is never
migrated: it follows the primary by replication."""

from __future__ import annotations

from django.conf import settings
from django.db import connections

from medpause.common.replica import replica_allowed

PRIMARY = "default"


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        alias = settings.MEDPAUSE_REPLICA_ALIAS
        if alias and replica_allowed() and not connections[PRIMARY].in_atomic_block:
            return alias
        return PRIMARY  # also for objects read from the replica earlier: never stick to it

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
