"""Every complaint deadline is a clock of the deadlines mechanism (issue 24): the desk's
verification and the agency's answer on the complaint row, the reporter's reply window and the
whole-case limit on the complaint's clocks. Each is pinned here in the region's local day (WIB,
WITA, WIT), paused while the complaint waits for the reporter, swept by the one sweep, and the
whole-case limit escalates once. The reporter's and the overseers' notices are workflow hooks: a
mail server that is down never undoes the action, and what failed is sent later, once."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from mpp.accounts.models import User
from mpp.complaints import selectors, services
from mpp.complaints.hooks import tell_reporter
from mpp.complaints.models import Category, ClockKind, ComplaintClock, Escalation, Kind
from mpp.complaints.workflow import AGENCY, DESK, REPORTER
from mpp.deadlines.services import sweep
from mpp.notifications.context import decode
from mpp.notifications.models import Notification
from mpp.notifications.services import retry_failed_notifications
from mpp.regions import calendar
from mpp.regions.models import Region
from mpp.workflows.hooks import hook_name
from mpp.workflows.models import HookFailure, TransitionRecord
from mpp.workflows.services import retry_failed_hooks

from .factories import answered, citizen, desk, forwarded, officer, submitted

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# Monday 7 December 2026, 15.30 UTC: 22.30 WIB and 23.30 WITA on Monday, already 00.30 WIT on
# Tuesday. No holiday until Christmas.
MONDAY_EVENING = datetime.datetime(2026, 12, 7, 15, 30, tzinfo=UTC)
ZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


@pytest.fixture
def now(monkeypatch):
    """Set the moment the services act at (``now.set(moment)``)."""

    class Clock:
        moment = MONDAY_EVENING

        def set(self, moment: datetime.datetime) -> None:
            self.moment = moment

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.moment)
    return clock


@pytest.fixture
def batam_in(demo):
    """The Batam MPP as if its kab/kota kept the given zone's time (its calendar otherwise)."""

    def move(zone: str) -> None:
        Region.objects.filter(code="2171").update(timezone=ZONES[zone])

    yield move
    calendar._timezone_of_code.cache_clear()


def _information(**overrides):
    category = Category.objects.get(code="informasi-layanan", region=None)
    return forwarded(kind=Kind.INFORMATION, category=category, **overrides)


# deadline → (how the complaint gets there at MONDAY_EVENING, where the deadline is read)
DEADLINES = {
    "verification (3 working days)": (submitted, lambda c: c.due_at),
    "answer (5 working days)": (forwarded, lambda c: c.due_at),
    "information request (10 working days)": (_information, lambda c: c.due_at),
    "reply window (10 days)": (answered, lambda c: c.reply_until),
    "whole-case limit (60 days)": (submitted, lambda c: c.resolve_by),
}


@pytest.mark.parametrize(
    ("deadline", "zone", "last_day"),
    [
        # The local day of Monday 15.30 UTC is Monday in WIB and WITA, Tuesday in WIT.
        ("verification (3 working days)", "WIB", datetime.date(2026, 12, 10)),
        ("verification (3 working days)", "WITA", datetime.date(2026, 12, 10)),
        ("verification (3 working days)", "WIT", datetime.date(2026, 12, 11)),
        ("answer (5 working days)", "WIB", datetime.date(2026, 12, 14)),
        ("answer (5 working days)", "WIT", datetime.date(2026, 12, 15)),
        ("information request (10 working days)", "WITA", datetime.date(2026, 12, 21)),
        ("information request (10 working days)", "WIT", datetime.date(2026, 12, 22)),
        ("reply window (10 days)", "WIB", datetime.date(2026, 12, 17)),
        ("reply window (10 days)", "WIT", datetime.date(2026, 12, 18)),
        ("whole-case limit (60 days)", "WIB", datetime.date(2027, 2, 5)),
        # Calendar days: a Saturday counts and may be the last day.
        ("whole-case limit (60 days)", "WIT", datetime.date(2027, 2, 6)),
    ],
)
def test_each_deadline_ends_with_the_local_day(batam_in, now, deadline, zone, last_day):
    batam_in(zone)
    make, read = DEADLINES[deadline]
    complaint = make()
    due = read(complaint)
    assert due.astimezone(ZoneInfo(ZONES[zone])) == datetime.datetime.combine(
        last_day, datetime.time.max, tzinfo=ZoneInfo(ZONES[zone])
    )
    # Due means due: a minute before the local midnight it is not breached, a minute after it is.
    assert not _breached_at(complaint, deadline, due - datetime.timedelta(minutes=1))
    assert _breached_at(complaint, deadline, due + datetime.timedelta(minutes=1))


