"""The Batam regional admin configures the Dukcapil connector and reads its health, in both
languages; a citizen registering with a Batam NIK then sees the check on the profile."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mpp.accounts import demo as accounts_demo
from mpp.accounts.models import User
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.catalog import demo as catalog_demo
from mpp.integrations import services as integrations_services
from mpp.integrations.dukcapil import SIMULATOR_PASSWORD, SIMULATOR_USER
from mpp.integrations.models import ConnectorConfig, Verification
from mpp.regions.data import load_regions
from mpp.regions.models import Province, Region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def batam_admin(settings):
    if not Region.objects.filter(code="2171").exists():
        load_regions(Province, Region)
    catalog_demo.load()
    accounts_demo.load()
    return User.objects.get(username="admin.batam")


def test_regional_admin_configures_dukcapil_and_reads_its_health(
    browser_page, live_server, audit, batam_admin, settings
):
    settings.MPP_SIMULATORS = True
    settings.MPP_PUBLIC_BASE_URL = live_server.url
    page = browser_page(wide=True)
    login_staff_in_browser(page, live_server, batam_admin)
    page.goto("/kelola/integrasi/")
    audit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Integrasi: kesehatan konektor")
    page.get_by_role("link", name=re.compile("Dukcapil.*Kota Batam")).click()
    audit(page)

    page.get_by_label("Aktifkan konektor").check()
    page.get_by_role("button", name="Simpan").click()
    audit(page)
    expect(page.get_by_role("alert")).to_contain_text("Wajib diisi untuk konektor yang aktif.")

    page.get_by_label("ID pengguna (dari PKS dengan Dukcapil)").fill(SIMULATOR_USER)
    page.get_by_label("Kata sandi").fill(SIMULATOR_PASSWORD)
    page.get_by_role("button", name="Simpan").click()
    audit(page)
    expect(page.get_by_role("status")).to_contain_text("Konfigurasi konektor disimpan.")
    row = page.get_by_role("row", name=re.compile("Kota Batam"))
    expect(row).to_contain_text("normal")
    assert ConnectorConfig.objects.get(region_id="2171").enabled

    # The secret is never shown back.
    page.get_by_role("link", name=re.compile("Atur Dukcapil")).click()
    audit(page)
    expect(page.get_by_label("Kata sandi")).to_have_value("")
    assert SIMULATOR_PASSWORD not in page.content()

    english = browser_page(language="en", wide=True)
    login_staff_in_browser(english, live_server, batam_admin)
    english.goto("/kelola/integrasi/")
    audit(english)
    expect(english.get_by_role("heading", level=1)).to_have_text("Integrations: connector health")
    expect(english.get_by_role("columnheader", name="Latency p50 / p95")).to_be_visible()


def test_a_citizen_registering_with_a_batam_nik_sees_the_dukcapil_check(
    page, live_server, audit, batam_admin, settings
):
    from mpp.integrations import demo as integrations_demo

    settings.MPP_SIMULATORS = True
    settings.MPP_PUBLIC_BASE_URL = live_server.url
    integrations_demo.load()
    nik, name = "3171010202850001", "Agus Setiawan"  # known to the simulator (a Jakarta NIK)
    ConnectorConfig.objects.filter(region_id="2171").update(region_id=None)  # national default
    integrations_services.configs_changed()  # .update() sends no signal to the cached configs
    page.goto("/akun/daftar/")
    audit(page)
    page.locator("#id_nik").fill(nik)
    page.locator("#id_name").fill(name)
    page.locator("#id_birth_date").fill("1985-02-02")
    page.locator("#id_consent").check()
    page.locator("#id_password").fill("Kata-Sandi-Kuat-2026")
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/akun/daftar/diterima/"))
    audit(page)
    assert Verification.objects.get().state == "matched"

    page.goto("/akun/masuk/")
    audit(page)
    page.get_by_label("NIK atau nama pengguna").fill(nik)
    page.get_by_label("Kata sandi").fill("Kata-Sandi-Kuat-2026")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state("load")
    audit(page)
    page.goto("/akun/profil/")
    audit(page)
    section = page.get_by_role("region", name="Verifikasi NIK ke Dukcapil")
    expect(section).to_contain_text("Terverifikasi")
    expect(page.get_by_text("Pemeriksaan NIK ke Dukcapil")).to_be_visible()


def test_a_citizen_starting_an_application_finds_the_dukcapil_fields_filled_in(
    page, live_server, audit, batam_admin, settings
):
    from django.test import Client

    from mpp.cases.tests.factories import service_with
    from mpp.integrations import demo as integrations_demo

    settings.MPP_SIMULATORS = True
    settings.MPP_PUBLIC_BASE_URL = live_server.url
    integrations_demo.load()
    service = service_with(
        form_definition=[
            {"name": "nama", "type": "text", "label": "Nama lengkap", "prefill": "dukcapil_name"},
            {"name": "kk", "type": "text", "label": "Nomor KK", "prefill": "dukcapil_kk_number"},
            {"name": "keperluan", "type": "text", "label": "Keperluan"},
        ]
    )
    budi = User.objects.get(nik="2171011508900003")
    client = Client()
    client.force_login(budi, backend="mpp.accounts.backends.NikOrUsernameBackend")
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"/permohonan/baru/{service.slug}/")
    audit(page)
    page.get_by_role("button", name="Mulai permohonan").click()
    page.wait_for_url(re.compile(r"/langkah/1/$"))
    audit(page)
    expect(page.get_by_label("Nama lengkap")).to_have_value("BUDI SANTOSO")
    expect(page.get_by_label("Nomor KK")).to_have_value("2171010101900001")
    expect(page.get_by_text("dari Dukcapil")).to_have_count(2)

    page.goto("/akun/profil/")
    audit(page)
    expect(
        page.get_by_text("Data kependudukan dari Dukcapil untuk mengisi formulir")
    ).to_be_visible()
