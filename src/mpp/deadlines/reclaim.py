"""Tasks a dead worker left RUNNING: found after a timeout, marked failed, re-queued if idempotent.

django-tasks-db marks a task RUNNING when a ``db_worker`` claims it and SUCCESSFUL/FAILED when it
returns; a worker killed in between (SIGKILL, OOM, a lost machine) leaves the row RUNNING forever
and nothing runs it again. This sweep (``reclaim_stuck_tasks``, in ``MPP_SCHEDULE``) ends that:

- a task named in ``MPP_TASK_TIMEOUTS`` (task path → seconds) is idempotent by contract: when it has
  been RUNNING longer than its timeout it is marked FAILED (``WorkerLost``) and enqueued again with
  the same arguments;
- any other task is marked FAILED after ``MPP_TASK_DEFAULT_TIMEOUT`` seconds and not run again (its
  own sweep, if it has one, takes its work up).

The change is a conditional UPDATE (``status = RUNNING``), so a worker that was merely slow and
finishes meanwhile keeps its result, and two sweeps never re-queue the same task twice.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

WORKER_LOST = "mpp.deadlines.reclaim.WorkerLost"


@dataclass(frozen=True)
class Reclaimed:
    requeued: int
    failed: int


def timeouts() -> dict[str, datetime.timedelta]:
    return {
        path: datetime.timedelta(seconds=seconds)
        for path, seconds in settings.MPP_TASK_TIMEOUTS.items()
    }


def reclaim_stuck_tasks(now: datetime.datetime | None = None) -> Reclaimed:
    now = now or timezone.now()
    per_task = timeouts()
    default = datetime.timedelta(seconds=settings.MPP_TASK_DEFAULT_TIMEOUT)
    shortest = min([default, *per_task.values()])
    requeued = failed = 0
    candidates = DBTaskResult.objects.running().filter(started_at__lt=now - shortest)
    for row in candidates.only("id", "task_path", "started_at", "args_kwargs", "queue_name"):
        timeout = per_task.get(row.task_path, default)
        if row.started_at >= now - timeout:
            continue
        with transaction.atomic():
            taken = DBTaskResult.objects.filter(pk=row.pk, status="RUNNING").update(
                status="FAILED",
                finished_at=now,
                exception_class_path=WORKER_LOST,
                traceback=f"reclaimed: RUNNING since {row.started_at.isoformat()}, "
                f"longer than {int(timeout.total_seconds())} s",
            )
            if not taken:
                continue
            if row.task_path in per_task:
                # In the same transaction as the FAILED mark (the database backend's row): the
                # task is re-queued exactly when it is reclaimed.
                task = import_string(row.task_path).using(
                    queue_name=row.queue_name, backend=row.backend_name
                )
                task.enqueue(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
                requeued += 1
            else:
                failed += 1
        logger.warning("reclaimed a task left running: %s %s", row.task_path, row.pk)
    return Reclaimed(requeued=requeued, failed=failed)
