"""The SP4N-LAPOR! forward: an outbox row written with the complaint, sent by a task, never lost
or doubled (LAPOR down, a worker killed mid-forward), its state on the desk's and reporter's pages."""

from __future__ import annotations

import datetime
import os
import signal
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mpp.accounts.tests.helpers import login_staff
from mpp.cases.tests.test_issuing import _wait_for, _worker  # the one db_worker helper
from mpp.complaints import services
from mpp.complaints.models import Complaint, Forward, LaporRegion
from mpp.deadlines import reclaim
from mpp.web.simulators import Simulator

from .factories import desk, submitted

ROOT = Path(__file__).resolve().parents[4]
pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a killed worker process needs PostgreSQL"
)


@pytest.fixture
def lapor(settings):
    simulator = Simulator().start()
    settings.MPP_LAPOR_CONNECTOR = "mpp.complaints.lapor.HttpConnector"
    settings.MPP_LAPOR_URL = f"{simulator.url}/lapor"
    LaporRegion.objects.get_or_create(region_id="2171")
    yield simulator
    simulator.stop()


def _due_now(forward: Forward) -> None:
    """Time passes until the forward's next try (the backoff is real minutes)."""
    Forward.objects.filter(pk=forward.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def test_lapor_down_keeps_the_complaint_and_the_sweep_sends_the_forward_later(
    demo, lapor, client, django_capture_on_commit_callbacks
):
    lapor.lapor_down = True
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submitted()
    assert Complaint.objects.filter(pk=complaint.pk, status="submitted").exists()
    forward = Forward.objects.get(complaint=complaint)
    assert (forward.status, forward.attempts, forward.error) == (
        "failed",
        1,
        "LaporUnavailable: HTTP 503",
    )
    # Tried again after the backoff (one minute after the first failure), not before.
    assert forward.next_attempt_at - forward.last_attempt_at >= datetime.timedelta(minutes=1)
    login_staff(client, desk())
    page = client.get(f"/kelola/pengaduan/{complaint.pk}/").content.decode()
    retry_at = timezone.localtime(
        forward.next_attempt_at, datetime.timezone(datetime.timedelta(hours=7))
    )
    assert "Gagal — dicoba lagi pada" in page and f"{retry_at:%H.%M} WIB" in page

    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_forwards() == 0  # not due yet
    lapor.lapor_down = False
    _due_now(forward)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_forwards() == 1
    forward.refresh_from_db()
    assert (forward.status, forward.attempts, forward.remote_number) == ("sent", 2, "LAPOR-0000001")
    assert lapor.stats()["lapor_filed"] == 1
    assert "LAPOR-0000001" in client.get(f"/kelola/pengaduan/{complaint.pk}/").content.decode()
    client.logout()
    follow = client.get(f"/pengaduan/lacak/{complaint.follow_token}/").content.decode()
    assert "Terkirim" in follow and "LAPOR-0000001" in follow


def test_a_forward_given_up_after_its_attempts_is_sent_again_by_the_desk(
    demo, lapor, client, django_capture_on_commit_callbacks
):
    lapor.lapor_down = True
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submitted()
    forward = complaint.forward
    for _attempt in range(services.FORWARD_ATTEMPTS - 1):
        _due_now(forward)
        services.send_forward(forward.pk)
    forward.refresh_from_db()
    assert (forward.status, forward.attempts) == ("given_up", services.FORWARD_ATTEMPTS)
    _due_now(forward)
    assert services.send_due_forwards() == 0  # the sweep leaves it to the desk

    login_staff(client, desk())
    page = client.get(f"/kelola/pengaduan/{complaint.pk}/").content.decode()
    assert "Gagal — tidak dicoba lagi" in page and "Kirim ulang ke SP4N-LAPOR!" in page
    lapor.lapor_down = False
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/kelola/pengaduan/{complaint.pk}/kirim-ulang-lapor/")
    forward.refresh_from_db()
    assert (forward.status, forward.remote_number) == ("sent", "LAPOR-0000001")
    assert lapor.stats()["lapor_filed"] == 1


def test_a_process_killed_mid_forward_leaves_a_row_the_sweep_sends_once(
    demo, lapor, settings, django_capture_on_commit_callbacks
):
    """The web process died after the commit: the on-commit task never ran (nothing captured)."""
    with django_capture_on_commit_callbacks(execute=False):
        complaint = submitted()
    forward = Forward.objects.get(complaint=complaint)
    assert forward.status == "pending"
    # A try that died mid-call ("sending" for longer than the stale limit) is sent again, same key.
    Forward.objects.filter(pk=forward.pk).update(
        status="sending",
        attempts=1,
        last_attempt_at=timezone.now()
        - datetime.timedelta(seconds=settings.MPP_STALE_SENDING_SECONDS + 1),
    )
    lapor.lapor_by_key[forward.idempotency_key] = "LAPOR-0000009"  # LAPOR got the first try
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_forwards() == 1
    forward.refresh_from_db()
    assert (forward.status, forward.remote_number) == ("sent", "LAPOR-0000009")
    assert lapor.stats()["lapor_filed"] == 0  # the second try filed nothing new


def worker_env(**extra: str) -> dict[str, str]:
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "SECRET_KEY": django_settings.SECRET_KEY,
        "PYTHONPATH": str(ROOT / "src"),
        **extra,
    }


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_forward_is_reclaimed_and_lapor_files_the_complaint_once(
    committed_demo, lapor, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    env = worker_env(
        MPP_LAPOR_CONNECTOR=settings.MPP_LAPOR_CONNECTOR,
        MPP_LAPOR_URL=settings.MPP_LAPOR_URL,
        MPP_STALE_SENDING_SECONDS="1",
    )
    lapor.hold("lapor")  # LAPOR files it, then keeps the worker waiting for its answer
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submitted()
    forward = complaint.forward
    worker = _worker(env)
    try:
        assert lapor.recorded.wait(timeout=60)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        lapor.release()
        task = DBTaskResult.objects.get(task_path="mpp.complaints.tasks.send_forward")
        assert task.status == "RUNNING"  # left so by the dead worker
        forward.refresh_from_db()
        assert forward.status == "sending"

        later = timezone.now() + datetime.timedelta(seconds=settings.MPP_TASK_TIMEOUT_SECONDS + 1)
        with django_capture_on_commit_callbacks(execute=True):
            assert reclaim.reclaim_stuck_tasks(later) == reclaim.Reclaimed(requeued=1, failed=0)
        task.refresh_from_db()
        assert (task.status, task.exception_class_path) == ("FAILED", reclaim.WORKER_LOST)
        time.sleep(1.1)  # the killed try becomes stale (MPP_STALE_SENDING_SECONDS=1 here)
        worker = _worker(env)
        assert _wait_for(lambda: Forward.objects.filter(pk=forward.pk, status="sent").exists())
    finally:
        worker.kill()
        worker.wait(timeout=30)
    forward.refresh_from_db()
    assert (forward.status, forward.attempts, forward.remote_number) == ("sent", 2, "LAPOR-0000001")
    stats = lapor.stats()
    assert (stats["lapor_filed"], stats["lapor_doubled"], stats["posts"]) == (1, 0, 2)
    assert (
        DBTaskResult.objects.filter(
            task_path="mpp.complaints.tasks.send_forward", status="SUCCESSFUL"
        ).count()
        == 1
    )
