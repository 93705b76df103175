"""Issue 23/24: the region is told at every step, the ministry's review is a clock the one sweep
escalates, and a mail server that is down never undoes an onboarding action."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from mpp.accounts.models import Role, RoleGrant, User
from mpp.accounts.tests.factories import load_demo
from mpp.deadlines.services import sweep
from mpp.notifications.models import Notification
from mpp.onboarding import services
from mpp.onboarding.models import OnboardingApplication
from mpp.onboarding.tests.test_onboarding import FORM, pdf
from mpp.regions.models import Region
from mpp.workflows.models import HookFailure, TransitionRecord
from mpp.workflows.services import retry_failed_hooks

pytestmark = pytest.mark.django_db

MAKASSAR = zoneinfo.ZoneInfo("Asia/Makassar")  # Kota Denpasar counts its days in WITA
DENPASAR = "5171"


class MailServerDown(BaseEmailBackend):
    """The SMTP server refuses every connection."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
    return {"ministry": User.objects.get(username="admin.kemenpanrb")}


def _apply(at: datetime.datetime) -> OnboardingApplication:
    checklist = services.Checklist(
        **{
            **{key: FORM[key] for key in ("contact_name", "contact_email")},
            **{key: FORM[key] for key in ("manager_name", "manager_email")},
            "bandwidth_mbps": 50, "devices": 20, "trained_staff": 10, "has_physical_mpp": True,
            "hosting": "cloud", "budget": 500_000_000,
        }
    )  # fmt: skip
    return services.apply(
        actor=None,
        region=Region.objects.get(code=DENPASAR),
        checklist=checklist,
        letter=pdf(),
        urgency_study=pdf(),
        now=at,
    )


def _mails_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address] and "/akun/undangan/" not in m.body]


def test_an_overdue_review_is_escalated_once_to_the_ministry_and_told_to_the_region(
    demo, django_capture_on_commit_callbacks
):
    # Submitted Monday 2 November 2026, 09.00 WITA: the tenth working day after it is Monday 16
    # November, due at its end in the region's own zone.
    submitted = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=MAKASSAR)
    application = _apply(submitted)
    due_local = application.due_at.astimezone(MAKASSAR)
    assert due_local.date() == datetime.date(2026, 11, 16)
    assert OnboardingApplication.objects.running().filter(pk=application.pk).exists()

    # The last minute of the deadline: nothing happens.
    with django_capture_on_commit_callbacks(execute=True):
        sweep(due_local - datetime.timedelta(minutes=1))
    application.refresh_from_db()
    assert application.breached_at is None and application.review_escalated_at is None

    # The next working morning: flagged, escalated, recorded, both sides told.
    mail.outbox.clear()
    tuesday = datetime.datetime(2026, 11, 17, 8, 0, tzinfo=MAKASSAR)
    with django_capture_on_commit_callbacks(execute=True):
        report = sweep(tuesday)
    assert report.steps["onboarding.onboardingapplication"] == {"escalated": 1}
    application.refresh_from_db()
    assert application.breached_at == tuesday and application.review_escalated_at == tuesday
    assert application.status == "submitted"  # still the ministry's to decide
    record = TransitionRecord.objects.get(
        workflow="region_onboarding", object_id=str(application.pk), action="escalate"
    )
    assert record.actor is None
    told = Notification.objects.filter(kind="onboarding.review_overdue")
    assert demo["ministry"] in {n.recipient for n in told}
    assert not told.exclude(recipient__role_grants__role=Role.MINISTRY_ADMIN).exists()
    (region_mail,) = _mails_to(FORM["contact_email"])
    assert "Penelaahan permohonan melewati batas waktu" in region_mail.body

    # The list shows it late; a second sweep records nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        sweep(tuesday + datetime.timedelta(days=1))
    assert TransitionRecord.objects.filter(action="escalate").count() == 1
    assert told.count() == Notification.objects.filter(kind="onboarding.review_overdue").count()

    # Returned, then resubmitted: a fresh review clock, not late, escalation cleared.
    services.return_application(application, actor=demo["ministry"], reason="Lengkapi kajian.")
    application.refresh_from_db()
    assert application.clock_stopped_at is not None
    assert not OnboardingApplication.objects.breached(tuesday).filter(pk=application.pk).exists()


