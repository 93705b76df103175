"""Browser journeys of issue 4: apply online, revise, approve and issue, download and verify;
file at the counter; fiktif positif after 5 working days."""

from __future__ import annotations

import datetime
import io
import re
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from mpp.accounts import demo as accounts_demo
from mpp.accounts.models import User
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.cases import services
from mpp.cases.models import Application
from mpp.cases.tests.factories import PDF_BYTES
from mpp.catalog import demo as catalog_demo
from mpp.catalog.models import Service
from mpp.deadlines import services as clock
from mpp.documents import services as document_services
from mpp.regions.data import load_regions
from mpp.regions.models import Province, Region
from mpp.web.tests.browser import settled

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("var/screenshots")
CITIZEN_NIK = "2171011508900003"


def _jpeg() -> bytes:
    # A real photo: uploads are decoded and re-encoded, so a header alone is refused.
    output = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(output, format="JPEG")
    return output.getvalue()


JPEG_BYTES = _jpeg()
WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def demo(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MPP_PUBLIC_BASE_URL = live_server.url
    if not Region.objects.filter(code="2171").exists():
        load_regions(Province, Region)  # a previous transactional test flushed the migration data
    catalog_demo.load()
    accounts_demo.load()
    document_services.create_demo_pki()
    files = {}
    for name, content in (
        ("str.pdf", PDF_BYTES),
        ("tempat.pdf", PDF_BYTES),
        ("foto.jpg", JPEG_BYTES),
    ):
        files[name] = tmp_path / name
        files[name].write_bytes(content)
    return files


def login_citizen(page, live_server, nik=CITIZEN_NIK):
    client = Client()
    client.force_login(
        User.objects.get(nik=nik), backend="mpp.accounts.backends.NikOrUsernameBackend"
    )
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def go(page, audit, url_or_action, shot: str | None = None):
    if isinstance(url_or_action, str):
        page.goto(url_or_action)
    else:
        url_or_action()
        page.wait_for_load_state("load")
    audit(page)
    if shot:
        page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)


def click(page, audit, name, role="button", shot=None):
    go(page, audit, lambda: page.get_by_role(role, name=name).first.click(), shot)