def _breached_at(complaint, deadline: str, moment: datetime.datetime) -> bool:
    kind = {
        "reply window (10 days)": ClockKind.REPLY,
        "whole-case limit (60 days)": ClockKind.LIMIT,
    }
    if deadline in kind:
        rows = ComplaintClock.objects.filter(complaint=complaint, kind=kind[deadline])
    else:
        rows = type(complaint).objects.filter(pk=complaint.pk)
    return rows.breached(moment).exists()


def test_a_postponed_complaint_pauses_its_clocks_and_resumes_with_what_was_left(demo, now):
    complaint = submitted(reporter=citizen())
    now.set(MONDAY_EVENING + datetime.timedelta(days=1))  # Tuesday 22.30 WIB
    complaint = services.take_action(
        complaint, "postpone", user=desk(), kinds={DESK}, note="Loket yang mana?"
    )
    limit = ComplaintClock.objects.get(complaint=complaint, kind=ClockKind.LIMIT)
    assert complaint.due_at is None and complaint.remaining_label == "2 hari kerja"
    assert limit.due_at is None and limit.remaining_label == "59 hari"
    assert complaint.resolve_by is None
    # While paused nothing is late, not even after the first deadlines.
    sweep(now=datetime.datetime(2027, 2, 10, tzinfo=UTC))
    assert not Escalation.objects.filter(complaint=complaint).exists()

    now.set(datetime.datetime(2026, 12, 14, 3, 0, tzinfo=UTC))  # Monday 10.00 WIB
    complaint = services.take_action(
        complaint, "supplement", user=citizen(), kinds={REPORTER}, note="Loket 3."
    )
    wib = ZoneInfo(ZONES["WIB"])
    assert complaint.due_at.astimezone(wib).date() == datetime.date(2026, 12, 16)
    assert complaint.resolve_by.astimezone(wib).date() == datetime.date(2027, 2, 11)


def test_the_answer_pauses_the_whole_case_limit_and_a_reply_resumes_it(demo, now):
    complaint = answered(reporter=citizen())
    assert complaint.resolve_by is None  # the reporter holds the complaint
    now.set(MONDAY_EVENING + datetime.timedelta(days=3))
    complaint = services.take_action(
        complaint, "reopen", user=citizen(), kinds={REPORTER}, note="Loket masih tutup."
    )
    wib = ZoneInfo(ZONES["WIB"])
    assert complaint.resolve_by.astimezone(wib).date() == datetime.date(2027, 2, 8)
    assert complaint.reply_until is None


def test_the_extension_moves_the_answer_clock_through_the_clock_services(demo, now):
    complaint = _information()
    now.set(complaint.due_at + datetime.timedelta(hours=1))
    sweep(now=now.moment)
    complaint.refresh_from_db()
    assert complaint.breached_at is not None and complaint.escalation_level == 1
    complaint = services.take_action(
        complaint, "extend", user=officer(), kinds={AGENCY}, note="Arsip di pusat."
    )
    wib = ZoneInfo(ZONES["WIB"])
    # 7 more working days counted from the old deadline (21 December), not from the request.
    due = complaint.due_at.astimezone(wib).date()
    assert due == calendar.add_working_days(complaint.region, datetime.date(2026, 12, 21), 7)
    assert complaint.breached_at is None and complaint.escalation_level == 0
    second = ComplaintClock.objects.get(complaint=complaint, kind=ClockKind.ESCALATE_AGAIN)
    assert second.clock_stopped_at is not None  # no second escalation for the old deadline


def test_the_whole_case_limit_escalates_once_to_the_manager_and_the_regional_admin(
    demo, now, django_capture_on_commit_callbacks
):
    complaint = forwarded(reporter=citizen())
    link = f"/kelola/pengaduan/{complaint.pk}/"
    resolve_by = complaint.resolve_by
    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=resolve_by - datetime.timedelta(minutes=1))
    assert not Escalation.objects.filter(complaint=complaint, whole_case=True).exists()
    for _ in range(2):  # the second sweep finds it told already
        with django_capture_on_commit_callbacks(execute=True):
            sweep(now=resolve_by + datetime.timedelta(minutes=1))
    told = Notification.objects.filter(kind="complaint.limit_exceeded", link=link)
    manager = User.objects.get(username="pengelola.batam")
    admin = User.objects.get(username="admin.batam")
    assert {n.recipient for n in told} == {manager, admin} and told.count() == 2
    escalation = Escalation.objects.get(complaint=complaint, whole_case=True)
    assert escalation.due_at == resolve_by
    record = TransitionRecord.objects.get(object_id=str(complaint.pk), action="exceed_limit")
    assert record.actor is None and record.to_state == "forwarded"
    limit = ComplaintClock.objects.get(complaint=complaint, kind=ClockKind.LIMIT)
    assert limit.breached_at is not None


