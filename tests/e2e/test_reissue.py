"""Re-issuing a document in the browser: the officer of the agency replaces the application's
document with a reason; the applicant sees the new document and both events in the timeline, and
the old document's verification page names its successor (axe on every page)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.cases import services
from mpp.cases.tests.factories import (
    VALID_DATA,
    CitizenFactory,
    officer_for,
    pdf_upload,
    service_with,
)
from mpp.documents import services as document_services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("var/screenshots")
REASON = "Penanda tangan pada dokumen lama keliru."


def test_the_officer_reissues_and_the_applicant_reads_it(
    page, wide_page, live_server, audit, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MPP_PUBLIC_BASE_URL = live_server.url
    service = service_with()
    authority = document_services.ensure_demo_authority()
    document_services.ensure_signing_credential(service.agency, authority=authority)
    citizen = CitizenFactory()
    officer = officer_for(service, name="Rina Wulandari")
    application = services.start_application(applicant=citizen, service=service)
    services.update_draft(application, actor=citizen, data=VALID_DATA)
    services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload())
    services.submit_application(application, actor=citizen)
    services.claim_application(application, actor=officer)
    services.approve_application(application, actor=officer)
    services.issue_application(application, actor=officer)
    application.refresh_from_db()
    old = application.issued_document
    assert old is not None

    login_staff_in_browser(wide_page, live_server, officer)
    wide_page.goto(f"/kelola/permohonan/{application.pk}/")
    audit(wide_page)
    wide_page.get_by_role("link", name="Terbitkan ulang…").click()
    audit(wide_page)
    expect(wide_page.get_by_text(f"Dokumen {old.number} akan dicabut")).to_be_visible()
    wide_page.get_by_label("Alasan penerbitan ulang").fill("   ")  # blank: refused, nothing done
    wide_page.get_by_role("button", name="Ya, terbitkan ulang").click()
    audit(wide_page)
    expect(wide_page.get_by_text("Ada yang perlu diperbaiki")).to_be_visible()
    wide_page.get_by_label("Alasan penerbitan ulang").fill(REASON)
    wide_page.get_by_role("button", name="Ya, terbitkan ulang").click()
    wide_page.wait_for_url(f"**/kelola/permohonan/{application.pk}/")
    audit(wide_page)
    application.refresh_from_db()
    new = application.issued_document
    assert new.pk != old.pk and new.replaces_id == old.pk
    expect(wide_page.get_by_text(f"Dokumen baru {new.number} telah diterbitkan")).to_be_visible()
    expect(
        wide_page.get_by_text(f"Dokumen {new.number} diterbitkan ulang menggantikan {old.number}")
    ).to_be_visible()
    wide_page.screenshot(path=SCREENSHOTS / "document-reissued-officer.png", full_page=True)

    # The applicant, on a phone.
    client = Client()
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"/permohonan/{application.pk}/")
    audit(page)
    expect(
        page.get_by_text(re.compile(f"diterbitkan ulang menggantikan {old.number}"))
    ).to_be_visible()
    expect(page.get_by_text(f"Dokumen {old.number} dicabut")).to_be_visible()

    page.goto(f"/verifikasi/{old.verification_code}/")
    audit(page)
    expect(page.get_by_role("heading", name="Dokumen ini telah dicabut")).to_be_visible()
    expect(
        page.get_by_text(re.compile(f"diganti dengan dokumen nomor {new.number}"))
    ).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "document-reissued-old-verify-360.png", full_page=True)
