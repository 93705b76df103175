"""Sending: every channel, the recipient's language, after commit only, idempotent, isolated failures."""

from __future__ import annotations

import datetime
import logging
import smtplib
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from mpp.notifications import registry, services, tasks
from mpp.notifications.base import Channel, Gateway, GatewayError
from mpp.notifications.models import Delivery, InboxMessage, Notification, OutboxMessage
from mpp.notifications.tests.factories import PreferenceFactory, RecipientFactory

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
DUE = datetime.datetime(2026, 8, 14, 23, 59, tzinfo=WIB)


def submitted_context(**extra):
    return {
        "tracking_number": "2171-260807-0042",
        "service_name": "Penerbitan KTP-el",
        "due_at": DUE,
        **extra,
    }


def notify_committed(capture, recipient, kind="application.submitted", context=None, **kwargs):
    with capture(execute=True):
        return services.notify(
            recipient, kind, submitted_context() if context is None else context, **kwargs
        )


def statuses(notification: Notification) -> dict[str, str]:
    return dict(notification.deliveries.values_list("channel", "status"))


class BrokenSMTPBackend(BaseEmailBackend):
    """An SMTP server that refuses the recipient and quotes their address and NIK back."""

    def send_messages(self, email_messages):
        address = email_messages[0].to[0]
        raise smtplib.SMTPRecipientsRefused(
            {address: (550, b"user 2171011508900003 unknown at Jl. Merdeka 1")}
        )


class SecondWorkerBackend(BaseEmailBackend):
    """While this worker sends the email, a second worker picks up the same notification."""

    second_worker_saw: dict[str, str] = {}

    def send_messages(self, email_messages):
        notification_id = email_messages[0].extra_headers["X-MPP-Notification"]
        SecondWorkerBackend.second_worker_saw = services.deliver_notification(notification_id)
        mail.outbox.extend(email_messages)
        return len(email_messages)


class RecordingGateway(Gateway):
    sent: list[tuple[str, str, str]] = []

    def send(self, to: str, text: str, *, key: str) -> str:
        self.sent.append((self.channel, to, text))
        return f"rec-{len(self.sent)}"


class RefusingGateway(Gateway):
    def send(self, to: str, text: str, *, key: str) -> str:
        raise GatewayError(f"provider refused {to}: quota exceeded")


@pytest.fixture
def recipient():
    return PreferenceFactory(user__name="Budi Santoso", user__nik="2171011508900003").user


def test_every_channel_is_delivered_once_after_commit(
    recipient, django_capture_on_commit_callbacks
):
    notification = notify_committed(
        django_capture_on_commit_callbacks, recipient, link="/permohonan/42/"
    )

    assert statuses(notification) == dict.fromkeys(["email", "inbox", "sms", "whatsapp"], "sent")
    [email] = mail.outbox
    assert email.to == [recipient.email]
    assert email.subject == "Permohonan 2171-260807-0042 telah diterima"
    assert "Yth. Budi Santoso," in email.body
    assert "14 Agustus 2026 23.59 WIB" in email.body
    assert "http://127.0.0.1:8000/permohonan/42/" in email.body
    assert "/akun/pesan/pengaturan/" in email.body

    inbox = InboxMessage.objects.get(recipient=recipient)
    assert inbox.subject == email.subject
    assert inbox.link == "/permohonan/42/"
    assert inbox.read_at is None
    assert "http" not in inbox.body  # the inbox page shows the link as a button

    texts = {message.channel: message for message in OutboxMessage.objects.all()}
    assert set(texts) == {"sms", "whatsapp"}
    assert texts["sms"].to == recipient.phone
    assert texts["sms"].status == OutboxMessage.Status.QUEUED
    assert texts["sms"].text == (
        "MPP Digital: permohonan 2171-260807-0042 (Penerbitan KTP-el) diterima, selesai paling "
        "lambat 14 Agustus 2026. http://127.0.0.1:8000/permohonan/42/"
    )
    sms_delivery = notification.deliveries.get(channel="sms")
    assert sms_delivery.provider_id == f"outbox-{texts['sms'].pk}"
    assert sms_delivery.attempts == 1


