"""Browser journeys around an issued document: scan the QR, check the file, see a revocation."""

from __future__ import annotations

import datetime
import re
from io import BytesIO
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.documents import services
from mpp.documents.tests.factories import PresenceFactory, officer_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("var/screenshots")


@pytest.fixture
def issued(live_server, settings, tmp_path):
    """A signed practice permit whose QR code points at the live server."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MPP_PUBLIC_BASE_URL = live_server.url
    presence = PresenceFactory(agency__name="Dinas Kesehatan Kota Batam")
    services.create_demo_pki()
    document = services.issue_document(
        source_key="e2e:1",
        source_obj=None,
        title="Surat Izin Praktik Dokter",
        holder_name="dr. Siti Rahmawati",
        holder_nik="2171054708900003",
        issuer=presence.agency,
        context={"details": [("Tempat praktik", "RSUD Embung Fatimah")]},
        valid_until=datetime.date(2031, 11, 27),
    )
    pdf_path = tmp_path / "SIP-dr-Siti-Rahmawati.pdf"
    with document.file.open("rb") as handle:
        pdf_path.write_bytes(handle.read())
    return presence, document, pdf_path


def url_printed_on(pdf_path: Path) -> str:
    text = PdfReader(BytesIO(pdf_path.read_bytes())).pages[0].extract_text().replace("\n", "")
    match = re.search(r"(http://\S+?/verifikasi/[A-Za-z0-9_-]+/)", text)
    assert match, "the verification URL is printed on the document"
    return match.group(1)


def test_a_citizen_follows_the_qr_link_and_checks_the_downloaded_file(page, audit, issued):
    _, document, pdf_path = issued

    page.goto(url_printed_on(pdf_path))
    audit(page)
    assert page.get_by_role("heading", name="Dokumen ini sah").is_visible()
    assert page.get_by_text(document.number).is_visible()
    assert page.get_by_text("2171********0003").is_visible()
    assert page.get_by_text(document.sha256).is_visible()
    page.screenshot(path=SCREENSHOTS / "document-verify-valid-360.png", full_page=True)

    page.get_by_label("Berkas PDF yang ingin diperiksa").set_input_files(str(pdf_path))
    page.get_by_role("button", name="Periksa berkas").click()
    audit(page)
    expect(page.get_by_text("Berkas cocok.")).to_be_in_viewport()  # the page opens at the result
    page.screenshot(path=SCREENSHOTS / "document-verify-match-360.png")

    other = pdf_path.with_name("lain.pdf")
    other.write_bytes(pdf_path.read_bytes() + b"\n% diubah\n")
    page.get_by_label("Berkas PDF yang ingin diperiksa").set_input_files(str(other))
    page.get_by_role("button", name="Periksa berkas").click()
    audit(page)
    assert page.get_by_text("Berkas tidak cocok.").is_visible()


def test_an_officer_revokes_and_the_public_page_says_so(page, audit, issued, live_server):
    presence, document, pdf_path = issued
    login_staff_in_browser(page, live_server, officer_of(presence))
    url = url_printed_on(pdf_path)

    page.goto(url)
    audit(page)
    page.get_by_role("button", name="Cabut dokumen").click()
    audit(page)
    assert page.get_by_text("Alasan pencabutan wajib diisi.").first.is_visible()
    page.screenshot(path=SCREENSHOTS / "document-revoke-error-360.png", full_page=True)
    page.get_by_label("Alasan pencabutan").fill("Tempat praktik sudah tidak beroperasi.")
    page.get_by_role("button", name="Cabut dokumen").click()
    audit(page)
    assert page.get_by_role("heading", name="Cabut dokumen?").is_visible()  # confirmation step
    page.screenshot(path=SCREENSHOTS / "document-revoke-confirm-360.png", full_page=True)
    page.get_by_role("button", name="Ya, cabut dokumen").click()
    audit(page)
    assert page.get_by_text(f"Dokumen {document.number} telah dicabut.").is_visible()

    page.context.clear_cookies()
    page.goto(url)
    audit(page)
    assert page.get_by_role("heading", name="Dokumen ini telah dicabut").is_visible()
    assert page.get_by_text("Tempat praktik sudah tidak beroperasi.").is_visible()
    assert page.get_by_role("button", name="Cabut dokumen").count() == 0
    page.screenshot(path=SCREENSHOTS / "document-verify-revoked-360.png", full_page=True)


def test_an_unknown_code_shows_a_clear_not_found_page(page, audit, issued):
    page.goto("/verifikasi/kode-palsu-yang-tidak-pernah-diterbitkan/")
    audit(page)
    assert page.get_by_role("heading", name="Dokumen tidak ditemukan").is_visible()
    page.screenshot(path=SCREENSHOTS / "document-verify-unknown-360.png", full_page=True)
