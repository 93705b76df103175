"""What the test's PostgreSQL connection keeps prepared (``mpp.plans``, docs/operations.md,
"Prepared statements"): shared by the tests that assert a read is, or is not, prepared."""

from __future__ import annotations

import pytest
from django.db import connection


def only_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's (SQLite plans in process)")


def prepared_like(pattern: str) -> int:
    """How many statements the connection keeps prepared whose text is LIKE ``pattern``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [pattern]
        )
        return cursor.fetchone()[0]
