"""The periodic sweeps and when each is due; ``manage.py run_scheduler`` enqueues them.

django-tasks has no periodic tasks of its own, so one small scheduler process enqueues each sweep
on its interval and the workers (``db_worker``) run them; with the immediate backend (the demo) the
scheduler runs them itself. Every sweep is idempotent, so a second scheduler or a restart that
enqueues one early does no harm. The list is the ``MPP_SCHEDULE`` setting.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django_tasks.base import Task


@dataclass(frozen=True)
class Entry:
    task_path: str  # dotted path of a django-tasks task without arguments
    every: datetime.timedelta


def entries() -> list[Entry]:
    return [
        Entry(path, datetime.timedelta(seconds=seconds))
        for path, seconds in settings.MPP_SCHEDULE.items()
    ]


def due(
    schedule: Iterable[Entry],
    last_run: Mapping[str, datetime.datetime],
    now: datetime.datetime,
) -> list[Entry]:
    """The entries never run, or whose interval has passed since their last run."""
    return [
        entry
        for entry in schedule
        if entry.task_path not in last_run or now - last_run[entry.task_path] >= entry.every
    ]


def enqueue(entry: Entry) -> str:
    """Enqueue the entry's task; the task result's id."""
    task: Task[[], Any] = import_string(entry.task_path)
    return task.enqueue().id
