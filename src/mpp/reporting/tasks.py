"""End-of-day snapshots of the daily facts, as a task (scheduled by ``run_scheduler``)."""

from __future__ import annotations

import datetime

from django_tasks import task

from mpp.reporting import services


@task()
def snapshot_facts(day: str | None = None) -> dict:
    """Snapshot yesterday (final) and today so far; ``day`` (ISO date) snapshots that day only."""
    if day:
        return {"rows": services.snapshot_day(datetime.date.fromisoformat(day))}
    return {"rows": services.snapshot_recent()}
