"""Complaints in the browser at 360 px (axe on every page): an anonymous guest complaint is
verified, forwarded, answered and rated; an overdue one escalates; a consultation answer appears
on the service page; and every action a person takes in the complaint workflow, by the role that
may take it (the ``walks`` marker)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from mpp.accounts.models import User
from mpp.accounts.tests.factories import load_demo
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.catalog.models import Service
from mpp.complaints import demo as complaints_demo
from mpp.complaints.models import Complaint, Escalation, Kind
from mpp.complaints.tests.factories import forwarded, submitted
from mpp.deadlines.services import sweep
from mpp.notifications.models import OutboxMessage
from mpp.tenancy.models import Agency

from .test_applications import CITIZEN_NIK, login_citizen

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path("var/screenshots")


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
    complaints_demo.load()


def shot(page, name):
    page.screenshot(path=str(SCREENSHOTS / f"complaints-{name}.png"), full_page=True)


def test_an_anonymous_guest_complaint_is_verified_forwarded_answered_and_rated(
    page, live_server, audit, demo
):
    page.goto("/pengaduan/baru/")
    audit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Konfirmasi kontak pelapor")
    page.get_by_label("Alamat surel atau nomor telepon").fill("+6281234567890")
    page.get_by_role("button", name="Kirim kode").click()
    audit(page)
    code = re.search(r"\d{6}", OutboxMessage.objects.get(to="+6281234567890").text).group()
    page.get_by_label("Kode konfirmasi").fill(code)
    page.get_by_role("button", name="Konfirmasi").click()
    audit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sampaikan pengaduan atau konsultasi")
    page.get_by_label("MPP", exact=True).select_option(label="Mal Pelayanan Publik Kota Batam")
    page.get_by_role("button", name="Tampilkan instansi dan layanan").click()
    audit(page)
    expect(page.locator("#id_agency")).to_contain_text(
        "Dinas Kependudukan dan Pencatatan Sipil Kota Batam"
    )
    page.get_by_role("button", name="Kirim", exact=True).click()
    audit(page)
    expect(page.get_by_text("Tuliskan isi pengaduan Anda.").first).to_be_visible()
    shot(page, "submit-error")
    assert not Complaint.objects.filter(channel="web").exists()

    page.get_by_label("Instansi tertentu").check()
    page.locator("#id_agency").select_option(str(Agency.objects.get(slug="disdukcapil-batam").pk))
    page.get_by_label("Judul", exact=True).fill("Petugas loket meminta uang tambahan")
    page.get_by_label("Isi", exact=True).fill(
        "Di loket 3 saya diminta Rp 50.000 agar KTP-el cepat jadi."
    )
    page.get_by_label("Anonim: sembunyikan identitas saya dari instansi").check()
    page.get_by_role("button", name="Kirim").click()
    audit(page)
    complaint = Complaint.objects.get(channel="web")
    expect(page.get_by_role("heading", level=1)).to_contain_text(complaint.tracking_number)
    follow_url = page.url
    shot(page, "follow")

    login_staff_in_browser(page, live_server, User.objects.get(username="pengaduan.batam"))
    page.goto("/kelola/pengaduan/?daftar=verifikasi")
    audit(page)
    shot(page, "queue")
    page.get_by_role("link", name=complaint.tracking_number).click()
    audit(page)
    page.get_by_role("button", name="Verifikasi dan teruskan").click()
    audit(page)
    expect(page.get_by_role("status")).to_contain_text("Tindakan telah disimpan.")

    login_staff_in_browser(page, live_server, User.objects.get(username="petugas.dukcapil"))
    page.goto("/kelola/pengaduan/?daftar=instansi")
    audit(page)
    page.get_by_role("link", name=complaint.tracking_number).click()
    audit(page)
    expect(page.get_by_text("Guest")).to_have_count(0)
    page.get_by_label("Catatan, alasan, atau tanggapan").fill(
        "Petugas loket 3 telah diperiksa; pungutan itu tidak sah dan uang Anda akan dikembalikan."
    )
    page.get_by_role("button", name="Kirim tanggapan").click()
    audit(page)
    shot(page, "staff-detail")

    page.context.clear_cookies()
    page.goto(follow_url)
    audit(page)
    expect(page.get_by_text("uang Anda akan dikembalikan")).to_be_visible()
    page.get_by_label("5 – Sangat baik").check()
    page.get_by_label("Komentar").fill("Cepat ditanggapi.")
    page.get_by_role("button", name="Kirim penilaian").click()
    audit(page)
    expect(page.get_by_text("Penilaian Anda: 5 dari 5 (Sangat baik).")).to_be_visible()
    complaint.refresh_from_db()
    assert (complaint.status, complaint.rating, complaint.is_anonymous) == ("answered", 5, True)

    page.goto("/pengaduan/")
    audit(page)
    shot(page, "public-list")
    page.get_by_role("link", name="Petugas loket meminta uang tambahan").click()
    audit(page)
    expect(page.get_by_text("Petugas loket meminta uang tambahan").first).to_be_visible()
    expect(page.get_by_text("Pelapor:")).to_have_count(0)  # never a reporter on public pages


def test_an_overdue_complaint_escalates_to_the_manager(page, live_server, audit, demo):
    complaint = submitted(title="Belum diverifikasi")
    sweep(now=complaint.due_at + datetime.timedelta(hours=1))  # time moves past the deadline
    assert Escalation.objects.filter(complaint=complaint, level=1).exists()
    login_staff_in_browser(page, live_server, User.objects.get(username="pengelola.batam"))
    page.goto("/kelola/pengaduan/?daftar=terlambat")
    audit(page)
    row = page.get_by_role("row", name=re.compile(complaint.tracking_number))
    expect(row).to_contain_text("Terlambat")
    row.get_by_role("link", name=complaint.tracking_number).click()
    audit(page)
    expect(page.get_by_text("Ke pengelola MPP")).to_be_visible()
    shot(page, "escalated")
    page.goto("/kelola/pengaduan/statistik/")
    audit(page)
    shot(page, "statistics")


def test_a_consultation_answer_appears_on_the_service_page(page, live_server, audit, demo):
    service = Service.objects.published().filter(agency__slug="disdukcapil-batam").first()
    complaint = forwarded(
        kind=Kind.CONSULTATION,
        about="service",
        service=service,
        agency=None,
        category=None,
        title="Apakah perlu surat pengantar RT untuk pindah datang?",
    )
    login_staff_in_browser(page, live_server, User.objects.get(username="petugas.dukcapil"))
    page.goto(f"/kelola/pengaduan/{complaint.pk}/")
    audit(page)
    page.get_by_label("Catatan, alasan, atau tanggapan").fill(
        "Tidak perlu; surat pengantar RT/RW tidak boleh diminta."
    )
    page.get_by_label("Jadikan tanya jawab di halaman layanan").check()
    page.get_by_role("button", name="Kirim tanggapan").click()
    audit(page)
    page.context.clear_cookies()
    page.goto(service_url(service))
    audit(page)
    faq = page.get_by_role("region", name="Tanya jawab")
    expect(faq).to_contain_text("Apakah perlu surat pengantar RT untuk pindah datang?")
    expect(faq).to_contain_text("surat pengantar RT/RW tidak boleh diminta")
    shot(page, "service-faq")


def service_url(service) -> str:
    from django.urls import reverse

    return reverse("catalog:service_detail", args=[service.pk])


# --- Every action of the complaint workflow, taken through the pages by the role that may ---


def staff_acts(page, audit, complaint, button, note="", agency=None):
    page.goto(f"/kelola/pengaduan/{complaint.pk}/")
    audit(page)
    if note:
        page.get_by_label("Catatan, alasan, atau tanggapan").fill(note)
    if agency is not None:
        page.get_by_label("Instansi tujuan").select_option(str(agency.pk))
    page.get_by_role("button", name=button).click()
    audit(page)
    expect(page.get_by_role("status")).to_contain_text("Tindakan telah disimpan.")


def reporter_acts(page, audit, complaint, button, note=""):
    page.goto(f"/pengaduan/lacak/{complaint.follow_token}/")
    audit(page)
    if note:
        page.get_by_label("Balasan atau keterangan").fill(note)
    page.get_by_role("button", name=button).click()
    audit(page)
    expect(page.get_by_role("status")).to_contain_text("Terima kasih")


@pytest.mark.walks(
    "complaint.submit",
    "complaint.verify",
    "complaint.respond",
    "complaint.reopen",
    "complaint.close",
)
def test_a_citizen_files_the_agency_answers_the_citizen_reopens_and_then_closes(
    page, live_server, audit, demo
):
    citizen = User.objects.get(nik=CITIZEN_NIK)
    login_citizen(page, live_server)
    page.goto("/")
    audit(page)
    page.get_by_role("link", name="Pengaduan saya").first.click()
    audit(page)
    page.get_by_role("link", name="Sampaikan pengaduan atau konsultasi").click()
    audit(page)
    page.get_by_label("MPP", exact=True).select_option(label="Mal Pelayanan Publik Kota Batam")
    page.get_by_role("button", name="Tampilkan instansi dan layanan").click()
    audit(page)
    page.get_by_label("Instansi tertentu").check()
    page.locator("#id_agency").select_option(str(Agency.objects.get(slug="disdukcapil-batam").pk))
    page.locator("#id_category").select_option(label="Pelayanan lambat atau melewati standar")
    page.get_by_label("Di gedung MPP").check()
    page.get_by_label("Judul", exact=True).fill("Perekaman KTP-el ditunda tiga kali")
    page.get_by_label("Isi", exact=True).fill("Tiga kali datang, tiga kali alat perekam rusak.")
    page.get_by_role("button", name="Kirim", exact=True).click()
    audit(page)
    complaint = Complaint.objects.get(reporter=citizen)
    expect(page.get_by_role("heading", level=1)).to_contain_text(complaint.tracking_number)
    expect(page.get_by_text("Pelayanan lambat atau melewati standar")).to_be_visible()
    shot(page, "walk-filed")

    login_staff_in_browser(page, live_server, User.objects.get(username="pengaduan.batam"))
    staff_acts(
        page, audit, complaint, "Verifikasi dan teruskan", note="Mohon cek alat perekam loket 2."
    )
    login_staff_in_browser(page, live_server, User.objects.get(username="petugas.dukcapil"))
    page.goto(f"/kelola/pengaduan/{complaint.pk}/")
    expect(page.get_by_text("Mohon cek alat perekam loket 2.")).to_be_visible()
    staff_acts(page, audit, complaint, "Kirim tanggapan", note="Alat perekam sudah diganti.")

    page.context.clear_cookies()
    login_citizen(page, live_server)
    reporter_acts(
        page, audit, complaint, "Balas atau buka kembali", note="Hari ini alatnya rusak lagi."
    )
    login_staff_in_browser(page, live_server, User.objects.get(username="petugas.dukcapil"))
    staff_acts(page, audit, complaint, "Kirim tanggapan", note="Kami pasang alat cadangan.")
    page.context.clear_cookies()
    login_citizen(page, live_server)
    reporter_acts(page, audit, complaint, "Selesai, tutup pengaduan")
    page.get_by_label("4 – Baik").check()
    page.get_by_role("button", name="Kirim penilaian").click()
    audit(page)
    expect(page.get_by_text("Penilaian Anda: 4 dari 5 (Baik).")).to_be_visible()
    shot(page, "walk-closed")
    complaint.refresh_from_db()
    assert complaint.status == "closed"


@pytest.mark.walks("complaint.postpone", "complaint.supplement")
def test_the_desk_asks_for_more_and_the_citizen_supplements(page, live_server, audit, demo):
    citizen = User.objects.get(nik=CITIZEN_NIK)
    complaint = submitted(reporter=citizen, title="Loket tutup lebih awal")
    login_staff_in_browser(page, live_server, User.objects.get(username="pengaduan.batam"))
    staff_acts(
        page,
        audit,
        complaint,
        "Tunda, minta keterangan",
        note="Loket instansi apa, dan jam berapa?",
    )
    page.context.clear_cookies()
    login_citizen(page, live_server)
    page.goto("/akun/pesan/")
    audit(page)
    expect(
        page.get_by_text(f"Pengaduan {complaint.tracking_number} memerlukan keterangan")
    ).to_be_visible()
    reporter_acts(
        page, audit, complaint, "Kirim keterangan", note="Loket Dukcapil, tutup pukul 13.00 WIB."
    )
    complaint.refresh_from_db()
    assert complaint.status == "submitted"


@pytest.mark.walks("complaint.refer", "complaint.archive", "complaint.reassign", "complaint.extend")
def test_the_desk_refers_archives_and_reassigns_and_the_agency_extends(
    page, live_server, audit, demo
):
    elsewhere = submitted(title="Jalan rusak di depan rumah")
    duplicate = submitted(title="Pengaduan yang sama dua kali")
    wrong_agency = forwarded(title="Antrean dokter praktik")
    question = forwarded(kind=Kind.INFORMATION, title="Berapa lama akta kelahiran terbit?")
    login_staff_in_browser(page, live_server, User.objects.get(username="pengaduan.batam"))
    staff_acts(page, audit, elsewhere, "Bukan wewenang", note="Dinas Pekerjaan Umum Kota Batam")
    staff_acts(page, audit, duplicate, "Arsipkan", note="Sama dengan pengaduan sebelumnya.")
    staff_acts(
        page,
        audit,
        wrong_agency,
        "Alihkan ke instansi lain",
        note="Izin praktik dokter ditangani Dinas Kesehatan.",
        agency=Agency.objects.get(slug="dinkes-batam"),
    )
    login_staff_in_browser(page, live_server, User.objects.get(username="petugas.dukcapil"))
    staff_acts(page, audit, question, "Perpanjang jangka waktu", note="Data perlu dicek ke pusat.")
    shot(page, "walk-extended")
    statuses = {
        c.title: (c.status, c.agency.slug if c.agency else None, c.extended)
        for c in Complaint.objects.filter(
            pk__in=[elsewhere.pk, duplicate.pk, wrong_agency.pk, question.pk]
        ).select_related("agency")
    }
    assert statuses["Jalan rusak di depan rumah"][0] == "referred"
    assert statuses["Pengaduan yang sama dua kali"][0] == "archived"
    assert statuses["Antrean dokter praktik"][:2] == ("forwarded", "dinkes-batam")
    assert statuses["Berapa lama akta kelahiran terbit?"][2] is True
