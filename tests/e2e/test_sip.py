"""The SIP journey with SATUSEHAT SDMK (issue 25, item 4), across roles and in the browser (axe on
every page): a doctor applies, the check runs against the simulator over HTTP, the Dinkes officer
sees "cocok" with the IHS number and the STR's validity and issues the permit, the doctor
downloads it; a NIK that is no health worker is held with the reason; with SATUSEHAT down the
officer sees "tidak dapat dicek" and on day 5 the permit is issued automatically."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from mpp.accounts.models import User
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.cases.models import Application
from mpp.catalog.models import Service
from mpp.deadlines import services as clock
from mpp.integrations import demo as integrations_demo
from mpp.integrations import satusehat
from mpp.integrations import services as integrations_services
from mpp.integrations.models import ConnectorConfig, Verification
from tests.e2e.test_applications import (
    CITIZEN_NIK,
    WIB,
    _submitted_sip,
    click,
    demo,  # noqa: F401 - the fixture
    go,
    login_citizen,
    send_sip_steps,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SITI = "2171055204950001"  # demo citizen, a doctor in the simulator (lifetime STR)


@pytest.fixture
def satusehat_demo(demo, settings):  # noqa: F811 - the fixture imported above
    """The demo's Batam SATUSEHAT client, talking to the simulator on the live server."""
    settings.MPP_SIMULATORS = True
    integrations_demo.load()
    return demo


@pytest.mark.walks(
    "application.submit", "application.claim", "application.approve", "application.issue"
)
def test_a_doctor_applies_the_officer_sees_the_check_and_issues_the_permit(
    page, wide_page, browser_page, audit, satusehat_demo, live_server
):
    files = satusehat_demo
    sip = Service.objects.get(slug="batam-sip-dokter")
    login_citizen(page, live_server, nik=SITI)
    go(page, audit, f"/layanan/{sip.pk}/")
    click(page, audit, "Ajukan permohonan", role="link")
    click(page, audit, "Mulai permohonan")
    page.get_by_label("Nama lengkap").fill("Siti Rahmawati")
    page.get_by_label("NIK").fill(SITI)
    page.get_by_label("Nomor telepon").fill("081234567891")
    click(page, audit, "Simpan dan lanjutkan")
    send_sip_steps(page, audit, files, str_number="3121100220145199")
    application = Application.objects.get(applicant__nik=SITI)
    expect(page.get_by_text(application.tracking_number)).to_be_visible()
    # The check ran after the submission's commit, against the simulator over HTTP.
    assert Verification.objects.get(purpose=f"sip:{application.pk}").state == "matched"

    officer = wide_page
    login_staff_in_browser(officer, live_server, User.objects.get(username="petugas.dinkes"))
    go(officer, audit, f"/kelola/permohonan/{application.pk}/")
    check = officer.get_by_role("definition").filter(has_text="nomor IHS")
    expect(check).to_contain_text("cocok — nomor IHS 10009880728")
    expect(check).to_contain_text("STR 3121100220145199 berlaku seumur hidup")
    click(officer, audit, "Tangani permohonan ini")
    click(officer, audit, "Setujui")
    click(officer, audit, "Pratinjau dan terbitkan dokumen", role="link")
    click(officer, audit, "Tandatangani dan terbitkan")
    expect(officer.get_by_text("Dokumen terbit").first).to_be_visible()

    go(page, audit, f"/permohonan/{application.pk}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh dokumen (PDF)").click()
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF-")

    # The health page shows the connector, its calls made and nothing personal.
    admin = browser_page(wide=True)
    login_staff_in_browser(admin, live_server, User.objects.get(username="admin.batam"))
    go(admin, audit, "/kelola/integrasi/")
    row = admin.get_by_role("row", name=re.compile("SATUSEHAT SDMK"))
    expect(row).to_contain_text("normal")
    expect(row).to_contain_text("0% dari 2 panggilan")


def test_a_nik_that_is_no_health_worker_is_held_with_the_reason(
    page, wide_page, audit, satusehat_demo, live_server
):
    budi = User.objects.get(nik=CITIZEN_NIK)  # a demo citizen, no health worker
    application = _submitted_sip(budi)
    application.refresh_from_db()
    assert application.status == "revision_requested"

    login_citizen(page, live_server)
    go(page, audit, f"/permohonan/{application.pk}/")
    expect(page.get_by_role("heading", name="Permohonan ditahan")).to_be_visible()
    expect(
        page.get_by_text(
            "NIK Anda tidak terdaftar sebagai tenaga kesehatan di SATUSEHAT SDMK"
        ).first
    ).to_be_visible()

    officer = wide_page
    login_staff_in_browser(officer, live_server, User.objects.get(username="petugas.dinkes"))
    go(officer, audit, f"/kelola/permohonan/{application.pk}/")
    expect(officer.get_by_role("definition").filter(has_text="tidak cocok")).to_contain_text(
        "NIK tidak terdaftar sebagai tenaga kesehatan"
    )


def test_satusehat_down_the_officer_sees_it_and_day_five_issues_the_permit(
    page, wide_page, audit, satusehat_demo, live_server, monkeypatch
):
    # SATUSEHAT cannot be reached (nothing listens on port 9).
    ConnectorConfig.objects.filter(connector=satusehat.KEY).update(endpoint="http://127.0.0.1:9/")
    integrations_services.configs_changed()  # .update() sends no signal to the cached configs
    siti = User.objects.get(nik=SITI)
    monday = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=WIB)
    monkeypatch.setattr("django.utils.timezone.now", lambda: monday)
    application = _submitted_sip(siti)
    application.refresh_from_db()
    assert application.status == "submitted"
    assert Verification.objects.get(purpose=f"sip:{application.pk}").state == "unavailable"
    monkeypatch.undo()

    officer = wide_page
    login_staff_in_browser(officer, live_server, User.objects.get(username="petugas.dinkes"))
    go(officer, audit, f"/kelola/permohonan/{application.pk}/")
    expect(officer.get_by_role("definition").filter(has_text="tidak dapat dicek")).to_contain_text(
        "SATUSEHAT tidak dapat dihubungi; dicek ulang otomatis."
    )

    # The fifth working day ends without a decision: fiktif positif.
    day_six = datetime.datetime(2026, 12, 8, 0, 1, tzinfo=WIB)
    monkeypatch.setattr("django.utils.timezone.now", lambda: day_six)
    clock.sweep()
    monkeypatch.undo()
    application.refresh_from_db()
    assert application.status == "issued" and application.auto_approved

    login_citizen(page, live_server, nik=SITI)
    go(page, audit, f"/permohonan/{application.pk}/")
    expect(page.get_by_text("Disetujui otomatis").first).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh dokumen (PDF)").click()
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF-")
