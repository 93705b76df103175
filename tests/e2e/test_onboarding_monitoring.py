"""Done when (issue 15): a region is onboarded through every stage to access; loci submit, are
returned and resubmit, are flagged late; the ministry reads the matrix and exports XLSX."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from openpyxl import load_workbook
from playwright.sync_api import expect

from mpp.accounts.models import Invitation, Role, RoleGrant, User
from mpp.accounts.tests.factories import load_demo
from mpp.accounts.tests.helpers import (
    accept_invitation_in_browser,
    login_staff_in_browser,
)
from mpp.cases.models import Application
from mpp.catalog.models import Service
from mpp.documents.uploads import blank_pdf
from mpp.monitoring import services as monitoring_services
from mpp.monitoring.models import LocusReport
from mpp.notifications.models import Notification
from mpp.onboarding import demo as onboarding_demo
from mpp.onboarding.models import ManagerDecree, OnboardingApplication
from mpp.regions.models import Region
from mpp.tenancy.models import MPP

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
    onboarding_demo.load()
    return User.objects.get(username="admin.kemenpanrb")


def _pdf_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(blank_pdf())
    return str(path)


def _open(page, path, audit):
    page.goto(path)
    audit(page)


def _act(page, audit, button: str, reason: str | None = None):
    if reason is not None:
        page.get_by_label("Alasan").fill(reason)
    page.get_by_role("button", name=button).click()
    audit(page)
    expect(page.get_by_role("status")).to_contain_text("Perubahan telah disimpan")


@pytest.mark.walks(
    "region_onboarding.return",
    "region_onboarding.resubmit",
    "region_onboarding.designate",
    "region_onboarding.upload_agreement",
    "region_onboarding.grant_access",
    "region_onboarding.probation",
    "region_onboarding.restore",
    "region_onboarding.revoke",
)
def test_a_region_is_onboarded_through_every_action_by_its_roles(
    page, wide_page, live_server, audit, demo, tmp_path
):
    # The public form, at 360 px: the province first, then its kab/kota.
    page.goto("/lokus/")
    audit(page)
    expect(page.get_by_role("img", name="Peta lokus MPP Digital")).to_be_visible()
    page.screenshot(path="var/screenshots/onboarding-public-loci.png", full_page=True)
    page.get_by_role("link", name=re.compile("Ajukan penerapan")).click()
    audit(page)
    page.get_by_label("Provinsi").select_option(label="Bali")
    page.get_by_role("button", name="Lanjutkan").click()
    audit(page)
    expect(page.get_by_text("Langkah 2 dari 2. Provinsi: Bali.")).to_be_visible()
    regions = page.get_by_label("Kabupaten/kota")
    assert regions.locator("option").count() < 12  # Bali's nine, not all 514
    regions.select_option(label="Kabupaten Buleleng")
    page.get_by_label("Nama admin daerah").fill("Made Wirawan")
    page.get_by_label("Surel admin daerah").fill("admin.buleleng@contoh.go.id")
    page.get_by_label("Nama calon pengelola MPP").fill("Ni Luh Sari")
    page.get_by_label("Surel calon pengelola MPP").fill("pengelola.buleleng@contoh.go.id")
    page.get_by_label("Surat resmi bupati/wali kota").set_input_files(
        _pdf_file(tmp_path, "surat.pdf")
    )
    page.get_by_label("Kajian urgensi").set_input_files(_pdf_file(tmp_path, "kajian.pdf"))
    page.get_by_label("Kapasitas internet (Mbps)").fill("100")
    page.get_by_label("Jumlah perangkat komputer di MPP").fill("20")
    page.get_by_label("Jumlah petugas terlatih").fill("8")
    page.get_by_role("radio", name="Ya", exact=True).check()
    page.get_by_label("Pusat data atau cloud").select_option("cloud")
    page.get_by_label("Anggaran yang disiapkan (rupiah)").fill("400000000")
    page.screenshot(path="var/screenshots/onboarding-apply.png", full_page=True)
    page.get_by_role("button", name="Ajukan permohonan").click()
    audit(page)
    expect(page.get_by_role("status")).to_contain_text("telah kami terima")
    application = OnboardingApplication.objects.get(region_id="5108")
    detail = f"/kelola/penerapan/{application.pk}/"

    # The ministry reviews: it is told who acts next, and returns the application with a reason.
    ministry = wide_page
    login_staff_in_browser(ministry, live_server, demo)
    _open(ministry, "/kelola/penerapan/", audit)
    ministry.get_by_role("link", name=application.reference).click()
    audit(ministry)
    expect(ministry.get_by_text("Yang bertindak: Kementerian PANRB.")).to_be_visible()
    _act(ministry, audit, "Kembalikan dengan alasan", "Kajian urgensi belum ditandatangani.")
    expect(ministry.get_by_text("Yang bertindak: Daerah.")).to_be_visible()
    expect(
        ministry.get_by_text(re.compile("Undangan untuk narahubung daerah Made Wirawan"))
    ).to_be_visible()

    # The region's contact accepts the invitation the return sent, then resubmits.
    accept_invitation_in_browser(
        page,
        audit,
        [m for m in mail.outbox if m.to == ["admin.buleleng@contoh.go.id"]],
        username="made.wirawan",
        password="Sandi-Daerah-2026",
    )
    expect(page.get_by_text(re.compile("Narahubung penerapan daerah")).first).to_be_visible()
    page.get_by_role("link", name=re.compile("Penerapan MPP Digital")).first.click()
    audit(page)
    page.get_by_role("link", name=application.reference).click()
    audit(page)
    expect(page.get_by_text("Kajian urgensi belum ditandatangani.").first).to_be_visible()
    page.screenshot(path="var/screenshots/onboarding-returned-region.png", full_page=True)
    _act(page, audit, "Ajukan kembali")
    expect(page.get_by_text("Yang bertindak: Kementerian PANRB.")).to_be_visible()

    # The ministry designates into a phase it chooses (nothing preselected).
    _open(ministry, detail, audit)
    phase = ministry.get_by_label("Tahap penetapan")
    expect(phase).to_have_value("")
    phase.select_option(label="Tahap 2 (tahap baru)")
    _act(ministry, audit, "Tetapkan sebagai lokus")
    expect(ministry.get_by_text("Anda tidak perlu bertindak pada tahap ini.")).to_be_visible()

    # The region signs: its contact uploads the signed agreement.
    _open(page, detail, audit)
    expect(page.get_by_text("2. Ditetapkan sebagai lokus").first).to_be_visible()
    page.get_by_label("Perjanjian penerapan bertanda tangan").set_input_files(
        _pdf_file(tmp_path, "pks.pdf")
    )
    _act(page, audit, "Unggah perjanjian")
    page.screenshot(path="var/screenshots/onboarding-detail-region.png", full_page=True)
    expect(page.get_by_text("3. Perjanjian ditandatangani").first).to_be_visible()

    # The ministry grants access; the region sees it.
    _open(ministry, detail, audit)
    expect(ministry.get_by_text("Yang bertindak: Kementerian PANRB.")).to_be_visible()
    _act(ministry, audit, "Berikan hak akses")
    expect(ministry.get_by_text("4. Hak akses diberikan").first).to_be_visible()
    assert MPP.objects.get(region_id="5108").is_active
    assert not User.objects.filter(email="pengelola.buleleng@contoh.go.id").exists()
    assert (
        Invitation.objects.pending()
        .filter(email="pengelola.buleleng@contoh.go.id", role=Role.MPP_MANAGER)
        .exists()
    )
    _open(page, detail, audit)
    expect(page.get_by_text("4. Hak akses diberikan").first).to_be_visible()

    # Probation, restore and revoke, each with a reason the region reads.
    _act_on(ministry, detail, audit, "Tetapkan masa pembinaan", "Laporan monev terlambat.")
    _open(page, detail, audit)
    expect(page.get_by_text(re.compile("Laporan monev terlambat.")).first).to_be_visible()
    _act_on(ministry, detail, audit, "Pulihkan status", "Laporan monev sudah lengkap.")
    _open(page, detail, audit)
    expect(page.get_by_text("4. Hak akses diberikan").first).to_be_visible()
    _act_on(ministry, detail, audit, "Cabut status lokus", "Layanan tidak berjalan enam bulan.")
    _open(page, detail, audit)
    expect(page.get_by_text("Status lokus dicabut").first).to_be_visible()
    expect(page.get_by_text(re.compile("Layanan tidak berjalan enam bulan.")).first).to_be_visible()
    application.refresh_from_db()
    assert application.status == "revoked"
    # The region was told at every step (by mail to its contact's verified account).
    assert len(Notification.objects.filter(recipient__username="made.wirawan")) >= 7


def _act_on(page, path, audit, button, reason):
    _open(page, path, audit)
    _act(page, audit, button, reason)


def _app(category, status, when):
    service = (
        Service.objects.published().filter(mpp__slug="mpp-kota-batam", category=category).first()
    )
    citizen = User.objects.create(username=f"w-{Application.objects.count()}", name="Warga")
    return Application.objects.create(
        tracking_number=f"E2E-{Application.objects.count():05d}", service=service,
        service_version=service.current_version, applicant=citizen, mpp=service.mpp,
        agency=service.agency, status=status, submitted_at=when, decided_at=when,
    )  # fmt: skip


TEXTS = {
    "5) Upaya percepatan penggunaan MPP Digital": "Sosialisasi di 12 kecamatan.",
    "6) Upaya percepatan aktivasi IKD dan penginputan SISDMK": "Aktivasi IKD di sekolah.",
    "7) Kendala pelaksanaan MPP Digital": "Jaringan belum stabil.",
    "8) Saran dan masukan": "Pelatihan operator.",
}


def test_loci_report_and_the_ministry_reads_and_exports(page, wide_page, live_server, audit, demo):
    when = datetime.datetime(2026, 10, 10, 10, tzinfo=datetime.UTC)
    _app("kependudukan", "issued", when)
    _app("perizinan_kesehatan", "issued", when)
    today = datetime.date.today()
    period = monitoring_services.open_period(
        actor=demo, name="Monev triwulan IV 2026", phase=1,
        starts_on=datetime.date(2026, 10, 1), ends_on=datetime.date(2026, 10, 31),
        deadline=today + datetime.timedelta(days=7),
        regions=Region.objects.filter(code__in=("2171", "3471", "3372")),
    )  # fmt: skip
    batam = period.reports.get(region_id="2171")

    # Batam submits with items 2–4 computed from the platform.
    login_staff_in_browser(page, live_server, User.objects.get(username="admin.batam"))
    page.goto("/kelola/monev/")
    audit(page)
    page.get_by_role("link", name="Monev triwulan IV 2026").click()
    audit(page)
    expect(
        page.get_by_text("1 pemohon layanan kependudukan; 1 pemohon izin tenaga kesehatan")
    ).to_be_visible()
    page.get_by_label("7) Kendala pelaksanaan MPP Digital").fill("")
    for label, text in TEXTS.items():
        if label.startswith("7"):
            continue
        page.get_by_label(label).fill(text)
    page.get_by_role("button", name="Kirim laporan").click()
    audit(page)
    expect(page.get_by_role("alert").first).to_contain_text("7) Kendala pelaksanaan MPP Digital")
    page.get_by_label("7) Kendala pelaksanaan MPP Digital").fill(
        TEXTS["7) Kendala pelaksanaan MPP Digital"]
    )
    page.get_by_role("button", name="Kirim laporan").click()
    audit(page)
    expect(page.get_by_role("status")).to_contain_text("Laporan telah dikirim")
    page.screenshot(path="var/screenshots/monitoring-report.png", full_page=True)
    page.get_by_role("link", name="daftar izin").click()
    audit(page)
    expect(page.get_by_role("cell", name=re.compile("E2E-"))).to_be_visible()

    # The ministry returns it with notes; Batam corrects and resubmits.
    browser = wide_page
    login_staff_in_browser(browser, live_server, demo)
    browser.goto(f"/kelola/monev/laporan/{batam.pk}/")
    audit(browser)
    browser.get_by_label("Catatan untuk lokus").fill("Lengkapi butir 6 dengan jumlah aktivasi IKD.")
    browser.get_by_role("button", name="Kembalikan untuk diperbaiki").click()
    audit(browser)
    page.goto(f"/kelola/monev/laporan/{batam.pk}/")
    audit(page)
    expect(page.get_by_role("definition").filter(has_text="Lengkapi butir 6")).to_be_visible()
    page.get_by_label("Jumlah aktivasi IKD (dinyatakan daerah)").fill("420")
    page.get_by_role("button", name="Kirim laporan").click()
    audit(page)
    batam.refresh_from_db()
    assert batam.status == "submitted" and batam.ikd_activations == 420

    # Surakarta is late: the deadline has passed when its admin submits.
    period.deadline = today - datetime.timedelta(days=3)
    period.save()
    for report in period.reports.select_related("region"):  # each report's clock follows
        LocusReport.objects.filter(pk=report.pk).update(
            **monitoring_services.clock(report.region, period.deadline)
        )
    solo_admin = User.objects.create(username="admin.solo", name="Admin Surakarta")
    RoleGrant.objects.create(user=solo_admin, role=Role.REGIONAL_ADMIN, region_id="3372")
    solo = period.reports.get(region_id="3372")
    login_staff_in_browser(page, live_server, solo_admin)
    page.goto(f"/kelola/monev/laporan/{solo.pk}/")
    audit(page)
    page.get_by_role("button", name="Kirim laporan").click()  # no SK: refused, names item 1
    audit(page)
    expect(page.get_by_role("alert").first).to_contain_text("1) SK Pengelola MPP Digital")
    decree = ManagerDecree(
        region_id="3372", number="SK/7/2026", decree_date=today, signatory="Wali Kota Surakarta"
    )
    decree.document.save("sk", ContentFile(blank_pdf()), save=True)
    page.goto(f"/kelola/monev/laporan/{solo.pk}/")
    audit(page)
    for label, text in TEXTS.items():
        page.get_by_label(label).fill(text)
    page.get_by_role("button", name="Kirim laporan").click()
    audit(page)
    expect(page.get_by_role("status")).to_contain_text("ditandai terlambat")

    # The ministry reads the compliance matrix and exports XLSX.
    browser.goto(f"/kelola/monev/periode/{period.pk}/")
    audit(browser)
    matrix = browser.get_by_role("table").filter(has_text="Butir 1")
    expect(matrix.get_by_role("row", name=re.compile("Kota Surakarta"))).to_contain_text(
        "Terlambat"
    )
    expect(matrix.get_by_role("row", name=re.compile("Kota Yogyakarta"))).to_contain_text(
        "Tidak menyampaikan"
    )
    browser.screenshot(path="var/screenshots/monitoring-matrix.png", full_page=True)
    with browser.expect_download() as info:
        browser.get_by_role("link", name="Unduh XLSX").click()
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["Kota Batam", "Kota Surakarta", "Kota Yogyakarta"]
