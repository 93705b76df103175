"""Statements that PostgreSQL must plan with their parameters each time.

The hot reads are prepared after five runs on a connection and then served from one generic plan
(``DATABASE_SERVER_SIDE_BINDING``, ``docs/operations.md``, "Prepared statements"). A generic plan
does not know the values: for a query whose best plan depends on them, it can be far slower. The
counter's pick of the next ticket is one: the generic plan read and sorted the MPP's whole line of
the day (5,000 waiting: 21 ms instead of 3), where a plan made for today's date walks the line's
index and stops at the first ticket.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections


@contextmanager
def planned_each_time(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Inside, the connection prepares nothing and uses none of its prepared statements: each
    statement is planned for the values it is sent with. Nothing changes on SQLite."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    before = raw.prepare_threshold
    raw.prepare_threshold = None
    try:
        yield
    finally:
        raw.prepare_threshold = before
