"""Scheduled work: the deadline sweep (run it every few minutes; it is idempotent)."""

from __future__ import annotations

import datetime

from django_tasks import task

from mpp.cases import services


@task()
def sweep_deadlines(now: str | None = None) -> dict[str, int]:
    """Flag breaches; approve and issue fiktif-positif applications whose deadline passed.

    ``now`` (ISO 8601, aware) lets a test or an operator run the sweep as of another moment.
    """
    moment = datetime.datetime.fromisoformat(now) if now else None
    result = services.sweep_deadlines(moment)
    return {
        "breached": result.breached,
        "auto_approved": result.auto_approved,
        "issued": result.issued,
        "failed": result.failed,
    }
