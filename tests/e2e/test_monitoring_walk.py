"""Monitoring walked through the pages by the region and the ministry (issue 23): a report sent by
the region, returned by the ministry with a note, corrected by the region (one text item) and sent
again, then accepted, its computed figures (items 2–4) unchanged; and the recount, the one way the
region asks for the figures to be counted again."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from mpp.accounts.models import User
from mpp.accounts.tests.factories import load_demo
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.cases.models import Application
from mpp.catalog.models import Service
from mpp.monitoring import services as monitoring_services
from mpp.monitoring.models import LocusReport
from mpp.onboarding import demo as onboarding_demo
from mpp.regions.models import Region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
INSIDE = datetime.datetime(2026, 10, 10, 10, tzinfo=datetime.UTC)
TEXTS = {
    "5) Upaya percepatan penggunaan MPP Digital": "Sosialisasi di 12 kecamatan.",
    "6) Upaya percepatan aktivasi IKD dan penginputan SISDMK": "Aktivasi IKD di sekolah.",
    "7) Kendala pelaksanaan MPP Digital": "Jaringan belum stabil.",
    "8) Saran dan masukan": "Pelatihan operator.",
}
NOTE = "Perjelas butir 7: kendala per instansi."


@pytest.fixture
def batam_report(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
    onboarding_demo.load()  # Batam's SK Pengelola (item 1)
    permit_issued()
    ministry = User.objects.get(username="admin.kemenpanrb")
    period = monitoring_services.open_period(
        actor=ministry, name="Monev triwulan IV 2026", phase=1,
        starts_on=datetime.date(2026, 10, 1), ends_on=datetime.date(2026, 10, 31),
        deadline=datetime.date.today() + datetime.timedelta(days=7),
        regions=Region.objects.filter(code="2171"),
    )  # fmt: skip
    return ministry, User.objects.get(username="admin.batam"), period.reports.get()


def permit_issued() -> Application:
    service = Service.objects.published().filter(
        mpp__slug="mpp-kota-batam", category="perizinan_kesehatan"
    )[0]
    citizen = User.objects.create(username=f"nakes-{Application.objects.count()}", name="Nakes")
    return Application.objects.create(
        tracking_number=f"MONEV-{Application.objects.count():05d}", service=service,
        service_version=service.current_version, applicant=citizen, mpp=service.mpp,
        agency=service.agency, status="issued", submitted_at=INSIDE, decided_at=INSIDE,
    )  # fmt: skip


def item_4(page):
    return page.get_by_role("definition").filter(has_text="daftar izin")


def send(page, audit, texts):
    for label, text in texts.items():
        page.get_by_label(label).fill(text)
    page.get_by_role("button", name="Kirim laporan").click()
    audit(page)
    expect(page.get_by_role("status")).to_contain_text("Laporan telah dikirim")


def return_with_note(browser, audit, report, note):
    browser.goto(f"/kelola/monev/laporan/{report.pk}/")
    audit(browser)
    browser.get_by_label("Catatan untuk lokus").fill(note)
    browser.get_by_role("button", name="Kembalikan untuk diperbaiki").click()
    audit(browser)
    expect(browser.get_by_role("status")).to_contain_text("dikembalikan kepada lokus")


@pytest.mark.walks(
    "monitoring_report.submit", "monitoring_report.return", "monitoring_report.accept"
)
def test_sent_returned_corrected_and_accepted_with_the_figures_unchanged(
    page, wide_page, live_server, audit, batam_report
):
    ministry, region_admin, report = batam_report
    # The region sends its report; item 4 counts the one permit issued.
    login_staff_in_browser(page, live_server, region_admin)
    page.goto("/kelola/monev/")
    audit(page)
    page.get_by_role("link", name="Monev triwulan IV 2026").click()
    audit(page)
    expect(item_4(page)).to_contain_text(re.compile(r"^1 —"))
    send(page, audit, TEXTS)

    # Another permit is issued meanwhile; the ministry returns the report with a note.
    permit_issued()
    login_staff_in_browser(wide_page, live_server, ministry)
    return_with_note(wide_page, audit, report, NOTE)

    # The region reads the note, corrects item 7 only and sends again: item 4 is still 1.
    page.goto(f"/kelola/monev/laporan/{report.pk}/")
    audit(page)
    expect(page.get_by_role("definition").filter(has_text=NOTE)).to_be_visible()
    expect(page.get_by_label("5) Upaya percepatan penggunaan MPP Digital")).to_have_value(
        TEXTS["5) Upaya percepatan penggunaan MPP Digital"]
    )
    send(page, audit, {"7) Kendala pelaksanaan MPP Digital": "Jaringan di Belakang Padang."})
    expect(item_4(page)).to_contain_text(re.compile(r"^1 —"))

    # The ministry accepts; the accepted report keeps the figures the region sent.
    wide_page.goto(f"/kelola/monev/laporan/{report.pk}/")
    audit(wide_page)
    expect(wide_page.get_by_text("Jaringan di Belakang Padang.")).to_be_visible()
    wide_page.get_by_role("button", name="Terima laporan").click()
    audit(wide_page)
    expect(wide_page.get_by_role("status")).to_contain_text("Laporan diterima")
    expect(item_4(wide_page)).to_contain_text(re.compile(r"^1 —"))
    wide_page.screenshot(path="var/screenshots/monitoring-accepted.png", full_page=True)
    report = LocusReport.objects.get(pk=report.pk)
    assert (report.status, report.health_permits_issued) == ("accepted", 1)
    assert report.obstacles == "Jaringan di Belakang Padang."
    assert report.suggestions == TEXTS["8) Saran dan masukan"]


@pytest.mark.walks("monitoring_report.submit", "monitoring_report.return")
def test_the_region_recounts_the_figures_when_asked(
    page, wide_page, live_server, audit, batam_report
):
    ministry, region_admin, report = batam_report
    login_staff_in_browser(page, live_server, region_admin)
    page.goto(f"/kelola/monev/laporan/{report.pk}/")
    audit(page)
    send(page, audit, TEXTS)
    permit_issued()
    login_staff_in_browser(wide_page, live_server, ministry)
    return_with_note(wide_page, audit, report, "Hitung ulang butir 4: ada izin terbit kemudian.")

    page.goto(f"/kelola/monev/laporan/{report.pk}/")
    audit(page)
    expect(item_4(page)).to_contain_text(re.compile(r"^1 —"))
    page.get_by_role("button", name="Hitung ulang butir 1–4").click()
    audit(page)
    expect(page.get_by_role("status")).to_contain_text("dihitung ulang")
    expect(item_4(page)).to_contain_text(re.compile(r"^2 —"))
    page.get_by_role("button", name="Kirim laporan").click()
    audit(page)
    expect(page.get_by_role("status")).to_contain_text("Laporan telah dikirim")
    wide_page.goto(f"/kelola/monev/laporan/{report.pk}/")
    audit(wide_page)
    expect(item_4(wide_page)).to_contain_text(re.compile(r"^2 —"))
    assert LocusReport.objects.get(pk=report.pk).health_permits_issued == 2