@pytest.mark.walks(
    "application.submit",
    "application.claim",
    "application.request_revision",
    "application.resubmit",
    "application.approve",
    "application.issue",
)
def test_apply_revise_approve_issue_download_and_verify(page, wide_page, audit, demo, live_server):
    sip = Service.objects.get(slug="batam-sip-dokter")
    login_citizen(page, live_server)
    go(page, audit, f"/layanan/{sip.pk}/")
    click(page, audit, "Ajukan permohonan", role="link", shot="applications-start-360")
    click(page, audit, "Mulai permohonan", shot="applications-step-360")
    page.get_by_label("Nama lengkap").fill("Budi Santoso")
    page.get_by_label("NIK").fill("21710115089")  # too short: refused, but what was typed is kept
    page.get_by_label("Nomor telepon").fill("081234567890")
    click(page, audit, "Simpan dan lanjutkan", shot="applications-step-error-360")
    expect(page.get_by_role("heading", name="Ada yang perlu diperbaiki")).to_be_visible()
    expect(page.get_by_label("Nama lengkap")).to_have_value("Budi Santoso")
    page.get_by_label("NIK").fill(CITIZEN_NIK)
    click(page, audit, "Simpan dan lanjutkan")
    page.get_by_label("Nomor STR").fill("3121100220145678")
    click(page, audit, "Simpan dan lanjutkan")
    page.get_by_label("Nama fasilitas pelayanan kesehatan").fill("Klinik Sehat Batam")
    page.get_by_label("Alamat tempat praktik").fill("Jl. Engku Putri No. 2, Batam Kota")
    page.get_by_label("Pertama").check()
    click(page, audit, "Simpan dan lanjutkan")
    inputs = page.locator("input[type=file]")
    inputs.nth(0).set_input_files(str(demo["str.pdf"]))
    inputs.nth(1).set_input_files(str(demo["tempat.pdf"]))
    inputs.nth(2).set_input_files(str(demo["foto.jpg"]))
    click(page, audit, "Simpan dan lanjutkan", shot="applications-check-360")
    expect(page.get_by_role("heading", name="Periksa jawaban Anda")).to_be_visible()
    click(page, audit, "Kirim permohonan", shot="applications-done-360")
    application = Application.objects.get(applicant__nik=CITIZEN_NIK)
    expect(page.get_by_text(application.tracking_number)).to_be_visible()
    assert re.fullmatch(r"2171-\d{6}-\d{4}", application.tracking_number)
    go(page, audit, "/permohonan/", shot="applications-mine-360")
    expect(page.get_by_text("Diajukan").first).to_be_visible()

    officer = wide_page
    login_staff_in_browser(officer, live_server, User.objects.get(username="petugas.dinkes"))
    go(officer, audit, "/kelola/permohonan/", shot="applications-inbox-desktop")
    click(officer, audit, application.tracking_number, role="link")
    click(officer, audit, "Tangani permohonan ini")
    officer.get_by_label("Yang perlu diperbaiki").fill(
        "Pasfoto buram; unggah ulang pasfoto yang jelas."
    )
    click(officer, audit, "Minta perbaikan", shot="applications-staff-detail-desktop")
    expect(officer.get_by_text("Perlu diperbaiki").first).to_be_visible()

    go(page, audit, f"/permohonan/{application.pk}/", shot="applications-detail-revision-360")
    expect(
        page.get_by_text("Pasfoto buram; unggah ulang pasfoto yang jelas.").first
    ).to_be_visible()
    click(page, audit, "Perbaiki permohonan", role="link", shot="applications-check-revision-360")
    click(page, audit, "Ubah Pasfoto berwarna", role="link")
    page.get_by_label("Pasfoto berwarna").set_input_files(str(demo["foto.jpg"]))
    click(page, audit, "Simpan dan lanjutkan")
    click(page, audit, "Kirim perbaikan")
    application.refresh_from_db()
    assert application.status == "in_review" and application.due_at is not None

    go(officer, audit, f"/kelola/permohonan/{application.pk}/")
    click(officer, audit, "Setujui")
    click(officer, audit, "Pratinjau dan terbitkan dokumen", role="link")
    click(officer, audit, "Tandatangani dan terbitkan", shot="applications-staff-issued-desktop")
    expect(officer.get_by_text("Dokumen terbit").first).to_be_visible()

    go(page, audit, f"/permohonan/{application.pk}/", shot="applications-detail-issued-360")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh dokumen (PDF)").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-") and b"/ETSI.CAdES.detached" in pdf
    reader = PdfReader(BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    verification_url = re.search(r"(http://\S+?/verifikasi/[A-Za-z0-9_-]+/)", text).group(1)
    go(page, audit, verification_url)
    expect(page.get_by_role("heading", name="Dokumen ini sah")).to_be_visible()


def test_counter_officer_files_for_a_walk_in_citizen(wide_page, audit, demo, live_server):
    page = wide_page
    login_staff_in_browser(page, live_server, User.objects.get(username="petugas.dukcapil"))
    go(page, audit, "/kelola/permohonan/")
    click(
        page, audit, "Ajukan permohonan di loket", role="link", shot="applications-counter-desktop"
    )
    page.get_by_label("Layanan", exact=True).select_option(
        label="Penerbitan Kartu Keluarga (KK) baru"
    )
    page.get_by_label("NIK pemohon").fill("2171015205850002")
    page.get_by_label("Tanggal lahir").fill("1985-05-12")
    page.get_by_label("Nama lengkap").fill("Siti Aminah")
    click(page, audit, "Lanjut ke formulir")
    application = Application.objects.get(applicant__nik="2171015205850002")
    assert application.channel == "counter" and application.applicant.is_light_record
    page.get_by_label("Nama lengkap pemohon").fill("Siti Aminah")
    page.get_by_label("NIK pemohon").fill("2171015205850002")
    page.get_by_label("Nomor telepon/WhatsApp").fill("081298765432")
    click(page, audit, "Simpan dan lanjutkan")
    page.get_by_label("Membentuk keluarga baru setelah menikah").check()
    click(page, audit, "Simpan dan lanjutkan")
    # Only the document the chosen reason needs is asked for.
    expect(page.get_by_label("Buku nikah atau akta perkawinan")).to_be_visible()
    expect(page.get_by_label("Surat keterangan pindah")).to_have_count(0)
    page.get_by_label("Buku nikah atau akta perkawinan").set_input_files(str(demo["str.pdf"]))
    click(page, audit, "Simpan dan lanjutkan")
    click(page, audit, "Kirim permohonan", shot="applications-counter-done-desktop")
    expect(page.get_by_text(application.tracking_number)).to_be_visible()
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.filed_by.username == "petugas.dukcapil"
    go(page, audit, "/kelola/permohonan/?channel=counter")
    expect(page.get_by_role("link", name=application.tracking_number)).to_be_visible()
    # The filter with htmx: the results alone come back and are put in place (the page is not
    # reloaded), the address follows, and the live region says how many are shown.
    go(page, audit, "/kelola/permohonan/")
    page.evaluate("() => { window.stillThisPage = true; }")
    page.locator("#id_channel").select_option(value="counter")
    settled(page, page.get_by_role("button", name="Terapkan").click)
    audit(page)
    assert "channel=counter" in page.url and page.evaluate("() => window.stillThisPage === true")
    expect(page.get_by_role("link", name=application.tracking_number)).to_be_visible()
    expect(page.locator("#inbox-announce")).to_contain_text("permohonan ditampilkan")
    assert page.locator("#inbox-results tbody tr").count() == page.evaluate(
        "() => parseInt(document.getElementById('inbox-announce').textContent.match(/\\d+/)[0])"
    )


def test_sip_is_issued_automatically_after_five_working_days(
    page, audit, demo, live_server, monkeypatch
):
    citizen = User.objects.get(nik=CITIZEN_NIK)
    monday = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=WIB)
    monkeypatch.setattr("django.utils.timezone.now", lambda: monday)
    application = _submitted_sip(citizen)
    assert application.due_at == datetime.datetime(2026, 12, 7, 23, 59, 59, 999999, tzinfo=WIB)
    for moment in (
        datetime.datetime(2026, 12, 7, 12, 0, tzinfo=WIB),  # the fifth working day is not over
        datetime.datetime(2026, 12, 8, 0, 1, tzinfo=WIB),
    ):
        monkeypatch.setattr("django.utils.timezone.now", lambda moment=moment: moment)
        clock.sweep()
        application.refresh_from_db()
        assert application.status == ("submitted" if moment.day == 7 else "issued")
    monkeypatch.undo()
    login_citizen(page, live_server)
    go(page, audit, f"/permohonan/{application.pk}/", shot="applications-detail-auto-360")
    expect(page.get_by_text("Disetujui otomatis").first).to_be_visible()
    expect(page.get_by_role("link", name="Unduh dokumen (PDF)")).to_be_visible()


