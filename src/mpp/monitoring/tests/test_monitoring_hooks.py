"""Telling the locus its report was returned is a workflow hook (issue 24): it runs after the
ministry's action committed, and neither a mail server that is down nor a failing hook undoes the
return; what failed is recorded and sent later by the retry sweeps, once."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from mpp.accounts.models import Role, RoleGrant, User
from mpp.monitoring import services
from mpp.monitoring.hooks import tell_locus_returned
from mpp.notifications.models import Notification
from mpp.notifications.services import retry_failed_notifications
from mpp.regions.models import Region
from mpp.workflows.hooks import hook_name
from mpp.workflows.models import HookFailure
from mpp.workflows.services import retry_failed_hooks

pytestmark = pytest.mark.django_db
NOTE = "Lengkapi butir 6 dengan jumlah aktivasi IKD."
TEXTS = {
    "acceleration_efforts": "Sosialisasi di 12 kecamatan.",
    "ikd_sisdmk_efforts": "Aktivasi IKD di sekolah.",
    "obstacles": "Jaringan belum stabil.",
    "suggestions": "Pelatihan operator.",
}


@pytest.fixture
def sent_report():
    ministry = User.objects.create(username="kementerian", name="Admin Kementerian")
    RoleGrant.objects.create(user=ministry, role=Role.MINISTRY_ADMIN)
    admin = User.objects.create(
        username="admin.batam", name="Admin Batam", email="admin.batam@example.go.id"
    )
    RoleGrant.objects.create(user=admin, role=Role.REGIONAL_ADMIN, region_id="2171")
    period = services.open_period(
        actor=ministry, name="Monev 2026", phase=1,
        starts_on=datetime.date(2026, 10, 1), ends_on=datetime.date(2026, 10, 31),
        deadline=datetime.date(2026, 12, 31), regions=Region.objects.filter(code="2171"),
        items=[5, 6, 7, 8],
    )  # fmt: skip
    report = period.reports.get()
    services.submit(report, actor=admin, data=TEXTS)
    return ministry, admin, report


class MailServerDown(Exception):
    pass


def broken_notify(*args, **kwargs):
    raise MailServerDown


def test_the_locus_is_told_after_the_return_commits(
    sent_report, django_capture_on_commit_callbacks
):
    ministry, admin, report = sent_report
    with django_capture_on_commit_callbacks() as callbacks:
        services.return_report(report, actor=ministry, note=NOTE)
        assert not Notification.objects.filter(kind="monitoring.returned").exists()
    assert len(callbacks) == 1  # the hook waits for the commit
    callbacks[0]()
    told = Notification.objects.get(kind="monitoring.returned", recipient=admin)
    assert told.link == f"/kelola/monev/laporan/{report.pk}/"


def test_mail_down_keeps_the_return_and_the_mail_goes_out_on_retry(
    sent_report, settings, django_capture_on_commit_callbacks
):
    ministry, admin, report = sent_report
    settings.EMAIL_BACKEND = "mpp.notifications.tests.test_delivery.BrokenSMTPBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.return_report(report, actor=ministry, note=NOTE)
    report.refresh_from_db()
    assert report.status == "returned" and report.review_note == NOTE
    email = email_delivery(admin)
    assert email.status == "failed"
    assert mail.outbox == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert retry_failed_notifications() == 1
    assert email_delivery(admin).status == "sent"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [admin.email]
    assert Notification.objects.filter(kind="monitoring.returned").count() == 1


def email_delivery(user):
    return Notification.objects.get(kind="monitoring.returned", recipient=user).deliveries.get(
        channel="email"
    )


def test_a_failing_hook_is_recorded_and_retried_once(
    sent_report, monkeypatch, django_capture_on_commit_callbacks
):
    ministry, admin, report = sent_report
    monkeypatch.setattr("mpp.monitoring.services.notify", broken_notify)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_report(report, actor=ministry, note=NOTE)
    report.refresh_from_db()
    assert report.status == "returned"  # the ministry's action stays committed
    failure = HookFailure.objects.get(hook=hook_name(tell_locus_returned))
    assert failure.error == "MailServerDown" and failure.resolved_at is None
    assert not Notification.objects.filter(kind="monitoring.returned").exists()

    monkeypatch.undo()
    later = timezone.now() + datetime.timedelta(hours=1)
    assert retry_failed_hooks(now=later).succeeded == 1
    assert retry_failed_hooks(now=later + datetime.timedelta(hours=1)).succeeded == 0
    told = Notification.objects.filter(kind="monitoring.returned", recipient=admin)
    assert told.count() == 1
    assert NOTE in str(told.get().context)