def test_the_answer_stays_when_the_mail_server_is_down_and_goes_out_on_retry(
    demo, settings, django_capture_on_commit_callbacks
):
    complaint = forwarded(reporter=citizen())
    settings.EMAIL_BACKEND = "mpp.notifications.tests.test_delivery.BrokenSMTPBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.take_action(complaint, "respond", user=officer(), kinds={AGENCY}, note="Siap.")
    complaint.refresh_from_db()
    assert complaint.status == "answered"  # the agency's answer is committed
    notice = Notification.objects.get(kind="complaint.answered", recipient=citizen())
    assert notice.deliveries.get(channel="email").status == "failed"
    assert mail.outbox == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert retry_failed_notifications() == 1
    assert retry_failed_notifications() == 0
    assert [message.to for message in mail.outbox] == [[citizen().email]]


class NotificationsDown(Exception):
    pass


def test_a_failing_notice_hook_is_recorded_and_retried_once_while_the_action_stays(
    demo, monkeypatch, django_capture_on_commit_callbacks
):
    complaint = submitted(reporter=citizen())

    def broken_notify(*args, **kwargs):
        raise NotificationsDown

    monkeypatch.setattr("mpp.complaints.hooks.notify", broken_notify)
    with django_capture_on_commit_callbacks(execute=True):
        services.take_action(
            complaint, "postpone", user=desk(), kinds={DESK}, note="Loket yang mana?"
        )
    complaint.refresh_from_db()
    assert complaint.status == "postponed"
    failure = HookFailure.objects.get(hook=hook_name(tell_reporter))
    assert failure.error == "NotificationsDown" and failure.resolved_at is None
    assert not Notification.objects.filter(kind="complaint.postponed").exists()

    monkeypatch.undo()
    later = timezone.now() + datetime.timedelta(hours=1)
    assert retry_failed_hooks(now=later).succeeded == 1
    assert retry_failed_hooks(now=later + datetime.timedelta(hours=1)).succeeded == 0
    (notice,) = Notification.objects.filter(kind="complaint.postponed", recipient=citizen())
    assert "Loket yang mana?" in str(notice.context)


def test_services_tell_nobody_before_the_commit(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        complaint = submitted(reporter=citizen())
        assert not Notification.objects.filter(kind="complaint.received").exists()
    for callback in callbacks:
        callback()
    received = Notification.objects.get(kind="complaint.received", recipient=citizen())
    assert received.link == f"/pengaduan/lacak/{complaint.follow_token}/"


def test_the_answer_notice_names_the_new_reply_window_when_read_through_the_desk(
    demo, django_capture_on_commit_callbacks
):
    """The back office reads a complaint with its deadlines in one query; the answer's notice
    still carries the reply window the answer opened, not the empty one read before it."""
    complaint = selectors.complaint_for_staff(officer(), forwarded(reporter=citizen()).pk)
    assert complaint.reply_until is None
    with django_capture_on_commit_callbacks(execute=True):
        services.take_action(complaint, "respond", user=officer(), kinds={AGENCY}, note="Siap.")
    notice = Notification.objects.get(kind="complaint.answered", recipient=citizen())
    window = ComplaintClock.objects.get(complaint=complaint, kind=ClockKind.REPLY)
    assert complaint.reply_until == window.due_at
    assert decode(notice.context)["reply_until"] == window.due_at


def test_the_second_escalation_waits_while_the_reporter_is_asked(
    demo, now, django_capture_on_commit_callbacks
):
    complaint = submitted(reporter=citizen())
    late = complaint.due_at + datetime.timedelta(hours=1)
    sweep(now=late)
    complaint.refresh_from_db()
    assert complaint.escalation_level == 1
    now.set(late)
    complaint = services.take_action(
        complaint, "postpone", user=desk(), kinds={DESK}, note="Loket yang mana?"
    )
    second = ComplaintClock.objects.get(complaint=complaint, kind=ClockKind.ESCALATE_AGAIN)
    # Due at the end of Monday 14 (two working days after Thursday's missed deadline); asked on
    # Friday, a day that counts as used: one working day left.
    assert second.clock_paused_at is not None and second.remaining_label == "1 hari kerja"
    a_month_later = late + datetime.timedelta(days=30)
    sweep(now=a_month_later)
    assert list(complaint.escalations.values_list("level", flat=True)) == [1]

    now.set(a_month_later)
    complaint = services.take_action(
        complaint, "supplement", user=citizen(), kinds={REPORTER}, note="Loket 3."
    )
    second.refresh_from_db()
    # The stage clock resumes with nothing left (due at the end of the day); the second escalation
    # resumes with its working day left.
    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=second.due_at + datetime.timedelta(minutes=1))
    assert list(complaint.escalations.values_list("level", flat=True)) == [1, 2]
    admin = User.objects.get(username="admin.batam")
    link = f"/kelola/pengaduan/{complaint.pk}/"
    assert Notification.objects.filter(recipient=admin, kind="complaint.escalated", link=link)
