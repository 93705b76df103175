"""Issue 11 (journeys a): the birth-certificate form in both branches, reject and issue through
their confirmation pages, the issued extract naming the child and the signing official (read back
from the PDF), tracking without an account, and a counter filing with prefill and a receipt."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from mpp.accounts.models import User
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.cases.models import Application
from mpp.documents import demo as documents_demo
from mpp.documents.rendering import BUILT_IN_BASE_URL

from .test_applications import CITIZEN_NIK, SHOTS, click, demo, go, login_citizen  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BRANCHES = {
    "ya": ("Buku nikah/akta perkawinan orang tua", "SPTJM kebenaran data kelahiran"),
    "tidak": ("SPTJM kebenaran data kelahiran", "Buku nikah/akta perkawinan orang tua"),
}


@pytest.fixture
def officials(demo):  # noqa: F811
    documents_demo.load()
    return demo


def no_overflow(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"horizontal overflow on {page.url}: {width}px"


def apply_for_a_birth_certificate(page, audit, files, answer: str) -> Application:
    go(page, audit, "/permohonan/baru/batam-akta-kelahiran/")
    click(page, audit, "Mulai permohonan")
    # Step 1 is filled in from the account: nothing to retype.
    citizen = User.objects.get(nik=CITIZEN_NIK)
    expect(page.get_by_label("Nama lengkap pemohon")).to_have_value(citizen.name)
    expect(page.get_by_label("NIK pemohon")).to_have_value(CITIZEN_NIK)
    if not citizen.phone:  # the demo account holds no telephone number
        page.get_by_label("Nomor telepon/WhatsApp").fill("081234567890")
    click(page, audit, "Simpan dan lanjutkan")
    page.get_by_label("Nama anak").fill("Putri Aisyah")
    page.get_by_label("Tanggal lahir anak").fill("2026-11-20")
    page.get_by_label("Tempat lahir").fill("Batam")
    page.get_by_label("Perempuan").check()
    click(page, audit, "Simpan dan lanjutkan", shot=f"journeys-birth-parents-{answer}-360")
    # Both parents (issue 23); the father only when the marriage is recorded.
    page.get_by_label("Nama lengkap ibu").fill("Siti Aminah")
    if answer == "ya":
        page.get_by_label("Nama lengkap ayah").fill("Ahmad Fauzi")
    click(page, audit, "Simpan dan lanjutkan", shot=f"journeys-birth-documents-{answer}-360")
    no_overflow(page)
    # What each file must be, and which answer each conditional file belongs to, is said upfront.
    expect(page.get_by_text("Berkas PDF, JPEG, atau PNG, paling besar 2 MB.").first).to_be_visible()
    expect(
        page.get_by_text("Hanya bila jawaban “Orang tua memiliki buku nikah/akta perkawinan?”")
    ).to_have_count(2)
    expect(page.get_by_text("(opsional)")).to_have_count(0)
    wanted, other = BRANCHES[answer]
    page.get_by_label("Surat keterangan kelahiran").set_input_files(str(files["str.pdf"]))
    page.get_by_label("Kartu Keluarga", exact=True).set_input_files(str(files["str.pdf"]))
    page.get_by_label(answer.capitalize(), exact=True).check()
    page.get_by_label(wanted).set_input_files(str(files["tempat.pdf"]))
    click(page, audit, "Simpan dan lanjutkan", shot=f"journeys-birth-check-{answer}-360")
    expect(page.get_by_role("heading", name="Periksa jawaban Anda")).to_be_visible()
    expect(page.get_by_text("20 November 2026").first).to_be_visible()
    expect(page.get_by_text(other)).to_have_count(0)
    click(page, audit, "Kirim permohonan")
    expect(page.get_by_role("heading", name="Permohonan terkirim")).to_be_visible()
    application = Application.objects.get(applicant__nik=CITIZEN_NIK, status="submitted")
    return application


@pytest.mark.walks("application_without_approval.issue")
def test_yes_branch_is_issued_after_a_preview_naming_the_child_and_the_official(
    page, wide_page, audit, officials, live_server, settings
):
    settings.MPP_PUBLIC_BASE_URL = BUILT_IN_BASE_URL  # not configured: the serving host is used
    login_citizen(page, live_server)
    application = apply_for_a_birth_certificate(page, audit, officials, "ya")
    assert set(application.data) >= {"buku_nikah"} and "sptjm" not in application.data

    officer = wide_page
    login_staff_in_browser(officer, live_server, User.objects.get(username="petugas.dukcapil"))
    go(officer, audit, f"/kelola/permohonan/{application.pk}/")
    click(officer, audit, "Tangani permohonan ini")
    if officer.get_by_role("button", name="Setujui").count():  # unless issued without approval
        click(officer, audit, "Setujui")
    click(officer, audit, "Pratinjau dan terbitkan dokumen", role="link")
    officer.screenshot(path=str(SHOTS / "journeys-issue-preview-desktop.png"), full_page=True)
    preview = officer.locator(".document-preview")
    expect(preview.get_by_text("Putri Aisyah")).to_be_visible()
    expect(preview.get_by_text("Dra. Hj. Rahmawati Siregar, M.Si.")).to_be_visible()
    expect(preview.get_by_text("081234567890")).to_have_count(0)
    officer.set_default_timeout(60_000)  # signing runs in the request with the immediate backend
    click(officer, audit, "Tandatangani dan terbitkan")
    expect(officer.get_by_text("Dokumen terbit").first).to_be_visible()

    go(page, audit, f"/permohonan/{application.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh dokumen (PDF)").click()
    reader = PdfReader(BytesIO(Path(download.value.path()).read_bytes()))
    first = reader.pages[0].extract_text()
    flat = first.replace("\n", "")
    assert "KUTIPAN AKTA KELAHIRAN" in first.upper()
    assert "Nama anak" in first and "Putri Aisyah" in first
    assert "20 November 2026" in first and "Perempuan" in first
    assert "Nama ayah" in first and "Ahmad Fauzi" in first
    assert "Nama ibu" in first and "Siti Aminah" in first
    words = " ".join(first.split())  # the signature block may wrap, depending on the fonts
    assert "Dra. Hj. Rahmawati Siregar, M.Si." in words and "NIP. 197204151998032004" in words
    assert "Orang tua memiliki" not in first and "WhatsApp" not in first
    url = re.search(r"(http://\S+?/verifikasi/[A-Za-z0-9_-]+/)", flat).group(1)
    assert url.startswith(live_server.url)  # page 1, at the host that served the issuing
    go(page, audit, url)
    expect(page.get_by_role("heading", name="Dokumen ini sah")).to_be_visible()


def test_no_branch_is_rejected_through_its_confirmation_page(
    page, wide_page, audit, officials, live_server
):
    login_citizen(page, live_server)
    application = apply_for_a_birth_certificate(page, audit, officials, "tidak")
    assert "sptjm" in application.data and "buku_nikah" not in application.data

    officer = wide_page
    login_staff_in_browser(officer, live_server, User.objects.get(username="petugas.dukcapil"))
    go(officer, audit, f"/kelola/permohonan/{application.pk}/")
    click(officer, audit, "Tolak permohonan…", role="link")
    expect(officer.get_by_text("Penolakan tidak dapat dibatalkan")).to_be_visible()
    expect(officer.get_by_text("belum ditangani oleh siapa pun")).to_be_visible()
    click(officer, audit, "Ya, tolak permohonan", shot="journeys-reject-error-desktop")
    application.refresh_from_db()
    assert application.status == "submitted"  # no reason, no rejection
    officer.get_by_label("Alasan penolakan").fill("Data kelahiran tidak sesuai surat keterangan.")
    click(officer, audit, "Ya, tolak permohonan")
    application.refresh_from_db()
    assert application.status == "rejected"


def test_tracking_without_an_account(page, audit, officials, live_server):
    login_citizen(page, live_server)
    application = apply_for_a_birth_certificate(page, audit, officials, "ya")
    page.context.clear_cookies()
    go(page, audit, "/")
    click(page, audit, "Lacak permohonan tanpa akun", role="link", shot="journeys-track-360")
    page.get_by_label("Nomor pelacakan").fill(application.tracking_number)
    page.get_by_label("Tanggal lahir pemohon").fill("1990-08-16")
    click(page, audit, "Lacak", shot="journeys-track-not-found-360")
    expect(page.get_by_role("heading", name="Permohonan tidak ditemukan")).to_be_visible()
    assert "/lacak/" in page.url and application.tracking_number not in page.url
    page.get_by_label("Nomor pelacakan").fill(application.tracking_number)
    page.get_by_label("Tanggal lahir pemohon").fill("1990-08-15")
    click(page, audit, "Lacak", shot="journeys-track-found-360")
    no_overflow(page)
    expect(page.get_by_text("Diajukan oleh pemohon")).to_be_visible()
    expect(page.get_by_text("Putri Aisyah")).to_have_count(0)
    assert page.url.endswith("/lacak/")


def test_a_counter_filing_is_prefilled_and_ends_with_a_printed_receipt(
    page, audit, officials, live_server
):
    login_staff_in_browser(page, live_server, User.objects.get(username="petugas.dukcapil"))
    go(page, audit, "/kelola/permohonan/loket/")
    page.get_by_label("Layanan", exact=True).select_option(
        label="Penerbitan Kartu Keluarga (KK) baru"
    )
    page.get_by_label("NIK pemohon").fill("2171 0152 0585 0002")  # as read off the card
    page.get_by_label("Tanggal lahir").fill("1985-05-12")
    page.get_by_label("Nama lengkap").fill("Siti Aminah")
    page.get_by_label("Nomor telepon").fill("081298765432")
    click(page, audit, "Lanjut ke formulir")
    expect(page.get_by_label("Nama lengkap pemohon")).to_have_value("Siti Aminah")
    expect(page.get_by_label("NIK pemohon")).to_have_value("2171015205850002")
    expect(page.get_by_label("Nomor telepon/WhatsApp")).to_have_value("081298765432")
    click(page, audit, "Simpan dan lanjutkan")
    page.get_by_label("Membentuk keluarga baru setelah menikah").check()
    click(page, audit, "Simpan dan lanjutkan")
    page.get_by_label("Buku nikah atau akta perkawinan").set_input_files(str(officials["str.pdf"]))
    click(page, audit, "Simpan dan lanjutkan", shot="journeys-counter-check-360")
    expect(page.get_by_role("heading", name="Periksa isian pemohon")).to_be_visible()
    click(page, audit, "Kirim permohonan", shot="journeys-counter-receipt-360")
    no_overflow(page)
    application = Application.objects.get(applicant__nik="2171015205850002")
    receipt = page.locator(".receipt")
    expect(receipt.get_by_role("heading", name="Tanda terima permohonan")).to_be_visible()
    expect(receipt.get_by_text(application.tracking_number)).to_be_visible()
    expect(receipt.get_by_text("Buku nikah atau akta perkawinan")).to_be_visible()
    expect(receipt.get_by_role("img", name="Kode QR untuk melacak permohonan")).to_be_visible()
    expect(receipt.get_by_text("Selesai paling lambat")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Cetak tanda terima")).to_be_hidden()
    page.screenshot(path=str(SHOTS / "journeys-counter-receipt-print.png"), full_page=True)
    pdf = page.pdf(format="A5")
    assert pdf.startswith(b"%PDF-")


def test_an_agency_admin_sets_the_signing_official_and_a_citizen_edits_contacts(
    page, audit, officials, live_server
):
    login_staff_in_browser(page, live_server, User.objects.get(username="admin.dukcapil"))
    go(page, audit, "/akun/kerja/")
    click(
        page, audit, "Pejabat penanda tangan dokumen", role="link", shot="journeys-signatories-360"
    )
    no_overflow(page)
    click(page, audit, "Dinas Kependudukan dan Pencatatan Sipil Kota Batam", role="link")
    page.get_by_label("NIP").fill("1972 0415 1998 0320")  # 16 digits: refused
    click(page, audit, "Simpan", shot="journeys-signatory-error-360")
    expect(page.get_by_text("NIP harus 18 digit angka.").first).to_be_visible()
    expect(page.locator(".error-summary")).to_be_focused()
    page.get_by_label("NIP").fill("1972 0415 1998 0320 04")
    click(page, audit, "Simpan")
    expect(page.get_by_text("197204151998032004")).to_be_visible()

    page.context.clear_cookies()
    login_citizen(page, live_server)
    go(page, audit, "/akun/profil/", shot="journeys-profile-360")
    click(
        page, audit, "Ubah surel dan nomor telepon", role="link", shot="journeys-profile-edit-360"
    )
    page.get_by_label("Nomor telepon").fill("0812 3456 7890")
    click(page, audit, "Simpan")
    expect(page.get_by_text("081234567890")).to_be_visible()
    go(page, audit, "/akun/pengembang/", shot="journeys-developer-360")
    no_overflow(page)
