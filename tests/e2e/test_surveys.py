"""Browser journeys of the satisfaction survey (SKM): the survey before the download, the kiosk,
and the manager's IKM report with a follow-up and the XLSX."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import load_workbook

from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.cases.tests.factories import CitizenFactory, officer_for, service_with
from mpp.devices.tests.factories import register_skm_kiosk
from mpp.surveys import services
from mpp.surveys.models import FollowUp, Response
from mpp.surveys.tests.factories import answers, interval_passed, issued
from mpp.surveys.tests.test_api import manager_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("var/screenshots")

REGULATION_ANSWERS = ["Sangat sesuai", "Mudah", "Cepat", "Gratis", "Sesuai", "Kompeten"]


@pytest.fixture
def media(settings, tmp_path, live_server):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MPP_PUBLIC_BASE_URL = live_server.url


def _answer_all(page) -> None:
    """Pick an answer in every element (the third choice, "Sesuai"-like, for each)."""
    for n in range(1, 10):
        page.locator(f"label[for='U{n}-3']").click()


def test_a_citizen_answers_the_survey_then_downloads_the_issued_document(
    page, audit, media, live_server
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    service = service_with()
    services.set_download_gate(services.adopt_national(service=service), True)
    citizen = CitizenFactory()
    application = issued(service, citizen, officer_for(service))
    client = Client()
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"/permohonan/{application.pk}/")
    audit(page)
    page.get_by_role("link", name="Unduh dokumen (PDF)").click()
    page.wait_for_load_state("load")
    audit(page)
    assert page.get_by_role("heading", name="Survei kepuasan masyarakat").is_visible()
    page.screenshot(path=SHOTS / "skm-answer-360.png", full_page=True)
    # Sending with a missing element says which one, next to it, and keeps the choices.
    for n in range(1, 9):
        page.locator(f"label[for='U{n}-4']").click()
    page.evaluate("document.querySelector('form.skm-form').noValidate = true")
    page.get_by_role("button", name="Kirim jawaban dan unduh dokumen").click()
    page.wait_for_load_state("load")
    audit(page)
    assert page.get_by_text("Pilih jawaban untuk unsur Sarana dan prasarana.").first.is_visible()
    assert page.locator("#U1-4").is_checked()
    page.locator("label[for='U9-3']").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Kirim jawaban dan unduh dokumen").click()
    download = download_info.value
    assert download.suggested_filename == f"{application.tracking_number}.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")
    assert Response.objects.get().content_type is not None


def test_a_kiosk_submits_anonymous_responses_and_resets(wide_page, audit, media):
    page = wide_page
    page.set_viewport_size({"width": 768, "height": 1024})
    service = service_with()
    device, raw = register_skm_kiosk(
        mpp=service.mpp, service=service, name="Tablet loket", actor=None
    )
    page.goto("/skm/kios/")
    audit(page)
    page.get_by_label("Token perangkat").fill(raw)
    page.get_by_role("button", name="Aktifkan").click()
    page.wait_for_load_state("load")
    audit(page)
    page.screenshot(path=SHOTS / "skm-kiosk-768.png", full_page=True)
    for round_ in range(2):
        _answer_all(page)
        page.get_by_role("button", name="Kirim jawaban").click()
        page.wait_for_load_state("load")
        audit(page)
        assert page.get_by_role("heading", name="Terima kasih atas penilaian Anda").is_visible()
        if round_ == 0:
            page.screenshot(path=SHOTS / "skm-kiosk-thanks-768.png")
        interval_passed(device)  # the next visitor, after the device's interval
        page.get_by_role("link", name="Isi survei berikutnya").click()
        page.wait_for_load_state("load")
        audit(page)
        assert not page.locator("input[type=radio]:checked").count()  # a fresh form
    assert Response.objects.filter(channel="kiosk", content_type__isnull=True).count() == 2


def test_the_manager_reads_the_report_records_a_follow_up_and_downloads_the_xlsx(
    wide_page, page, audit, media, live_server
):
    service = service_with()
    device, _raw = register_skm_kiosk(mpp=service.mpp, service=service, name="Tablet", actor=None)
    services.submit_at_kiosk(device, services.Submission(answers(U9=2), "Toilet kurang bersih."))
    interval_passed(device)
    services.submit_at_kiosk(device, services.Submission(answers(U9=4)))
    manager = manager_of(service.mpp)
    for current in (page, wide_page):
        login_staff_in_browser(current, live_server, manager)
    page.goto("/kelola/skm/")
    audit(page)
    page.get_by_role("button", name="Tampilkan laporan IKM").click()
    page.wait_for_load_state("load")
    audit(page)
    page.screenshot(path=SHOTS / "skm-report-360.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, "the report fits 360 px"
    report = wide_page
    report.goto(f"/kelola/skm/laporan/?unit=mpp:{service.mpp_id}")
    audit(report)
    assert report.get_by_text("75,00").first.is_visible()  # (8 × 3 + 3) / 9 × 25
    assert report.get_by_role(
        "img", name="Nilai rata-rata (NRR) per unsur, skala 1 sampai 4"
    ).is_visible()
    report.get_by_label("Tindak lanjut").fill("Jadwal pembersihan toilet tiap dua jam.")
    report.get_by_role("button", name="Simpan tindak lanjut").click()
    report.wait_for_load_state("load")
    audit(report)
    assert report.get_by_text("Tindak lanjut saran sudah dicatat.").is_visible()
    assert FollowUp.objects.get().text == "Jadwal pembersihan toilet tiap dua jam."
    with report.expect_download() as download_info:
        report.get_by_role("link", name="Unduh tabel pengolahan (XLSX)").click()
    sheet = load_workbook(BytesIO(Path(download_info.value.path()).read_bytes())).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert next(row for row in values if row[0] == "Σ nilai per unsur")[9] == 6


def test_every_other_survey_page_is_accessible_at_360_px(page, audit, media, live_server):
    """The questionnaire, kiosk registration (on the MPP's devices page) and token, U7 per officer, the citizen's list, a
    closed link and the public service page with its latest IKM, each checked by axe."""
    import datetime

    from mpp.surveys.models import DaySum, Invitation

    service = service_with()
    citizen = CitizenFactory()
    issued(service, citizen, officer_for(service))
    last_year = datetime.date.today().year - 1
    for element, total in [("_respondents", 10)] + [(f"U{n}", 35) for n in range(1, 10)]:
        DaySum.objects.create(
            day=datetime.date(last_year, 11, 5),
            unit=f"service:{service.pk}",
            element=element,
            total=total,
            count=10,
        )

    def visit(url: str, shot: str) -> None:
        page.goto(url)
        audit(page)
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"{url} overflows 360 px"
        page.screenshot(path=SHOTS / f"{shot}.png", full_page=True)

    visit(f"/layanan/{service.pk}/", "skm-public-service-360")
    assert page.get_by_text("Indeks Kepuasan Masyarakat").is_visible()
    visit("/skm/isi/tidak-dikenal/", "skm-closed-360")
    client = Client()
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    visit("/skm/", "skm-mine-360")
    assert page.get_by_role("link", name=service.name).is_visible()
    assert Invitation.objects.filter(citizen=citizen).exists()
    page.context.clear_cookies()
    login_staff_in_browser(page, live_server, manager_of(service.mpp))
    visit(f"/kelola/skm/kuesioner/?unit=service:{service.pk}", "skm-questionnaire-360")
    page.get_by_role("button", name="Adopsi kuesioner nasional untuk unit ini").click()
    page.wait_for_load_state("load")
    audit(page)
    page.get_by_label("Bobot U1").fill("0,2")
    page.get_by_role("button", name="Terbitkan versi baru").click()
    page.wait_for_load_state("load")
    audit(page)
    assert page.get_by_text("Jumlah bobot harus tepat 1").first.is_visible()
    presence = f"agency:{service.agency_id}@{service.mpp_id}"
    visit(f"/kelola/skm/petugas/?unit={presence}", "skm-officers-360")
    visit("/kelola/skm/kios/", "skm-kiosks-360")
    page.get_by_role("link", name=f"Perangkat {service.mpp.name}").click()
    page.wait_for_load_state("load")
    audit(page)
    page.get_by_label("Jenis perangkat").select_option(label="Kios SKM")
    page.get_by_label("Nama perangkat").fill("Tablet lantai 2")
    page.get_by_label("Layanan yang dinilai (kios SKM)").select_option(label=service.name)
    page.get_by_role("button", name="Daftarkan").click()
    page.wait_for_load_state("load")
    audit(page)
    page.screenshot(path=SHOTS / "skm-kiosk-token-360.png", full_page=True)
    assert page.locator(".qr svg").is_visible()


def test_the_manager_sees_a_kiosk_burst_and_voids_it_restoring_the_ikm(
    wide_page, audit, media, live_server
):
    """Three genuine answers (IKM 77,78), then a tablet sends all-ones every 21 s: the manager
    sees the burst on the kiosk page, counts the answers of its period, voids them with a reason,
    and the report shows the IKM of before the burst again."""
    import datetime

    from django.utils import timezone

    page = wide_page
    service = service_with()
    device, _raw = register_skm_kiosk(
        mpp=service.mpp, service=service, name="Tablet pintu keluar", actor=None
    )
    now = timezone.now()
    for hours, values in ((5, answers(U1=4)), (4, answers(U2=4, U3=4)), (3, answers())):
        services.submit_at_kiosk(
            device, services.Submission(values), at=now - datetime.timedelta(hours=hours)
        )
    ones = {f"U{n}": 1 for n in range(1, 10)}
    for number in range(20):
        moment = now - datetime.timedelta(minutes=20) + datetime.timedelta(seconds=21 * number)
        services.submit_at_kiosk(device, services.Submission(ones), at=moment)
    login_staff_in_browser(page, live_server, manager_of(service.mpp))
    report = f"/kelola/skm/laporan/?unit=service:{service.pk}"
    page.goto(report)
    audit(page)
    assert page.get_by_text("31,88").first.is_visible()  # (90 + 174) / 207 × 25
    page.goto("/kelola/skm/kios/")
    audit(page)
    row = page.get_by_role("row").filter(has_text="Tablet pintu keluar")
    assert row.get_by_text("Lonjakan").is_visible()
    page.get_by_role("link", name="Kelola Tablet pintu keluar").click()
    page.wait_for_load_state("load")
    audit(page)
    assert page.get_by_text("20 jawaban dari").is_visible()
    page.get_by_role("button", name="Hitung jawaban yang akan dibatalkan").click()
    page.wait_for_load_state("load")
    audit(page)
    assert page.get_by_text("20 jawaban perangkat Tablet pintu keluar").is_visible()
    page.get_by_label("Alasan pembatalan").fill("Isian beruntun dari satu tablet pada sore hari.")
    page.get_by_role("button", name="Batalkan jawaban dan hitung ulang IKM").click()
    page.wait_for_load_state("load")
    audit(page)
    assert page.get_by_text("20 jawaban perangkat Tablet pintu keluar dibatalkan").is_visible()
    assert page.get_by_role("cell", name="Isian beruntun dari satu tablet pada sore hari.")
    page.goto(report)
    audit(page)
    assert page.get_by_text("77,78").first.is_visible()  # 28/9 × 25, as before the burst
    assert not page.get_by_text("31,88").count()
    assert Response.objects.filter(void__isnull=False).count() == 20
