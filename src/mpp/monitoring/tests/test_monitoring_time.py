"""The reporting deadline across zones (issue 24: "late" was decided three ways, two of them on
the UTC date, so a Batam report sent at 06.30 WIB on the deadline day was counted on the wrong
day). One rule: a report is on time when sent by 23.59 local time of its locus on the deadline
day, in WIB, WITA and WIT alike; the submit, the "missing" flag of the report page and the matrix,
the sweep's breach flag and the reminders all follow it."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from mpp.accounts.models import Role, RoleGrant, User
from mpp.deadlines import services as deadlines
from mpp.monitoring import selectors, services
from mpp.monitoring.models import LocusReport
from mpp.notifications.models import Notification
from mpp.regions.models import Region

pytestmark = pytest.mark.django_db
ZONES = {"2171": "Asia/Jakarta", "5171": "Asia/Makassar", "9171": "Asia/Jayapura"}
DEADLINE = datetime.date(2026, 11, 27)
TEXTS = {
    "acceleration_efforts": "Sosialisasi di 12 kecamatan.",
    "ikd_sisdmk_efforts": "Aktivasi IKD di sekolah.",
    "obstacles": "Jaringan belum stabil.",
    "suggestions": "Pelatihan operator.",
}


def local(code: str, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ZoneInfo(ZONES[code]))


def utc(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=datetime.UTC)


@pytest.fixture(params=sorted(ZONES))
def locus(request):
    """A locus of each zone (Kota Batam, Kota Denpasar, Kota Jayapura), its admin and a ministry
    admin; the period asks for the text items only (item 1 needs an SK, not the point here)."""
    code = request.param
    ministry = User.objects.create(username=f"kementerian-{code}", name="Admin Kementerian")
    RoleGrant.objects.create(user=ministry, role=Role.MINISTRY_ADMIN)
    admin = User.objects.create(username=f"admin-{code}", name="Admin Daerah")
    RoleGrant.objects.create(user=admin, role=Role.REGIONAL_ADMIN, region_id=code)
    period = services.open_period(
        actor=ministry, name="Monev 2026", phase=1,
        starts_on=datetime.date(2026, 10, 1), ends_on=datetime.date(2026, 10, 31),
        deadline=DEADLINE, regions=Region.objects.filter(code=code), items=[5, 6, 7, 8],
    )  # fmt: skip
    return code, admin, period.reports.get()


def test_the_deadline_is_stored_as_2359_local_time(locus):
    code, _admin, report = locus
    assert report.due_at == local(code, DEADLINE, 23, 59).replace(second=59, microsecond=999999)
    assert LocusReport.objects.filter(due_at__lt=local(code, DEADLINE + datetime.timedelta(1), 0))
    assert not LocusReport.objects.filter(due_at__lt=local(code, DEADLINE, 23, 59))


SENDS = [
    # (local day offset from the deadline, hour, minute, late?)
    (0, 6, 30, False),  # the Batam case: 06.30 on the deadline day is 23.30 UTC the day before
    (0, 23, 59, False),
    (1, 0, 0, True),
    (1, 0, 1, True),
    (-1, 23, 59, False),
]


@pytest.mark.parametrize(("offset", "hour", "minute", "late"), SENDS)
def test_a_report_sent_by_2359_local_time_is_on_time(locus, offset, hour, minute, late):
    code, admin, report = locus
    sent = local(code, DEADLINE + datetime.timedelta(days=offset), hour, minute)
    services.submit(report, actor=admin, data=TEXTS, now=sent)
    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.is_late is late
    assert selectors.flags(report, now=sent)["late"] is late
    assert selectors.flags(report, now=sent)["missing"] is False


def test_an_instant_that_is_another_local_day_than_utc(locus):
    """16.30 UTC on the deadline day is 23.30 WIB (still on time in Batam) but 00.30 WITA and
    01.30 WIT of the next day (late in Denpasar and Jayapura)."""
    code, admin, report = locus
    instant = utc(DEADLINE, 16, 30)
    late = {"2171": False, "5171": True, "9171": True}[code]
    # Not sent yet: the report page, the matrix and the sweep all say "missing" from that moment.
    assert selectors.flags(report, now=instant)["missing"] is late
    (row,) = selectors.matrix(report.period, now=instant)
    assert row["missing"] is late
    flagged = deadlines.sweep(instant).breached["monitoring.locusreport"]
    assert flagged == (1 if late else 0)
    report.refresh_from_db()
    assert (report.breached_at is not None) is late
    # Sent at that instant: late exactly where the local day is already the next one.
    services.submit(report, actor=admin, data=TEXTS, now=instant)
    report.refresh_from_db()
    assert report.is_late is late
    assert (report.breached_at is not None) is late
    assert selectors.national_totals(report.period)["late"] == (1 if late else 0)


def test_a_report_returned_and_sent_again_keeps_its_first_sending(locus):
    code, admin, report = locus
    ministry = User.objects.get(username=f"kementerian-{code}")
    services.submit(report, actor=admin, data=TEXTS, now=local(code, DEADLINE, 20))
    services.return_report(report, actor=ministry, note="Lengkapi butir 6.")
    after = local(code, DEADLINE + datetime.timedelta(days=3), 10)
    assert deadlines.sweep(after).breached["monitoring.locusreport"] == 0  # its clock stopped
    services.submit(report, actor=admin, data={"ikd_sisdmk_efforts": "400 aktivasi."}, now=after)
    report.refresh_from_db()
    assert report.status == "submitted" and not report.is_late


def test_the_reminder_counts_days_in_the_locus_own_zone(locus):
    """Three days before the deadline, counted in local days: 16.30 UTC four days before is still
    that day in Batam (no reminder yet) and already three days before in Denpasar and Jayapura."""
    code, admin, _report = locus
    instant = utc(DEADLINE - datetime.timedelta(days=4), 16, 30)
    expected = {"2171": 0, "5171": 1, "9171": 1}[code]
    assert deadlines.sweep(instant).steps["monitoring.locusreport"]["reminded"] == expected
    assert Notification.objects.filter(kind="monitoring.reminder", recipient=admin).count() == (
        expected
    )
    three_days_before = local(code, DEADLINE - datetime.timedelta(days=3), 7)
    deadlines.sweep(three_days_before)
    deadlines.sweep(three_days_before + datetime.timedelta(hours=1))  # once per report
    assert Notification.objects.filter(kind="monitoring.reminder", recipient=admin).count() == 1
