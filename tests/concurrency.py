"""The one harness for race tests: threads with their own PostgreSQL connections, released together.

A race test marks itself with :data:`RACE` (a transactional database, PostgreSQL only — SQLite
serialises writers, so nothing would race) and hands :func:`at_once` the work each contender does.
What a contender raises is collected, not lost: the test asserts on ``errors`` as on ``results``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.db import connection

RACE = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL"
    ),
]


def at_once(
    worker: Callable[[Any], Any], jobs: Sequence[Any], *, threads: int | None = None
) -> tuple[list[Any], list[BaseException]]:
    """``worker(job)`` for every job, on ``threads`` threads (one a job by default) that start at
    the same moment; each thread has its own connection, closed when it ends."""
    count = min(threads or len(jobs), len(jobs))
    chunks = [jobs[index::count] for index in range(count)]
    barrier = threading.Barrier(count)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(chunk: Sequence[Any]) -> None:
        try:
            barrier.wait()
            for job in chunk:
                results.append(worker(job))
        except BaseException as error:  # collected and asserted by the caller
            errors.append(error)
        finally:
            connection.close()

    started = [threading.Thread(target=run, args=(chunk,)) for chunk in chunks]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    return results, errors
