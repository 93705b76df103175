"""Issue 24: the queue sweep no longer notifies inside its own transaction. A due reminder is a
committed ``remind`` transition; the message is sent by a hook after the commit, and a failing
send is recorded and sent again by the hook retry sweep, never stopping the queue sweep."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import TestCase

from mpp.cases.tests.factories import CitizenFactory
from mpp.notifications.models import Notification
from mpp.notifications.services import retry_failed_notifications
from mpp.queueing import services
from mpp.queueing.tests.conftest import MONDAY, at
from mpp.workflows.models import HookFailure, TransitionRecord
from mpp.workflows.services import retry_failed_hooks

SUNDAY = MONDAY - datetime.timedelta(days=1)
FRIDAY = MONDAY - datetime.timedelta(days=3)


class GatewayDown(Exception):
    pass


def _refuse(*args, **kwargs):
    raise GatewayDown


def _reminders(citizen) -> list[str]:
    return list(Notification.objects.filter(recipient=citizen).values_list("kind", flat=True))


def test_a_failing_reminder_is_recorded_and_sent_later(queue, monkeypatch):
    first, second, absent = CitizenFactory(), CitizenFactory(), CitizenFactory()
    kept = services.book(first, queue, MONDAY, datetime.time(10), now=at(7, day=FRIDAY))
    dropped = services.book(second, queue, MONDAY, datetime.time(11), now=at(7, day=FRIDAY))
    missed = services.book(absent, queue, FRIDAY, datetime.time(10), now=at(7, day=FRIDAY))

    monkeypatch.setattr("mpp.notifications.services.notify", _refuse)
    with TestCase.captureOnCommitCallbacks(execute=True):
        counts = services.sweep(now=at(11, day=SUNDAY))

    # The sweep went on: both reminders recorded, Friday's booking a no-show; nothing sent yet.
    assert counts == {"reminded_day": 2, "reminded_hour": 0, "no_show": 1}
    for ticket in (kept, dropped, missed):
        ticket.refresh_from_db()
    assert kept.reminded_day_at == at(11, day=SUNDAY) and missed.status == "no_show"
    assert TransitionRecord.objects.filter(
        workflow="queue_ticket", action="remind", object_id=str(kept.pk)
    ).exists()
    failures = HookFailure.objects.filter(resolved_at__isnull=True)
    assert failures.count() == 2
    assert set(failures.values_list("error", flat=True)) == {"GatewayDown"}
    assert _reminders(first) == _reminders(second) == []

    # The gateway is back; the second citizen cancelled meanwhile.
    monkeypatch.undo()
    services.cancel(dropped, user=second)
    later = at(11, 30, day=SUNDAY)
    result = retry_failed_hooks(now=later)
    assert (result.succeeded, result.failed) == (2, 0)
    assert _reminders(first) == ["queue.reminder_day"]
    assert _reminders(second) == []  # no reminder of a booking no longer held
    assert not HookFailure.objects.filter(resolved_at__isnull=True).exists()

    # Nothing is recorded or sent twice.
    assert retry_failed_hooks(now=later + datetime.timedelta(hours=1)).succeeded == 0
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.sweep(now=later)["reminded_day"] == 0
    assert _reminders(first) == ["queue.reminder_day"]


def test_a_mail_server_down_keeps_the_reminder_recorded_and_the_sweep_sends_it(queue, settings):
    citizen = CitizenFactory()
    ticket = services.book(citizen, queue, MONDAY, datetime.time(10), now=at(7, day=FRIDAY))
    settings.EMAIL_BACKEND = "mpp.notifications.tests.test_delivery.BrokenSMTPBackend"
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.sweep(now=at(11, day=SUNDAY))["reminded_day"] == 1

    # The reminder is recorded (no second one is due) and its mail failed, recorded too.
    ticket.refresh_from_db()
    assert ticket.status == "booked" and ticket.reminded_day_at == at(11, day=SUNDAY)
    reminder = Notification.objects.get(recipient=citizen, kind="queue.reminder_day")
    email = reminder.deliveries.get(channel="email")
    assert email.status == "failed" and mail.outbox == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert retry_failed_notifications() == 1
    email.refresh_from_db()
    assert email.status == "sent"
    assert [message.to for message in mail.outbox] == [[citizen.email]]
    assert ticket.booking_code in mail.outbox[0].body
    assert retry_failed_notifications() == 0
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.sweep(now=at(11, 30, day=SUNDAY))["reminded_day"] == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(recipient=citizen).count() == 1


@pytest.mark.parametrize("moved", ["rescheduled", "checked_in"])
def test_a_retry_never_reminds_of_a_slot_no_longer_held(queue, citizen, kiosk, monkeypatch, moved):
    ticket = services.book(citizen, queue, MONDAY, datetime.time(10), now=at(7, day=FRIDAY))
    monkeypatch.setattr("mpp.notifications.services.notify", _refuse)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.sweep(now=at(9, 5))["reminded_hour"] == 1
    monkeypatch.undo()
    ticket.refresh_from_db()
    if moved == "rescheduled":
        services.reschedule(ticket, MONDAY, datetime.time(14), user=citizen, now=at(9, 10))
    else:
        services.check_in(ticket, user=None, kinds=("kiosk",), now=at(9, 10))
    assert retry_failed_hooks(now=at(9, 30)).succeeded == 1
    assert _reminders(citizen) == []


def test_no_reminder_for_a_day_the_calendar_closed_after_the_booking(queue, citizen):
    """The reminders ask the same calendar as the slots: a regional holiday declared after the
    booking means no "Besok: antrean …" sending the citizen to a closed MPP."""
    from mpp.regions.models import CalendarOverride

    services.book(citizen, queue, MONDAY, datetime.time(10), now=at(7, day=FRIDAY))
    CalendarOverride.objects.create(
        region_id=queue.mpp.region_id,
        date=MONDAY,
        kind=CalendarOverride.Kind.DAY_OFF,
        reason="Libur daerah",
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.sweep(now=at(11, day=SUNDAY))["reminded_day"] == 0
        assert services.sweep(now=at(9, 5))["reminded_hour"] == 0
    assert _reminders(citizen) == []
