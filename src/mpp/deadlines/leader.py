"""Which of several schedulers enqueues the sweeps: the one holding a PostgreSQL advisory lock.

Every node of a cluster may run ``manage.py run_scheduler``; exactly one of them leads. The lock is
session-level and held on a connection of its own (never the one Django closes between requests or
hands to a transaction), so it lasts exactly as long as the leader's session: when the leader's
process dies, or its connection is cut, PostgreSQL releases the lock and the next follower to try
(every ``MPP_SCHEDULER_LEADER_RETRY_SECONDS``) takes over. A leader checks its own connection
before each round, so a leader whose session was cut stops enqueueing before another starts.

SQLite has no advisory locks and a SQLite deployment is one node: the scheduler always leads there.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import DatabaseError

logger = logging.getLogger(__name__)

# The advisory lock's key: any 64-bit number no other lock in the database uses ("MPP-SCHD").
SCHEDULER_LOCK_KEY = 0x4D50505F53434844


class Leadership:
    """The scheduler's claim to lead, on a database connection of its own."""

    def __init__(self, *, alias: str = DEFAULT_DB_ALIAS, key: int = SCHEDULER_LOCK_KEY) -> None:
        self.alias = alias
        self.key = key
        self._connection: Any = None
        self._held = False
        self._session: int | None = None  # the backend pid of the session holding the lock

    @property
    def needs_lock(self) -> bool:
        return bool(connections[self.alias].vendor == "postgresql")

    def hold(self) -> bool:
        """True while this process leads: keeps the lock it has, or tries once to take it."""
        if not self.needs_lock:
            return True
        try:
            if self._held:
                # Still the session that took the lock (a silent reconnect would not hold it).
                if self._query("SELECT pg_backend_pid()") == self._session:
                    return True
                logger.warning("scheduler: lost the lead (new session)")
                self.release()
                return False
            self._held = bool(self._query("SELECT pg_try_advisory_lock(%s)", [self.key]))
            if self._held:
                self._session = self._query("SELECT pg_backend_pid()")
                logger.info("scheduler: leading (advisory lock taken)")
            return self._held
        except DatabaseError as error:
            if self._held:
                logger.warning("scheduler: lost the lead (%s)", type(error).__name__)
            self.release()
            return False

    def release(self) -> None:
        """Give the lead up (closing the session releases the lock)."""
        self._held = False
        self._session = None
        if self._connection is not None:
            try:
                self._connection.close()
            except DatabaseError:
                logger.info("scheduler: lock connection already gone")
            self._connection = None

    def backend_pid(self) -> int | None:
        """The PostgreSQL process of the lock's session (tests and operators cut it to fail over)."""
        if self._connection is None or self._connection.connection is None:
            return None
        return int(self._connection.connection.info.backend_pid)

    def _query(self, sql: str, params: list[Any] | None = None) -> Any:
        if self._connection is None:
            # A wrapper of its own: not the thread's connection, so request and task signals that
            # close connections never end the lock's session.
            self._connection = connections.create_connection(self.alias)
        with self._connection.cursor() as cursor:
            cursor.execute(sql, params or [])
            return cursor.fetchone()[0]
