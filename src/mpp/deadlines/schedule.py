"""The periodic sweeps and when each is due; ``manage.py run_scheduler`` enqueues them.

django-tasks has no periodic tasks of its own, so one small scheduler process enqueues each sweep
on its interval and the workers (``db_worker``) run them; with the immediate backend (the demo) the
scheduler runs them itself. Several nodes may each run a scheduler: only the leader (the holder of
a PostgreSQL advisory lock, :mod:`mpp.deadlines.leader`) enqueues, and a new leader goes on from
the last enqueue recorded in the task table, so a take-over does not enqueue every sweep again.
Every sweep is idempotent all the same, so a restart that enqueues one early does no harm. The list
is the ``MPP_SCHEDULE`` setting.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Max
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.base import Task

from mpp.deadlines.leader import Leadership

logger = logging.getLogger(__name__)


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


def last_enqueued(schedule: Iterable[Entry]) -> dict[str, datetime.datetime]:
    """When each sweep was last enqueued by any scheduler, as the task table records it (only the
    database task backend keeps one; empty otherwise)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return {}
    rows = (
        DBTaskResult.objects.filter(task_path__in=[entry.task_path for entry in schedule])
        .values("task_path")
        .annotate(last=Max("enqueued_at"))
    )
    return {row["task_path"]: row["last"] for row in rows}


def run(
    stop: threading.Event,
    *,
    leadership: Leadership,
    say: Callable[[str], None],
    once: bool = False,
    retry_seconds: float | None = None,
) -> None:
    """Enqueue the due sweeps while this process leads, until ``stop`` is set.

    A follower asks for the lead every ``retry_seconds`` (``MPP_SCHEDULER_LEADER_RETRY_SECONDS``);
    the leader looks at the schedule five times per shortest interval and checks before each look
    that it still leads."""
    schedule = entries()
    retry = settings.MPP_SCHEDULER_LEADER_RETRY_SECONDS if retry_seconds is None else retry_seconds
    tick = min(e.every for e in schedule).total_seconds() / 5 if schedule else 60
    last_run: dict[str, datetime.datetime] | None = None
    try:
        while not stop.is_set():
            if not leadership.hold():
                if once:
                    say("another scheduler leads: nothing enqueued")
                    return
                last_run = None  # a later lead starts again from the task table
                stop.wait(retry)
                continue
            _renew_connections()
            try:
                if last_run is None:
                    last_run = last_enqueued(schedule)
                _enqueue_due(schedule, last_run, say)
            except Exception as error:
                # Database away: retried at the next look (the lead is checked again first).
                logger.error("scheduler: round failed: %s", type(error).__name__)
            if once:
                return
            stop.wait(tick)
    finally:
        leadership.release()


def _renew_connections() -> None:
    """What Django does between two requests, before each round: close a connection the database
    cut (a restarted primary) or that outlived ``CONN_MAX_AGE``, so the round opens a new one
    instead of failing on the dead one until the process is restarted. Never one inside a
    transaction. (The lead's own connection is not among them: it is checked by ``hold``.)"""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def _enqueue_due(
    schedule: list[Entry], last_run: dict[str, datetime.datetime], say: Callable[[str], None]
) -> None:
    now = timezone.now()
    for entry in due(schedule, last_run, now):
        try:
            result_id = enqueue(entry)
            say(f"{now:%Y-%m-%d %H:%M:%S} enqueued {entry.task_path} {result_id}")
        except Exception as error:
            # A broken enqueue (database away) is retried at the next interval.
            logger.error("could not enqueue %s: %s", entry.task_path, type(error).__name__)
        last_run[entry.task_path] = now
