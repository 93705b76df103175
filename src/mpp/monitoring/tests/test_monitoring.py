"""Monitoring and evaluation: periods, computed items 2–4, submit rules, review, matrix, exports."""

from __future__ import annotations

import datetime
import io
import itertools
import zoneinfo

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from mpp.accounts.models import Role, RoleGrant, User
from mpp.accounts.tests.helpers import login_staff
from mpp.cases.models import Application
from mpp.catalog.models import Service
from mpp.monitoring import selectors, services
from mpp.monitoring.models import DEFAULT_RUBRIC, LocusReport, ReportingPeriod
from mpp.notifications.models import Notification
from mpp.regions.models import Region

pytestmark = pytest.mark.django_db
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
_numbers = itertools.count(1)


@pytest.fixture
def demo(request, demo_onboarding_once, settings, tmp_path):
    demo_onboarding_once.for_test(request, settings, tmp_path)  # the pilot loci, SK Pengelola
    return {
        "ministry": User.objects.get(username="admin.kemenpanrb"),
        "analyst": User.objects.get(username="analis.kemenpanrb"),
        "batam": User.objects.get(username="admin.batam"),
        "manager": User.objects.get(username="pengelola.batam"),
    }


def application(
    category: str, status: str, *, submitted: datetime.datetime, decided=None, nik=None
):
    service = (
        Service.objects.published().filter(mpp__slug="mpp-kota-batam", category=category).first()
    )
    assert service is not None
    applicant = (
        User.objects.create(username=f"warga-m-{next(_numbers)}", name="Warga", nik=nik)
        if nik is None or not User.objects.filter(nik=nik).exists()
        else User.objects.get(nik=nik)
    )
    return Application.objects.create(
        tracking_number=f"MON-{next(_numbers):06d}",
        service=service, service_version=service.current_version, applicant=applicant,
        mpp=service.mpp, agency=service.agency, status=status,
        submitted_at=submitted, decided_at=decided,
    )  # fmt: skip


def period(demo, *, deadline=datetime.date(2026, 12, 31), codes=("2171", "3471"), **kwargs):
    return services.open_period(
        actor=demo["ministry"], name="Monev 2026", phase=1,
        starts_on=datetime.date(2026, 10, 1), ends_on=datetime.date(2026, 10, 31),
        deadline=deadline, regions=Region.objects.filter(code__in=codes), **kwargs,
    )  # fmt: skip


TEXTS = {
    "acceleration_efforts": "Sosialisasi di 12 kecamatan.",
    "ikd_sisdmk_efforts": "Aktivasi IKD di sekolah.",
    "obstacles": "Jaringan belum stabil.",
    "suggestions": "Pelatihan operator.",
}


def test_items_2_to_4_are_counted_from_the_period_and_snapshotted(demo):
    inside = datetime.datetime(2026, 10, 15, 10, tzinfo=WIB)
    before = datetime.datetime(2026, 9, 30, 23, 0, tzinfo=WIB)
    application("kependudukan", "issued", submitted=inside, decided=inside, nik="2171011508900003")
    application(
        "kependudukan", "rejected", submitted=inside, decided=inside, nik="2171011508900003"
    )
    application("kependudukan", "submitted", submitted=inside)
    application("kependudukan", "issued", submitted=before, decided=before)  # outside
    application("kependudukan", "draft", submitted=inside)  # drafts never count
    application("perizinan_kesehatan", "issued", submitted=inside, decided=inside)
    application("perizinan_kesehatan", "rejected", submitted=inside, decided=inside)
    report = period(demo).reports.get(region_id="2171")
    services.save_draft(report, actor=demo["batam"], data={})
    report.refresh_from_db()
    assert report.population_applicants == 2  # the same citizen twice counts once
    assert report.health_applicants == 2
    assert report.population_processed == 2  # issued + rejected
    assert report.health_permits_issued == 1
    assert report.counting_rule["categories"] == {
        "population": "kependudukan", "health": "perizinan_kesehatan",
    }  # fmt: skip
    assert report.decree is not None  # item 1 from the SK Pengelola


def test_the_list_behind_a_number_shows_the_counted_applications(client, demo):
    inside = datetime.datetime(2026, 10, 15, 10, tzinfo=WIB)
    counted = application("perizinan_kesehatan", "issued", submitted=inside, decided=inside)
    report = period(demo).reports.get(region_id="2171")
    login_staff(client, demo["ministry"])
    page = client.get(f"/kelola/monev/laporan/{report.pk}/rincian/health_permits_issued/")
    assert page.status_code == 200
    assert counted.tracking_number in page.content.decode()
    assert "2171011508900003" not in page.content.decode()


def test_a_missing_item_refuses_the_submit_naming_it(client, demo):
    report = period(demo).reports.get(region_id="2171")
    login_staff(client, demo["batam"])
    data = {**TEXTS, "obstacles": "", "action": "submit"}
    response = client.post(f"/kelola/monev/laporan/{report.pk}/tindakan/", data)
    assert response.status_code == 400
    assert "7) Kendala pelaksanaan MPP Digital" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "draft" and report.obstacles == ""


def test_item_1_needs_a_decree_in_force(demo):
    report = period(demo).reports.get(region_id="3471")  # Yogyakarta has no SK Pengelola
    yogya_admin = User.objects.create(username="admin.yogya", name="Admin Yogya")
    RoleGrant.objects.create(user=yogya_admin, role=Role.REGIONAL_ADMIN, region_id="3471")
    with pytest.raises(services.MonitoringError, match="1\\) SK Pengelola MPP Digital"):
        services.submit(report, actor=yogya_admin, data=TEXTS)


