"""The shared clock: one "breached" rule, pause and resume in hours, and the sweep registry."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Q

from mpp.cases import services
from mpp.cases.models import Application
from mpp.cases.tests.factories import (
    VALID_DATA,
    CitizenFactory,
    officer_for,
    pdf_upload,
    service_with,
)
from mpp.deadlines import services as clock
from mpp.deadlines.registry import SweepRegistry
from mpp.tenancy.models import OpeningHours

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
T = datetime.time


def at(monkeypatch, year: int, month: int, day: int, hour: int, minute: int) -> datetime.datetime:
    moment = datetime.datetime(year, month, day, hour, minute, tzinfo=WIB)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    return moment


def one_hour_service():
    """The birth certificate standard: "1 jam", at an MPP with Friday prayers."""
    service = service_with(time_limit=1, time_limit_unit="hours")
    for weekday in range(4):
        OpeningHours.objects.create(mpp=service.mpp, weekday=weekday, opens=T(8), closes=T(16))
    OpeningHours.objects.create(
        mpp=service.mpp,
        weekday=4,
        opens=T(8),
        closes=T(15),
        break_starts=T(11, 30),
        break_ends=T(13),
    )
    return service


def submitted(service, citizen) -> Application:
    application = services.start_application(applicant=citizen, service=service)
    services.update_draft(application, actor=citizen, data=VALID_DATA)
    services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload())
    services.submit_application(application, actor=citizen)
    return Application.objects.get(pk=application.pk)


def test_a_one_hour_service_is_due_in_office_hours(monkeypatch):
    service, citizen = one_hour_service(), CitizenFactory()
    at(monkeypatch, 2026, 12, 3, 1, 42)  # Thursday night
    application = submitted(service, citizen)
    assert application.due_at == datetime.datetime(2026, 12, 3, 9, 0, tzinfo=WIB)
    assert application.clock_unit == "hours"
    at(monkeypatch, 2026, 12, 4, 14, 30)  # Friday, 30 minutes before closing
    friday = submitted(service, citizen)
    assert friday.due_at == datetime.datetime(2026, 12, 7, 8, 30, tzinfo=WIB)


def test_a_revision_pauses_an_hour_clock_and_keeps_the_office_time_left(monkeypatch):
    service, citizen = one_hour_service(), CitizenFactory()
    officer = officer_for(service)
    at(monkeypatch, 2026, 12, 4, 14, 30)
    application = submitted(service, citizen)  # due Monday 08.30
    services.claim_application(application, actor=officer)
    at(monkeypatch, 2026, 12, 7, 8, 10)
    services.request_revision(application, actor=officer, note="Pindaian buram.")
    application.refresh_from_db()
    assert application.due_at is None and application.remaining_office_seconds == 20 * 60
    assert not Application.objects.breached(datetime.datetime(2027, 1, 1, tzinfo=WIB)).exists()
    # What is left reads in the clock's own unit (issue 23: "0 hari kerja" for a 1-hour service).
    assert application.remaining_label == "20 menit waktu layanan"
    from django.test import Client

    page = Client()
    page.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    body = page.get(f"/permohonan/{application.pk}/").content.decode()
    assert "20 menit waktu layanan, dihitung lagi" in body and "0 hari kerja" not in body
    services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload("b.pdf"))
    at(monkeypatch, 2026, 12, 8, 15, 50)  # Tuesday, 10 minutes before closing
    services.resubmit_application(application, actor=citizen)
    application.refresh_from_db()
    assert application.due_at == datetime.datetime(2026, 12, 9, 8, 10, tzinfo=WIB)


def test_breached_is_one_rule_the_due_moment_itself_is_not_late_the_next_microsecond_is(
    monkeypatch,
):
    service, citizen = service_with(time_limit=1), CitizenFactory()
    at(monkeypatch, 2026, 11, 30, 9, 0)
    application = submitted(service, citizen)
    due = application.due_at
    rows = Application.objects.filter(pk=application.pk)
    assert not rows.breached(due).exists() and rows.not_breached(due).exists()
    late = due + datetime.timedelta(microseconds=1)
    assert rows.breached(late).exists() and not rows.not_breached(late).exists()
    assert rows.with_breached(late).get().is_breached is True
    assert rows.with_breached(due).get().is_breached is False
    services.withdraw_application(application, actor=citizen)
    assert not rows.breached(late).exists()  # a stopped clock is never late


def test_the_sweep_flags_every_registered_model_and_a_failing_step_stops_nothing(monkeypatch):
    service, citizen = service_with(time_limit=1), CitizenFactory()
    at(monkeypatch, 2026, 11, 30, 9, 0)
    application = submitted(service, citizen)
    registry = SweepRegistry()

    def broken_step(now):
        raise RuntimeError("boom")

    class Other:  # stands for a second process whose sweep entry fails
        _meta = type("Meta", (), {"label_lower": "other.thing", "label": "other.Thing"})

        class _default_manager:
            @staticmethod
            def filter(*args, **kwargs):
                raise RuntimeError("table missing")

    registry.register(Other, step=broken_step)
    registry.register(Application, skip=Q(pk=-1))
    late = application.due_at + datetime.timedelta(hours=1)
    report = clock.sweep(late, registry=registry)
    assert report.failed == ["other.thing"]
    assert report.breached == {"cases.application": 1}
    assert Application.objects.get(pk=application.pk).breached_at == late
    assert clock.sweep(late, registry=registry).breached == {"cases.application": 0}
    with pytest.raises(ValueError):
        registry.register(Application)


@pytest.mark.parametrize(
    ("seconds", "days", "label"),
    [
        (3600, None, "1 jam waktu layanan"),
        (5400, None, "1 jam 30 menit waktu layanan"),
        (59, None, "1 menit waktu layanan"),
        (None, 2, "2 hari kerja"),
        (None, None, ""),
    ],
)
def test_what_is_left_reads_in_the_clocks_unit(seconds, days, label):
    application = Application(remaining_office_seconds=seconds, remaining_working_days=days)
    assert application.remaining_label == label