def test_citizen_resumes_a_draft_and_withdraws_before_a_decision(page, audit, demo, live_server):
    kk = Service.objects.get(slug="batam-kk-baru")
    citizen = User.objects.get(nik=CITIZEN_NIK)
    login_citizen(page, live_server)
    go(page, audit, "/permohonan/", shot="applications-mine-empty-360")
    expect(page.get_by_text("Anda belum pernah mengajukan permohonan")).to_be_visible()
    go(page, audit, f"/permohonan/baru/{kk.slug}/")
    click(page, audit, "Mulai permohonan")
    page.get_by_label("Nama lengkap pemohon").fill("Budi Santoso")
    click(page, audit, "Simpan dan keluar", shot="applications-detail-draft-360")
    expect(page.get_by_text("Draf disimpan")).to_be_visible()
    application = Application.objects.get(applicant=citizen)
    assert application.data["nama_pemohon"] == "Budi Santoso"
    go(page, audit, f"/permohonan/baru/{kk.slug}/")
    click(page, audit, application.tracking_number, role="link")
    click(page, audit, "Lanjutkan mengisi", role="link")
    expect(page.get_by_label("Nama lengkap pemohon")).to_have_value("Budi Santoso")
    page.get_by_label("NIK pemohon").fill(CITIZEN_NIK)
    page.get_by_label("Nomor telepon/WhatsApp").fill("081234567890")
    click(page, audit, "Simpan dan lanjutkan")
    page.get_by_label("Pindah datang dari daerah lain").check()
    click(page, audit, "Simpan dan lanjutkan")
    page.get_by_label("Surat keterangan pindah").set_input_files(str(demo["str.pdf"]))
    click(page, audit, "Simpan dan lanjutkan")
    click(page, audit, "Kirim permohonan")
    go(page, audit, f"/permohonan/{application.pk}/")
    click(page, audit, "Batalkan permohonan ini", role="link", shot="applications-withdraw-360")
    click(page, audit, "Ya, batalkan permohonan")
    expect(page.get_by_text("Permohonan telah dibatalkan.")).to_be_visible()
    application.refresh_from_db()
    assert application.status == "withdrawn"
    expect(page.get_by_role("link", name="Batalkan permohonan ini")).to_have_count(0)


