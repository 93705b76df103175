"""Browser journeys of the service catalog, with axe on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mpp.accounts.models import User
from mpp.accounts.tests.factories import load_demo as load_demo_data
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.catalog.models import Service
from mpp.regions.data import load_regions
from mpp.regions.models import Province, Region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = "var/screenshots"


def load_demo() -> None:
    if not Region.objects.filter(code="2171").exists():
        load_regions(Province, Region)  # a previous transactional test flushed the migration data
    load_demo_data()


def test_citizen_finds_akta_kelahiran_from_the_home_page(page, audit):
    load_demo()
    page.goto("/")
    audit(page)
    search = page.get_by_label(re.compile("Cari layanan, misalnya")).last
    search.fill("akta kelahiran")
    search.press("Enter")
    page.wait_for_url(re.compile(r"/cari/\?q=akta"))
    audit(page)
    expect(page.get_by_role("status")).to_contain_text("layanan ditemukan untuk “akta kelahiran”")
    page.screenshot(path=f"{SHOTS}/catalog-search-360.png", full_page=True)
    first = page.locator(".service-card").first
    expect(first).to_contain_text("Mal Pelayanan Publik Kota Batam")
    first.get_by_role("link", name="Penerbitan akta kelahiran").click()
    page.wait_for_url(re.compile(r"/layanan/\d+/$"))
    audit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Penerbitan akta kelahiran")
    requirements = page.get_by_role("region", name="Persyaratan")
    expect(requirements).to_contain_text("Surat keterangan kelahiran")
    expect(requirements).to_contain_text("Tidak memerlukan surat pengantar RT/RW")
    facts = page.locator(".summary-list").first
    expect(facts).to_contain_text("1 jam")
    expect(facts).to_contain_text("Gratis")
    page.screenshot(path=f"{SHOTS}/catalog-service-360.png", full_page=True)


def test_citizen_browses_the_mpp_directory(page, audit):
    load_demo()
    page.goto("/mpp/")
    audit(page)
    page.get_by_label("Provinsi").select_option(label="Kepulauan Riau")
    page.get_by_role("button", name="Terapkan").click()
    audit(page)
    expect(page.get_by_role("link", name="Mal Pelayanan Publik Kota Yogyakarta")).to_have_count(0)
    page.screenshot(path=f"{SHOTS}/catalog-mpp-list-360.png", full_page=True)
    page.get_by_role("link", name="Mal Pelayanan Publik Kota Batam").click()
    audit(page)
    expect(page.get_by_role("table")).to_contain_text("08.00–16.00 WIB")
    expect(page.get_by_role("region", name="Fasilitas")).to_contain_text("Ruang laktasi")
    page.get_by_text("Dinas Kependudukan dan Pencatatan Sipil Kota Batam").click()
    expect(
        page.get_by_role("link", name="Aktivasi Identitas Kependudukan Digital (IKD)")
    ).to_be_visible()
    page.screenshot(path=f"{SHOTS}/catalog-mpp-detail-360.png", full_page=True)
    page.goto("/layanan/?category=perizinan_kesehatan&free=on")
    audit(page)
    expect(page.get_by_role("status")).to_contain_text("8 layanan")
    page.screenshot(path=f"{SHOTS}/catalog-list-360.png", full_page=True)


def test_agency_admin_publishes_a_new_version_and_the_old_stays_readable(
    wide_page, live_server, audit
):
    page = wide_page
    load_demo()
    admin = User.objects.get(username="admin.dukcapil")
    service = Service.objects.get(slug="batam-akta-kelahiran")
    login_staff_in_browser(page, live_server, admin)
    page.goto("/kelola/layanan/")
    audit(page)
    expect(page.get_by_role("table")).not_to_contain_text("Paspor")
    page.screenshot(path=f"{SHOTS}/catalog-manage-list.png", full_page=True)
    page.get_by_role("link", name="Penerbitan akta kelahiran").click()
    audit(page)
    page.get_by_role("button", name="Buat draf versi baru").click()
    audit(page)
    requirements = page.get_by_label("Persyaratan", exact=True)
    requirements.fill(requirements.input_value() + "\nKTP-el kedua orang tua (cukup diperlihatkan)")
    page.get_by_label("Catatan perubahan").fill("Menambahkan KTP-el orang tua.")
    page.screenshot(path=f"{SHOTS}/catalog-manage-edit.png", full_page=True)
    page.get_by_role("button", name="Simpan dan pratinjau").click()
    audit(page)
    expect(page.get_by_role("region", name="Persyaratan")).to_contain_text("KTP-el kedua orang tua")
    expect(page.locator(".notice--warning")).to_contain_text("belum terbit")
    page.screenshot(path=f"{SHOTS}/catalog-manage-preview.png", full_page=True)
    page.get_by_role("link", name="Terbitkan").click()
    audit(page)
    page.screenshot(path=f"{SHOTS}/catalog-manage-publish.png", full_page=True)
    page.get_by_role("button", name="Terbitkan sekarang").click()
    audit(page)
    expect(page.get_by_text("Versi 2 diterbitkan.")).to_be_visible()
    page.get_by_role("link", name="Riwayat versi").click()
    audit(page)
    expect(page.get_by_role("heading", name=re.compile("^Versi 2"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Versi 1"))).to_be_visible()
    expect(page.locator(".diff").first).to_contain_text("KTP-el kedua orang tua")
    page.screenshot(path=f"{SHOTS}/catalog-manage-history.png", full_page=True)
    page.get_by_role("link", name="Baca versi 1 seperti yang dilihat warga").click()
    audit(page)
    expect(page.get_by_text("sudah tidak berlaku")).to_be_visible()
    expect(page.get_by_role("region", name="Persyaratan")).not_to_contain_text("KTP-el kedua")
    page.goto(f"/layanan/{service.pk}/")
    audit(page)
    expect(page.get_by_role("region", name="Persyaratan")).to_contain_text("KTP-el kedua")


def test_back_office_create_templates_and_retire_pages(wide_page, live_server, audit):
    page = wide_page
    load_demo()
    login_staff_in_browser(page, live_server, User.objects.get(username="admin.dukcapil"))
    page.goto("/kelola/layanan/baru/")
    audit(page)
    page.get_by_role("button", name="Simpan draf").click()
    audit(page)
    expect(page.locator(".error-summary")).to_contain_text("Nama layanan")
    page.screenshot(path=f"{SHOTS}/catalog-manage-create-errors.png", full_page=True)
    page.goto("/kelola/layanan/templat/")
    audit(page)
    page.screenshot(path=f"{SHOTS}/catalog-manage-templates.png", full_page=True)
    page.locator(".service-card", has_text="Penerbitan akta kematian").get_by_role(
        "button", name="Adopsi"
    ).click()
    audit(page)
    expect(page.get_by_text("Templat diadopsi sebagai draf")).to_be_visible()
    service = Service.objects.get(slug="batam-ktp-el-rusak")
    page.goto(f"/kelola/layanan/{service.pk}/hentikan/")
    audit(page)
    page.get_by_role("button", name="Ya, hentikan layanan").click()
    audit(page)
    expect(page.get_by_text("Dihentikan sejak")).to_be_visible()
