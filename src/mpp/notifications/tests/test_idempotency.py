"""A restart never sends the same message twice: every send carries the delivery's idempotency key,
and a delivery left "sending" by a dead worker asks the provider before sending again."""

from __future__ import annotations

import datetime
import os
import signal
import time

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mpp.complaints.tests.test_forward import _worker, worker_env
from mpp.deadlines import reclaim
from mpp.notifications import registry, services
from mpp.notifications.base import Channel, Gateway
from mpp.notifications.models import Delivery, OutboxMessage
from mpp.notifications.tests.factories import PreferenceFactory
from mpp.web.simulators import Simulator

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a killed worker process needs PostgreSQL"
)


@pytest.fixture
def recipient():
    return PreferenceFactory(whatsapp_enabled=False).user


@pytest.fixture
def sms_provider(settings):
    simulator = Simulator().start()
    settings.MPP_SMS_GATEWAY = "http"
    settings.MPP_SMS_HTTP_URL = f"{simulator.url}/sms"
    yield simulator
    simulator.stop()


def _interrupted(notification, channel: Channel) -> Delivery:
    """The worker died after handing the message over and before marking it sent."""
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    Delivery.objects.filter(notification=notification, channel=channel).update(
        status=Delivery.Status.SENDING, attempts=1, last_attempt_at=long_ago
    )
    return Delivery.objects.get(notification=notification, channel=channel)


def test_every_send_carries_the_delivery_key_and_the_provider_keeps_one_message(
    recipient, sms_provider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(recipient, "test.ping", {}, channels=[Channel.SMS])
    delivery = notification.deliveries.get()
    assert delivery.status == "sent"
    assert sms_provider.sms_by_key == {delivery.idempotency_key: delivery.provider_id}
    assert sms_provider.stats()["sms_sent"] == 1


def test_a_delivery_interrupted_after_the_provider_took_it_is_marked_sent_without_a_second_sms(
    recipient, sms_provider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(recipient, "test.ping", {}, channels=[Channel.SMS])
    delivery = _interrupted(notification, Channel.SMS)
    assert services.retry_failed_notifications() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert sms_provider.stats() == {
        "lapor_filed": 0,
        "lapor_doubled": 0,
        "sms_sent": 1,
        "sms_doubled": 0,
        "posts": 1,  # asked, not sent again
    }


def test_an_interrupted_delivery_the_provider_never_got_is_sent(
    recipient, sms_provider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        notification = services.notify(recipient, "test.ping", {}, channels=[Channel.SMS])
    delivery = _interrupted(notification, Channel.SMS)
    assert services.retry_failed_notifications() == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent" and sms_provider.stats()["sms_sent"] == 1


def test_a_provider_that_cannot_be_asked_just_now_is_asked_again_later_not_sent_to(
    recipient, sms_provider, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(recipient, "test.ping", {}, channels=[Channel.SMS])
    delivery = _interrupted(notification, Channel.SMS)
    settings.MPP_SMS_HTTP_URL = "http://127.0.0.1:9/sms"  # nothing listens: the provider is away
    services.retry_failed_notifications()
    delivery.refresh_from_db()
    assert delivery.status == "sending" and delivery.error.startswith("uncertain")
    settings.MPP_SMS_HTTP_URL = f"{sms_provider.url}/sms"
    _interrupted(notification, Channel.SMS)
    services.retry_failed_notifications()
    delivery.refresh_from_db()
    assert delivery.status == "sent" and sms_provider.stats()["sms_sent"] == 1


def test_the_outbox_gateway_keeps_one_row_per_delivery(
    recipient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(recipient, "test.ping", {}, channels=[Channel.SMS])
    _interrupted(notification, Channel.SMS)
    services.retry_failed_notifications()
    assert OutboxMessage.objects.count() == 1
    assert notification.deliveries.get().status == "sent"


def test_email_goes_again_with_the_same_message_id(recipient, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(recipient, "test.ping", {}, channels=[Channel.EMAIL])
    delivery = _interrupted(notification, Channel.EMAIL)
    services.retry_failed_notifications()
    first, second = mail.outbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert delivery.idempotency_key in first.extra_headers["Message-ID"]


class ForgetfulGateway(Gateway):
    """A provider that neither drops a repeated key nor can be asked."""

    sent: list[str] = []

    def send(self, to: str, text: str, *, key: str) -> str:
        self.sent.append(key)
        return f"f-{len(self.sent)}"


def test_a_gateway_that_cannot_be_asked_is_never_sent_twice(
    recipient, settings, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(registry, "gateways", registry.gateways.copy())
    registry.gateways.register("forgetful", ForgetfulGateway)
    settings.MPP_SMS_GATEWAY = "forgetful"
    ForgetfulGateway.sent = []
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(recipient, "test.ping", {}, channels=[Channel.SMS])
    delivery = _interrupted(notification, Channel.SMS)
    services.retry_failed_notifications()
    services.retry_failed_notifications()
    delivery.refresh_from_db()
    assert ForgetfulGateway.sent == [delivery.idempotency_key]
    assert delivery.status == "failed" and delivery.error.startswith("uncertain")


def test_a_task_left_running_is_failed_and_requeued_only_if_idempotent(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from mpp.notifications.tasks import deliver_notification, retry_failed_notifications

    stuck = deliver_notification.enqueue("00000000-0000-0000-0000-000000000000")
    other = retry_failed_notifications.enqueue()
    started = timezone.now() - datetime.timedelta(hours=2)
    DBTaskResult.objects.update(status="RUNNING", started_at=started, worker_ids=["dead"])
    recent = deliver_notification.enqueue("00000000-0000-0000-0000-000000000001")
    DBTaskResult.objects.filter(pk=recent.id).update(status="RUNNING", started_at=timezone.now())

    assert reclaim.reclaim_stuck_tasks() == reclaim.Reclaimed(requeued=1, failed=1)
    rows = DBTaskResult.objects
    assert rows.get(pk=stuck.id).status == "FAILED"
    assert rows.get(pk=other.id).exception_class_path == reclaim.WORKER_LOST
    assert rows.get(pk=recent.id).status == "RUNNING"  # a live worker's task is left alone
    again = rows.filter(status="READY").get()
    assert (again.task_path, again.args_kwargs["args"]) == (
        "mpp.notifications.tasks.deliver_notification",
        ["00000000-0000-0000-0000-000000000000"],
    )
    assert reclaim.reclaim_stuck_tasks() == reclaim.Reclaimed(requeued=0, failed=0)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_between_the_providers_send_and_the_sent_mark_sends_one_sms(
    recipient, sms_provider, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    env = worker_env(MPP_SMS_GATEWAY="http", MPP_SMS_HTTP_URL=settings.MPP_SMS_HTTP_URL)
    sms_provider.hold("sms")  # the provider sends it, then keeps the worker waiting
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(recipient, "test.ping", {}, channels=[Channel.SMS])
    worker = _worker(env)
    try:
        assert sms_provider.recorded.wait(timeout=60)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        sms_provider.release()
    delivery = notification.deliveries.get()
    assert delivery.status == "sending"

    settings.MPP_STALE_SENDING_SECONDS = 0
    time.sleep(0.01)
    assert services.retry_failed_notifications() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_id) == ("sent", "SMS-0000001")
    assert sms_provider.stats()["sms_sent"] == 1