def test_messages_are_rendered_in_the_recipients_language(django_capture_on_commit_callbacks):
    english = PreferenceFactory(language="en").user
    indonesian = PreferenceFactory(language="id").user

    notify_committed(django_capture_on_commit_callbacks, english)
    notify_committed(django_capture_on_commit_callbacks, indonesian)

    by_address = {message.to[0]: message.body for message in mail.outbox}
    assert "14 August 2026 23:59 WIB" in by_address[english.email]
    assert "14 Agustus 2026 23.59 WIB" in by_address[indonesian.email]
    sms = {message.to: message.text for message in OutboxMessage.objects.filter(channel="sms")}
    assert "14 August 2026" in sms[english.phone]
    assert "14 Agustus 2026" in sms[indonesian.phone]


def test_the_region_time_zone_can_be_given_in_the_context(
    recipient, django_capture_on_commit_callbacks
):
    notify_committed(
        django_capture_on_commit_callbacks,
        recipient,
        context=submitted_context(timezone="Asia/Makassar"),
        channels=[Channel.EMAIL],
    )
    assert "15 Agustus 2026 00.59 WITA" in mail.outbox[0].body


def test_nothing_is_sent_when_the_callers_transaction_rolls_back(
    recipient, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.notify(recipient, "application.submitted", submitted_context())
        raise RuntimeError("the status change failed")

    assert callbacks == []
    assert not Notification.objects.exists()
    assert not InboxMessage.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_sending_waits_for_the_commit(recipient, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = services.notify(recipient, "test.ping", {})
    assert statuses(notification) == dict.fromkeys(["email", "inbox", "sms", "whatsapp"], "pending")
    assert mail.outbox == []

    callbacks[0]()
    assert statuses(notification) == dict.fromkeys(["email", "inbox", "sms", "whatsapp"], "sent")


def test_delivering_again_sends_nothing_twice(recipient, django_capture_on_commit_callbacks):
    notification = notify_committed(django_capture_on_commit_callbacks, recipient)

    again = services.deliver_notification(str(notification.pk))
    call_command("retry_failed_notifications", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert again == dict.fromkeys(["email", "inbox", "sms", "whatsapp"], "sent")
    assert len(mail.outbox) == 1
    assert InboxMessage.objects.count() == 1
    assert OutboxMessage.objects.count() == 2
    assert set(notification.deliveries.values_list("attempts", flat=True)) == {1}


def test_two_workers_on_the_same_notification_send_each_channel_once(
    recipient, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.SecondWorkerBackend"

    notification = notify_committed(django_capture_on_commit_callbacks, recipient)

    # The second worker left the email to the first and sent the rest; the first, arriving
    # at those channels afterwards, found them sent and sent nothing again.
    assert SecondWorkerBackend.second_worker_saw == {
        "email": "sending",
        "inbox": "sent",
        "sms": "sent",
        "whatsapp": "sent",
    }
    assert statuses(notification) == dict.fromkeys(["email", "inbox", "sms", "whatsapp"], "sent")
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.count() == 2
    assert set(notification.deliveries.values_list("attempts", flat=True)) == {1}


def test_a_channel_can_be_chosen_by_the_caller(recipient, django_capture_on_commit_callbacks):
    notification = notify_committed(
        django_capture_on_commit_callbacks, recipient, channels=[Channel.INBOX]
    )
    assert statuses(notification) == {"inbox": "sent"}
    assert mail.outbox == []


def test_opted_out_channels_and_missing_addresses_are_skipped(django_capture_on_commit_callbacks):
    recipient = PreferenceFactory(
        email_enabled=False, sms_enabled=True, whatsapp_enabled=True, user__phone=""
    ).user
    notification = notify_committed(django_capture_on_commit_callbacks, recipient)

    assert statuses(notification) == {
        "email": "skipped",
        "inbox": "sent",
        "sms": "skipped",
        "whatsapp": "skipped",
    }
    errors = dict(notification.deliveries.values_list("channel", "error"))
    assert errors["email"] == "opted_out"
    assert errors["sms"] == "no_address"
    assert mail.outbox == []
    assert not OutboxMessage.objects.exists()


def test_without_saved_preferences_email_sms_and_inbox_are_used_in_indonesian(
    django_capture_on_commit_callbacks,
):
    recipient = RecipientFactory()
    notification = notify_committed(django_capture_on_commit_callbacks, recipient)
    assert statuses(notification) == {
        "email": "sent",
        "inbox": "sent",
        "sms": "sent",
        "whatsapp": "skipped",
    }
    assert "Agustus" in mail.outbox[0].body


def test_a_failing_channel_does_not_stop_the_others_and_leaks_no_personal_data(
    recipient, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenSMTPBackend"
    with caplog.at_level(logging.INFO):
        notification = notify_committed(django_capture_on_commit_callbacks, recipient)

    assert statuses(notification) == {
        "email": "failed",
        "inbox": "sent",
        "sms": "sent",
        "whatsapp": "sent",
    }
    error = notification.deliveries.get(channel="email").error
    assert error.startswith("SMTPRecipientsRefused")
    for secret in (recipient.email, recipient.nik, "2171011508900003", recipient.name):
        assert secret not in error
        assert secret not in caplog.text
    assert "notification delivery failed" in caplog.text


def test_failed_deliveries_are_retried_until_sent_and_then_left_alone(
    recipient, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenSMTPBackend"
    notification = notify_committed(django_capture_on_commit_callbacks, recipient)
    assert services.retry_failed_notifications() == 1  # SMTP still down
    assert notification.deliveries.get(channel="email").attempts == 2

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.retry_failed_notifications() == 1
    assert services.retry_failed_notifications() == 0

    email = notification.deliveries.get(channel="email")
    assert (email.status, email.attempts, email.error) == ("sent", 3, "")
    assert len(mail.outbox) == 1
    assert InboxMessage.objects.count() == 1
    assert OutboxMessage.objects.count() == 2


def test_the_retry_sweep_runs_as_a_task(recipient, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenSMTPBackend"
    notification = notify_committed(
        django_capture_on_commit_callbacks, recipient, channels=[Channel.EMAIL]
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    result = tasks.retry_failed_notifications.enqueue()

    assert result.return_value == 1
    assert notification.deliveries.get().status == "sent"
    assert len(mail.outbox) == 1


def test_retries_stop_after_the_last_attempt(
    recipient, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenSMTPBackend"
    notification = notify_committed(
        django_capture_on_commit_callbacks, recipient, channels=[Channel.EMAIL]
    )
    for _ in range(services.MAX_ATTEMPTS + 2):
        services.retry_failed_notifications()
    email = notification.deliveries.get()
    assert (email.status, email.attempts) == ("failed", services.MAX_ATTEMPTS)


def test_a_delivery_left_half_sent_by_a_dead_worker_is_sent_again(
    recipient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        notification = services.notify(recipient, "test.ping", {}, channels=[Channel.INBOX])
    started = (
        timezone.now()
        - datetime.timedelta(seconds=settings.MPP_STALE_SENDING_SECONDS)
        - datetime.timedelta(minutes=1)
    )
    Delivery.objects.filter(notification=notification).update(
        status=Delivery.Status.SENDING, attempts=1, last_attempt_at=started
    )

    assert services.retry_failed_notifications(now=timezone.now()) == 1
    delivery = notification.deliveries.get()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert InboxMessage.objects.filter(notification=notification).count() == 1


def test_a_recent_sending_delivery_is_left_to_its_worker(
    recipient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        notification = services.notify(recipient, "test.ping", {}, channels=[Channel.INBOX])
    Delivery.objects.filter(notification=notification).update(
        status=Delivery.Status.SENDING, attempts=1, last_attempt_at=timezone.now()
    )
    assert services.retry_failed_notifications() == 0
    assert services.deliver_notification(str(notification.pk)) == {"inbox": "sending"}
    assert not InboxMessage.objects.exists()


def test_a_lost_pending_delivery_is_picked_up_by_the_sweep(
    recipient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        notification = services.notify(recipient, "test.ping", {}, channels=[Channel.INBOX])
    assert services.retry_failed_notifications() == 0  # still within the grace period
    later = timezone.now() + services.lost_pending_after() + datetime.timedelta(minutes=1)
    assert services.retry_failed_notifications(now=later) == 1
    assert notification.deliveries.get().status == "sent"


def test_the_sms_gateway_can_be_swapped(
    recipient, settings, monkeypatch, django_capture_on_commit_callbacks
):
    gateways = registry.gateways.copy()
    gateways.register("recorder")(RecordingGateway)
    monkeypatch.setattr(registry, "gateways", gateways)
    monkeypatch.setattr(RecordingGateway, "sent", [])
    settings.MPP_SMS_GATEWAY = "recorder"

    notification = notify_committed(django_capture_on_commit_callbacks, recipient)

    assert [(channel, to) for channel, to, _text in RecordingGateway.sent] == [
        ("sms", recipient.phone)
    ]
    assert notification.deliveries.get(channel="sms").provider_id == "rec-1"
    assert list(OutboxMessage.objects.values_list("channel", flat=True)) == ["whatsapp"]


def test_a_refusing_gateway_is_recorded_without_the_phone_number(
    recipient, settings, monkeypatch, django_capture_on_commit_callbacks
):
    gateways = registry.gateways.copy()
    gateways.register("refusing")(RefusingGateway)
    monkeypatch.setattr(registry, "gateways", gateways)
    settings.MPP_WHATSAPP_GATEWAY = "refusing"

    notification = notify_committed(django_capture_on_commit_callbacks, recipient)

    whatsapp = notification.deliveries.get(channel="whatsapp")
    assert whatsapp.status == "failed"
    assert whatsapp.error == "GatewayError: provider refused […]: quota exceeded"
    assert statuses(notification)["sms"] == "sent"


def test_a_template_error_is_recorded_by_its_class_only(
    recipient, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(registry, "kinds", registry.kinds.copy())
    registry.register_kind("demo.broken", label="Rusak", template_dir="notifications/tidak-ada")
    notification = notify_committed(
        django_capture_on_commit_callbacks,
        recipient,
        kind="demo.broken",
        context={"reason": "Alamat Jl. Merdeka 1"},
        channels=[Channel.INBOX],
    )
    assert notification.deliveries.get().error == "TemplateDoesNotExist"


@pytest.mark.parametrize(
    ("kind", "context", "link", "message"),
    [
        ("no.such", {}, "", "not registered"),
        ("application.submitted", {"tracking_number": "x"}, "", "service_name, due_at"),
        ("test.ping", {"when": datetime.datetime(2026, 8, 1, 9, 0)}, "", "timezone-aware"),
        ("test.ping", {"who": object()}, "", "cannot be stored"),
        ("test.ping", {}, "https://contoh.id/x", "site-relative"),
        ("test.ping", {}, "//contoh.id/x", "site-relative"),
        ("test.ping", {}, "/warga/2171011508900003/", "personal data"),
    ],
)
def test_a_callers_mistake_fails_in_the_callers_transaction(
    recipient, kind, context, link, message
):
    with pytest.raises((LookupError, ValueError, TypeError), match=message):
        services.notify(recipient, kind, context, link=link)
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("kind", "context", "subject"),
    [
        (
            "application.revision_requested",
            {"reason": "Foto KK tidak terbaca."},
            "Permohonan 2171-260807-0042 perlu diperbaiki",
        ),
        ("application.approved", {}, "Permohonan 2171-260807-0042 disetujui"),
        (
            "application.rejected",
            {"reason": "STR sudah tidak berlaku."},
            "Permohonan 2171-260807-0042 ditolak",
        ),
        (
            "application.issued",
            {"document_number": "474.1/2171/DUKCAPIL/2026/000123"},
            "Dokumen untuk permohonan 2171-260807-0042 telah terbit",
        ),
        ("application.withdrawn", {}, "Permohonan 2171-260807-0042 telah dibatalkan"),
        ("test.ping", {"sent_on": datetime.date(2026, 5, 1)}, "Pesan uji dari MPP Digital"),
    ],
)
def test_each_builtin_kind_renders_for_every_channel(
    recipient, kind, context, subject, django_capture_on_commit_callbacks
):
    notification = notify_committed(
        django_capture_on_commit_callbacks,
        recipient,
        kind=kind,
        context={"tracking_number": "2171-260807-0042", "service_name": "KTP-el", **context},
    )
    assert set(statuses(notification).values()) == {"sent"}
    assert mail.outbox[0].subject == subject
    for value in context.values():
        if isinstance(value, str):
            assert value in mail.outbox[0].body
    for text in OutboxMessage.objects.values_list("text", flat=True):
        assert "\n" not in text.strip() and len(text) <= 200
