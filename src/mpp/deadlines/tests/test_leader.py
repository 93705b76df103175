"""Several schedulers, one leader: only the holder of the advisory lock enqueues the sweeps, and a
follower takes over when the leader's session dies (docs/operations.md, "Several nodes")."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django_tasks_db.models import DBTaskResult

from mpp.deadlines import schedule
from mpp.deadlines.leader import Leadership

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="advisory locks need PostgreSQL"
)


def _wait_for(condition: Callable[[], bool], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


class Scheduler:
    """One ``run_scheduler`` in a thread of its own (own connections), with test-sized intervals."""

    def __init__(self, name: str, *, retry_seconds: float = 0.05) -> None:
        self.name = name
        self.retry_seconds = retry_seconds
        self.leadership = Leadership()
        self.stop = threading.Event()
        self.said: list[str] = []
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        try:
            schedule.run(
                self.stop,
                leadership=self.leadership,
                say=self.said.append,
                retry_seconds=self.retry_seconds,
            )
        finally:
            connections.close_all()

    def enqueued(self) -> int:
        return sum("enqueued" in line for line in self.said)

    def leads(self) -> bool:
        return self.leadership.backend_pid() is not None and self.enqueued() > 0


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_enqueue_each_sweep_once_and_the_follower_takes_over(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # One sweep every 0.5 s (looked at every 0.1 s), the other every hour.
    settings.MPP_SCHEDULE = {
        "mpp.deadlines.tasks.sweep_deadlines": 0.5,
        "mpp.queueing.tasks.sweep_queue": 3600,
    }
    # The first one, once it has lost the lead, stays away (as a dead node does) so that the take-over
    # by the second one is what the test sees.
    first, second = Scheduler("first", retry_seconds=60), Scheduler("second")
    first.thread.start()
    assert _wait_for(first.leads)
    second.thread.start()
    assert _wait_for(
        lambda: DBTaskResult.objects.filter(task_path__endswith="sweep_deadlines").count() >= 3
    )
    assert second.enqueued() == 0  # the follower waits
    assert DBTaskResult.objects.filter(task_path__endswith="sweep_queue").count() == 1

    # The leader's session dies (its node lost the network, or PostgreSQL cut it).
    leader_pid = first.leadership.backend_pid()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [leader_pid])
    assert _wait_for(second.leads)
    before = first.enqueued()
    assert _wait_for(lambda: second.enqueued() >= 3)
    assert first.enqueued() == before  # the old leader stopped: it no longer holds the lock
    for scheduler in (first, second):
        scheduler.stop.set()
        scheduler.thread.join(timeout=30)

    # The new leader went on from the task table: the hourly sweep was not enqueued a second time,
    # and no two enqueues of the fast sweep came closer than its interval (allowing for the clock).
    assert DBTaskResult.objects.filter(task_path__endswith="sweep_queue").count() == 1
    times = sorted(
        DBTaskResult.objects.filter(task_path__endswith="sweep_deadlines").values_list(
            "enqueued_at", flat=True
        )
    )
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(times)]
    assert min(gaps) >= 0.4, gaps


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_second_scheduler_run_once_enqueues_nothing_while_another_leads(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    leader = Leadership()
    assert leader.hold()
    said: list[str] = []
    try:
        schedule.run(threading.Event(), leadership=Leadership(), say=said.append, once=True)
    finally:
        leader.release()
    assert said == ["another scheduler leads: nothing enqueued"]
    assert not DBTaskResult.objects.exists()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_leader_enqueues_again_after_the_database_cut_every_connection(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MPP_SCHEDULE = {"mpp.deadlines.tasks.sweep_deadlines": 0.5}
    scheduler = Scheduler("only")
    scheduler.thread.start()
    assert _wait_for(lambda: scheduler.enqueued() >= 1)

    # A primary restart as the scheduler sees it: every session but the test's own is cut, the
    # lock's and the one the enqueues go through.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    cut = DBTaskResult.objects.count()
    try:
        # It leads again and its enqueues reach the table (not "could not enqueue" for ever).
        assert _wait_for(lambda: DBTaskResult.objects.count() >= cut + 2)
    finally:
        scheduler.stop.set()
        scheduler.thread.join(timeout=30)


def test_on_sqlite_the_one_scheduler_always_leads():
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite case")
    assert Leadership().hold()
