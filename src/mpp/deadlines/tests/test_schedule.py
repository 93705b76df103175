"""The scheduler enqueues every periodic sweep, each on its own interval."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus, default_task_backend

from mpp.deadlines import schedule

pytestmark = pytest.mark.django_db

SWEEPS = {
    "mpp.deadlines.tasks.sweep_deadlines",
    "mpp.notifications.tasks.retry_failed_notifications",
    "mpp.workflows.tasks.retry_failed_hooks",
    "mpp.documents.tasks.finish_pending_documents",
    "mpp.cases.tasks.resume_issuing",
    "mpp.queueing.tasks.sweep_queue",
    "mpp.reporting.tasks.snapshot_facts",
    "mpp.deadlines.tasks.reclaim_stuck_tasks",
    "mpp.complaints.tasks.send_due_forwards",
}


def test_the_scheduler_enqueues_each_sweep(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    out = StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    enqueued = {result.task.module_path for result in default_task_backend.results}
    assert enqueued == SWEEPS
    assert out.getvalue().count("enqueued") == len(SWEEPS)


def test_each_sweep_is_due_again_only_after_its_interval():
    now = datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)
    fast = schedule.Entry("a", datetime.timedelta(minutes=5))
    slow = schedule.Entry("b", datetime.timedelta(minutes=10))
    assert schedule.due([fast, slow], {}, now) == [fast, slow]
    ran = {"a": now, "b": now}
    assert schedule.due([fast, slow], ran, now + datetime.timedelta(minutes=4)) == []
    assert schedule.due([fast, slow], ran, now + datetime.timedelta(minutes=5)) == [fast]
    assert schedule.due([fast, slow], ran, now + datetime.timedelta(minutes=10)) == [fast, slow]


def test_the_scheduled_sweeps_actually_run_with_the_immediate_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    for entry in schedule.entries():
        result = import_string(entry.task_path).enqueue()  # runs here, in the scheduler
        assert result.status == TaskResultStatus.SUCCESSFUL, entry.task_path
