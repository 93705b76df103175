"""The deadline sweep and the reclaim of tasks left running, as tasks (scheduled by ``run_scheduler``)."""

from __future__ import annotations

import datetime
from typing import Any

from django_tasks import task

from mpp.deadlines import reclaim, services


@task()
def sweep_deadlines(now: str | None = None) -> dict[str, Any]:
    """Flag breaches of every clocked model and run their steps (fiktif positif, say).

    ``now`` (ISO 8601, aware) lets a test or an operator run the sweep as of another moment.
    """
    moment = datetime.datetime.fromisoformat(now) if now else None
    report = services.sweep(moment)
    return {"breached": report.breached, "steps": report.steps, "failed": report.failed}


@task()
def reclaim_stuck_tasks() -> dict[str, Any]:
    """Mark tasks a dead worker left RUNNING as failed; re-queue the idempotent ones."""
    result = reclaim.reclaim_stuck_tasks()
    return {"requeued": result.requeued, "failed": result.failed}
