"""Dashboards and exports read from a replica when one is configured (``DATABASE_REPLICA_URL``).

Facts are always read from ``replica`` when the alias exists; other reads go there only inside
:func:`replica_reads` (the dashboard and export views wrap their body in it). Writes always go to
``default``. Without the alias the router has no opinion and everything uses ``default``.

A replica that fails (stopped, unreachable, its connection dropped) is set aside for
``MPP_REPLICA_AWAY_SECONDS`` in this process: :func:`on_replica` runs the page again on the primary,
so the reader sees the page, not an error, and until then every read goes to the primary.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TypeVar

from django.conf import settings
from django.db import DatabaseError, connections

REPLICA = "replica"
_reading = contextvars.ContextVar("mpp_replica_reads", default=False)
_away_until = 0.0  # time.monotonic() until which this process reads the primary only
logger = logging.getLogger(__name__)
T = TypeVar("T")


def replica_configured() -> bool:
    return REPLICA in connections.settings


def replica_available() -> bool:
    """Configured, and not set aside after a failure in the last ``MPP_REPLICA_AWAY_SECONDS``."""
    return replica_configured() and time.monotonic() >= _away_until


def set_replica_aside() -> None:
    global _away_until
    _away_until = time.monotonic() + settings.MPP_REPLICA_AWAY_SECONDS
    # A dropped connection is what brought us here: closing it may fail; it is gone either way.
    with suppress(DatabaseError):
        connections[REPLICA].close()
    logger.warning("replica unavailable: reads go to the primary for a while")


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def on_replica(call: Callable[[], T]) -> T:
    """``call()`` reading through the replica; if the replica fails, once more on the primary."""
    if not replica_available():
        return call()
    try:
        with replica_reads():
            return call()
    except DatabaseError:
        if not connections[REPLICA].errors_occurred:
            raise  # the primary's own failure: the database-away answer takes it
        set_replica_aside()
    return call()


def reads_alias() -> str:
    return REPLICA if replica_available() else "default"


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not replica_available():
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
