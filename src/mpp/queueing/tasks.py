"""The queue sweep as a task (scheduled by ``run_scheduler`` through ``MPP_SCHEDULE``)."""

from __future__ import annotations

import datetime

from django_tasks import task

from mpp.queueing import services


@task()
def sweep_queue(now: str | None = None) -> dict:
    """Booking reminders that are due and the no-shows of past days; idempotent."""
    moment = datetime.datetime.fromisoformat(now) if now else None
    return services.sweep(moment)