def _submitted_sip(citizen) -> Application:
    """A submitted SIP application (set up through the services; the test walks what follows)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    sip = Service.objects.get(slug="batam-sip-dokter")
    application = services.start_application(applicant=citizen, service=sip)
    services.update_draft(
        application,
        actor=citizen,
        data={
            "nama_pemohon": "Budi Santoso",
            "nik_pemohon": CITIZEN_NIK,
            "telepon": "081234567890",
            "nomor_str": "3121100220145678",
            "nama_fasyankes": "Klinik Sehat Batam",
            "alamat_praktik": "Jl. Engku Putri No. 2",
            "urutan_sip": "1",
        },
    )
    for field in ("str", "surat_tempat_praktik", "pasfoto"):
        services.attach_file(
            application, actor=citizen, field=field, upload=SimpleUploadedFile("a.pdf", PDF_BYTES)
        )
    services.submit_application(application, actor=citizen)
    return application


@pytest.mark.walks("application.assign")
def test_the_agency_admin_hands_an_application_to_an_officer(wide_page, audit, demo, live_server):
    application = _submitted_sip(User.objects.get(nik=CITIZEN_NIK))
    page = wide_page
    login_staff_in_browser(page, live_server, User.objects.get(username="admin.dinkes"))
    go(page, audit, f"/kelola/permohonan/{application.pk}/")
    page.get_by_label("Serahkan kepada").select_option(label="dr. Andi Pratama")
    click(page, audit, "Serahkan", shot="applications-assign-desktop")
    application.refresh_from_db()
    assert application.status == "in_review"
    assert application.assigned_to.username == "petugas.dinkes"


@pytest.mark.walks("application.withdraw")
def test_the_citizen_withdraws_a_submitted_permit_application(page, audit, demo, live_server):
    application = _submitted_sip(User.objects.get(nik=CITIZEN_NIK))
    login_citizen(page, live_server)
    go(page, audit, f"/permohonan/{application.pk}/")
    click(page, audit, "Batalkan permohonan ini", role="link")
    click(page, audit, "Ya, batalkan permohonan")
    expect(page.get_by_text("Permohonan telah dibatalkan.")).to_be_visible()
    application.refresh_from_db()
    assert application.status == "withdrawn"


@pytest.mark.walks("application.submit", "application.claim", "application.reject")
def test_the_only_officer_files_a_permit_at_the_counter_and_decides_it(
    wide_page, audit, demo, live_server
):
    """Issue 23: the Dinkes of Batam has one officer; what he files at the counter he decides."""
    page = wide_page
    login_staff_in_browser(page, live_server, User.objects.get(username="petugas.dinkes"))
    go(page, audit, "/kelola/permohonan/loket/")
    page.get_by_label("Layanan", exact=True).select_option(
        label=Service.objects.get(slug="batam-sip-dokter").name
    )
    page.get_by_label("NIK pemohon").fill("2171015205850002")
    page.get_by_label("Tanggal lahir").fill("1985-05-12")
    page.get_by_label("Nama lengkap").fill("Siti Aminah")
    click(page, audit, "Lanjut ke formulir")
    application = Application.objects.get(applicant__nik="2171015205850002")
    page.get_by_label("Nomor telepon").fill("081298765432")
    click(page, audit, "Simpan dan lanjutkan")
    send_sip_steps(page, audit, demo, str_number="3121100220145678")
    application.refresh_from_db()
    assert application.status == "submitted" and application.channel == "counter"
    go(page, audit, f"/kelola/permohonan/{application.pk}/", shot="applications-sole-filer-desktop")
    expect(page.get_by_text("Anda satu-satunya petugas")).to_be_visible()
    click(page, audit, "Tangani permohonan ini")
    click(page, audit, "Tolak permohonan…", role="link")
    page.get_by_label("Alasan penolakan").fill("STR tidak terdaftar di SATUSEHAT SDMK.")
    click(page, audit, "Ya, tolak permohonan")
    application.refresh_from_db()
    assert application.status == "rejected"


def send_sip_steps(page, audit, files, *, str_number: str) -> None:
    """The SIP form after the applicant's own step: the STR, the practice, the three files, then
    "Kirim permohonan" (``files``: the demo fixture's PDF and photo paths)."""
    page.get_by_label("Nomor STR").fill(str_number)
    click(page, audit, "Simpan dan lanjutkan")
    page.get_by_label("Nama fasilitas pelayanan kesehatan").fill("Klinik Sehat Batam")
    page.get_by_label("Alamat tempat praktik").fill("Jl. Engku Putri No. 2, Batam Kota")
    page.get_by_label("Pertama").check()
    click(page, audit, "Simpan dan lanjutkan")
    inputs = page.locator("input[type=file]")
    inputs.nth(0).set_input_files(str(files["str.pdf"]))
    inputs.nth(1).set_input_files(str(files["tempat.pdf"]))
    inputs.nth(2).set_input_files(str(files["foto.jpg"]))
    click(page, audit, "Simpan dan lanjutkan")
    click(page, audit, "Kirim permohonan")