def test_a_late_report_is_accepted_but_marked_late(demo):
    report = period(demo, deadline=datetime.date(2026, 10, 1)).reports.get(region_id="2171")
    services.submit(report, actor=demo["manager"], data=TEXTS)
    report.refresh_from_db()
    assert report.status == "submitted" and report.is_late
    services.accept(report, actor=demo["ministry"])
    report.refresh_from_db()
    # all items (100) minus the late penalty (10)
    assert (report.status, float(report.score), report.category) == ("accepted", 90.0, "prima")


def test_returned_report_is_corrected_and_resubmitted(
    client, demo, django_capture_on_commit_callbacks
):
    report = period(demo).reports.get(region_id="2171")
    services.submit(report, actor=demo["batam"], data=TEXTS)
    login_staff(client, demo["ministry"])
    url = f"/kelola/monev/laporan/{report.pk}/tindakan/"
    assert client.post(url, {"action": "return", "note": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "return", "note": "Lengkapi butir 6."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "returned" and report.review_note == "Lengkapi butir 6."
    assert Notification.objects.filter(kind="monitoring.returned", recipient=demo["batam"]).exists()
    services.submit(
        report, actor=demo["batam"], data={"ikd_sisdmk_efforts": "Aktivasi IKD 400 orang."}
    )
    report.refresh_from_db()
    assert report.status == "submitted" and not report.is_late


def test_other_region_cannot_see_or_fill_the_report(client, demo):
    report = period(demo).reports.get(region_id="2171")
    officer = User.objects.get(username="petugas.yogya")
    login_staff(client, officer)
    assert client.get(f"/kelola/monev/laporan/{report.pk}/").status_code == 403
    yogya_admin = User.objects.create(username="admin.yogya", name="Admin Yogya")
    RoleGrant.objects.create(user=yogya_admin, role=Role.REGIONAL_ADMIN, region_id="3471")
    login_staff(client, yogya_admin)
    assert client.get(f"/kelola/monev/laporan/{report.pk}/").status_code == 404


def test_rubric_weights_must_add_up(demo):
    rubric = {**DEFAULT_RUBRIC, "weights": {**DEFAULT_RUBRIC["weights"], "1": 30}}
    with pytest.raises(services.MonitoringError, match="harus 100%; sekarang 110%"):
        period(demo, rubric=rubric)
    assert not ReportingPeriod.objects.exists()


def test_matrix_and_totals_read_report_rows_only(demo, django_assert_max_num_queries):
    from mpp.monitoring import demo as monitoring_demo

    monitoring_demo.load()
    pilot = ReportingPeriod.objects.get()
    with django_assert_max_num_queries(2):
        rows = selectors.matrix(pilot)
        totals = selectors.national_totals(pilot)
    assert len(rows) == 21
    by_code = {row["region_id"]: row for row in rows}
    assert by_code["3372"]["is_late"]
    assert by_code["2171"]["status"] == "returned"
    assert by_code["6472"]["missing"]  # Samarinda never sent its report
    assert totals["accepted"] == 12 and totals["submitted"] == 5 and totals["returned"] == 1
    assert totals["late"] == 1


def test_ministry_exports_the_period(client, demo):
    from mpp.monitoring import demo as monitoring_demo

    monitoring_demo.load()
    pilot = ReportingPeriod.objects.get()
    login_staff(client, demo["analyst"])
    response = client.get(f"/kelola/monev/periode/{pilot.pk}/ekspor/xlsx/")
    assert response.status_code == 200
    sheet = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Kota Batam" in names and len(names) == 21
    csv_text = client.get(f"/kelola/monev/periode/{pilot.pk}/ekspor/csv/").content.decode(
        "utf-8-sig"
    )
    assert "Kota Surakarta" in csv_text.splitlines()[-1] or "Kota Surakarta" in csv_text
    pdf = client.get(f"/kelola/monev/periode/{pilot.pk}/ekspor/pdf/")
    assert pdf.content.startswith(b"%PDF")
    batam = pilot.reports.get(region_id="2171")
    assert client.get(f"/kelola/monev/laporan/{batam.pk}/laporan.pdf").content.startswith(b"%PDF")


def test_reminders_go_once_before_the_deadline(demo):
    today = timezone.now().date()
    period(demo, deadline=today + datetime.timedelta(days=2))
    first = services.send_reminders()
    assert first >= 1
    assert services.send_reminders() == 0
    assert Notification.objects.filter(kind="monitoring.reminder", recipient=demo["batam"]).exists()


def test_analyst_cannot_review(demo):
    report = period(demo).reports.get(region_id="2171")
    services.submit(report, actor=demo["batam"], data=TEXTS)
    with pytest.raises(services.MonitoringError):
        services.accept(report, actor=demo["analyst"])
    report.refresh_from_db()
    assert report.status == "submitted"
    assert LocusReport.objects.filter(status="accepted").count() == 0


def test_api_matrix_is_national_for_the_ministry_and_scoped_for_a_locus(client, demo):
    from mpp.accounts import services as account_services
    from mpp.monitoring import demo as monitoring_demo

    monitoring_demo.load()
    pilot = ReportingPeriod.objects.get()
    url = f"/api/v1/monitoring/periods/{pilot.pk}/matrix"
    _token, raw = account_services.issue_token(demo["analyst"], second_factor=True)
    body = client.get(url, headers={"Authorization": f"Bearer {raw}"}).json()
    assert len(body["rows"]) == 21 and body["totals"]["accepted"] == 12
    _token, raw = account_services.issue_token(demo["batam"], second_factor=True)
    body = client.get(url, headers={"Authorization": f"Bearer {raw}"}).json()
    assert [row["region_code"] for row in body["rows"]] == ["2171"] and body["totals"] is None
    citizen = User.objects.get(nik="2171011508900003")
    _token, raw = account_services.issue_token(citizen)
    response = client.get(url, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