def test_the_region_contact_is_told_at_every_step(demo, django_capture_on_commit_callbacks):
    ministry = demo["ministry"]
    application = _apply(timezone.now())
    contact = FORM["contact_email"]
    mail.outbox.clear()

    # Before the contact has an account: mailed to the address named on the application.
    with django_capture_on_commit_callbacks(execute=True):
        services.return_application(application, actor=ministry, reason="Surat belum bertanggal.")
    (returned,) = _mails_to(contact)
    assert "dikembalikan" in returned.subject and "Surat belum bertanggal." in returned.body

    # The contact accepted the invitation (a verified staff account): notices in the inbox too.
    user = User.objects.create(
        username="made.wirawan", name="Made Wirawan", email=contact,
        email_verified_at=timezone.now(),
    )  # fmt: skip
    RoleGrant.objects.create(user=user, role=Role.REGION_CONTACT, region_id=DENPASAR)
    steps = [
        lambda: services.resubmit(application, actor=user),
        lambda: services.designate(application, actor=ministry, phase=1),
        lambda: services.upload_agreement(application, actor=user, upload=pdf()),
        lambda: services.grant_access(application, actor=ministry),
        lambda: services.change_standing(
            application, actor=ministry, action="probation", reason="Laporan terlambat."
        ),
        lambda: services.change_standing(
            application, actor=ministry, action="restore", reason="Laporan lengkap."
        ),
        lambda: services.change_standing(
            application, actor=ministry, action="revoke", reason="Tidak aktif."
        ),
    ]
    for step in steps:
        with django_capture_on_commit_callbacks(execute=True):
            step()
        application.refresh_from_db()
    kinds = list(
        Notification.objects.filter(recipient=user)
        .order_by("created_at")
        .values_list("kind", flat=True)
    )
    assert kinds == ["onboarding.progress"] * 4 + ["onboarding.standing"] * 3
    bodies = [m.body for m in _mails_to(contact)]
    assert any("lokus MPP Digital tahap 1" in body for body in bodies)
    assert any("Hak akses MPP Digital telah diberikan" in body for body in bodies)
    assert any("Tidak aktif." in body for body in bodies)


def test_a_mail_server_down_is_recorded_and_retried_while_the_action_stays(
    demo, settings, django_capture_on_commit_callbacks
):
    application = _apply(timezone.now())
    settings.EMAIL_BACKEND = f"{__name__}.MailServerDown"
    with django_capture_on_commit_callbacks(execute=True):
        services.return_application(
            application, actor=demo["ministry"], reason="Kajian urgensi belum ditandatangani."
        )
    application.refresh_from_db()
    assert application.status == "returned"  # the action is committed
    failure = HookFailure.objects.get(hook="mpp.onboarding.hooks.tell_region")
    assert failure.resolved_at is None and failure.error == "ConnectionRefusedError"

    # Still down at the first retry: recorded again, waiting longer.
    later = timezone.now() + datetime.timedelta(hours=1)
    retry_failed_hooks(now=later)
    failure.refresh_from_db()
    assert failure.attempts == 2 and failure.resolved_at is None

    # The server is back: the sweep sends the notice once and the failure is resolved.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    retry_failed_hooks(now=later + datetime.timedelta(hours=7))
    (notice,) = _mails_to(FORM["contact_email"])
    assert "Kajian urgensi belum ditandatangani." in notice.body
    failure.refresh_from_db()
    assert failure.resolved_at is not None
    retry_failed_hooks(now=later + datetime.timedelta(hours=14))
    assert len(_mails_to(FORM["contact_email"])) == 1
    application.refresh_from_db()
    assert application.status == "returned"
