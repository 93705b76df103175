"""The Batam regional admin declares a regional holiday, sees it listed, then removes it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mpp.accounts import demo as accounts_demo
from mpp.accounts.models import User
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.catalog import demo as catalog_demo
from mpp.regions.data import load_regions
from mpp.regions.models import CalendarOverride, Province, Region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def batam_admin():
    if not Region.objects.filter(code="2171").exists():
        load_regions(Province, Region)  # a previous transactional test flushed the migration data
    catalog_demo.load()
    accounts_demo.load()
    return User.objects.get(username="admin.batam")


def test_regional_admin_adds_and_removes_a_regional_holiday(
    wide_page, live_server, audit, batam_admin
):
    page = wide_page
    login_staff_in_browser(page, live_server, batam_admin)
    page.goto("/kelola/kalender/")
    audit(page)
    page.goto("/kelola/kalender/2171/2026/")
    audit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kalender hari kerja Kota Batam 2026")
    expect(page.get_by_role("row", name=re.compile("17 Agustus 2026"))).to_contain_text(
        "Hari Kemerdekaan Republik Indonesia"
    )

    page.get_by_label("Tanggal").fill("2026-12-18")
    page.get_by_label("Jenis hari").select_option("day_off")
    page.get_by_role("button", name="Simpan pengecualian").click()
    audit(page)
    expect(page.get_by_role("alert")).to_contain_text("Tuliskan alasannya")
    assert not CalendarOverride.objects.exists()
    page.screenshot(path="var/screenshots/calendar-error.png", full_page=True)

    page.get_by_label("Alasan").fill("Hari jadi Kota Batam")
    page.get_by_role("button", name="Simpan pengecualian").click()
    audit(page)
    expect(page.get_by_role("status")).to_contain_text("18 Desember 2026 telah disimpan")
    row = page.get_by_role("row", name=re.compile("18 Desember 2026"))
    expect(row).to_contain_text("Hari jadi Kota Batam")
    expect(row).to_contain_text("Libur daerah")
    page.screenshot(path="var/screenshots/calendar-year.png", full_page=True)

    row.get_by_role("button", name="Hapus pengecualian 18 Desember 2026").click()
    audit(page)
    expect(page.get_by_role("status")).to_contain_text("18 Desember 2026 telah dihapus")
    expect(page.get_by_role("row", name=re.compile("18 Desember 2026"))).to_have_count(0)
    assert not CalendarOverride.objects.exists()


def test_the_calendar_page_works_on_a_narrow_screen(page, live_server, audit, batam_admin):
    login_staff_in_browser(page, live_server, batam_admin)
    page.goto("/kelola/kalender/2171/2025/")
    audit(page)
    expect(page.get_by_role("row", name=re.compile("26 Desember 2025"))).to_contain_text(
        "Cuti bersama"
    )
    page.screenshot(path="var/screenshots/calendar-360.png", full_page=True)


def test_the_ministry_cancels_a_cuti_bersama_nationwide(wide_page, live_server, audit, batam_admin):
    page = wide_page
    login_staff_in_browser(page, live_server, User.objects.get(username="admin.kemenpanrb"))
    page.goto("/kelola/kalender/")
    audit(page)
    page.screenshot(path="var/screenshots/calendar-index-ministry.png", full_page=True)
    page.get_by_label("Kabupaten/kota").select_option("nasional")
    page.get_by_role("button", name="Buka kalender").click()
    audit(page)
    page.goto("/kelola/kalender/nasional/2025/")
    audit(page)
    page.get_by_label("Tanggal").fill("2025-12-26")
    page.get_by_label("Jenis hari").select_option("working_day")
    page.get_by_label("Alasan").fill("Revisi SKB cuti bersama 2025")
    page.get_by_role("button", name="Simpan pengecualian").click()
    audit(page)
    expect(page.get_by_role("status")).to_contain_text("26 Desember 2025 telah disimpan")

    page.goto("/kelola/kalender/2171/2025/")
    audit(page)
    row = page.get_by_role("row", name=re.compile("26 Desember 2025"))
    expect(row).to_contain_text("Hari kerja (pengecualian nasional)")
    expect(row.get_by_role("button")).to_have_count(0)  # removed on the national page only
    page.screenshot(path="var/screenshots/calendar-national-override.png", full_page=True)
