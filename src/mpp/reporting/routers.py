"""Dashboards and exports read from a replica when one is configured (``DATABASE_REPLICA_URL``).

Facts are always read from ``replica`` when the alias exists; other reads go there only inside
:func:`replica_reads` (the dashboard and export views wrap their body in it). Writes always go to
``default``. Without the alias the router has no opinion and everything uses ``default``.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from django.db import connections

REPLICA = "replica"
_reading = contextvars.ContextVar("mpp_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def replica_reads():
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def reads_alias() -> str:
    return REPLICA if replica_configured() else "default"


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not replica_configured():
            return None
        if _reading.get() or model._meta.label == "reporting.DailyFact":
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default" if replica_configured() else None

    def allow_relation(self, obj1, obj2, **hints):
        # The replica mirrors default: objects read from either may be related.
        if replica_configured():
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == REPLICA:
            return False
        return None
