"""A citizen reads their inbox, marks messages read and sets how they want to be told (360 px)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from mpp.accounts import demo as accounts_demo
from mpp.accounts.models import User
from mpp.catalog import demo as catalog_demo
from mpp.notifications import services
from mpp.notifications.models import NotificationPreference
from mpp.regions.data import load_regions
from mpp.regions.models import Province, Region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("var/screenshots")
DEMO_NIK = "2171011508900003"


@pytest.fixture
def citizen():
    if not Region.objects.filter(code="2171").exists():
        load_regions(Province, Region)  # a previous transactional test flushed the migration data
    catalog_demo.load()
    accounts_demo.load()
    user = User.objects.get(nik=DEMO_NIK)
    for number in range(20):
        services.notify(user, "test.ping", {"sent_on": datetime.date(2026, 11, 1 + number)})
    services.notify(
        user,
        "application.submitted",
        {
            "tracking_number": "2171-261127-0042",
            "service_name": "Penerbitan KTP-el",
            "due_at": datetime.datetime(2026, 12, 4, 23, 59, tzinfo=ZoneInfo("Asia/Jakarta")),
        },
        link="/akun/pesan/pengaturan/",
    )
    services.notify(
        user,
        "application.revision_requested",
        {
            "tracking_number": "2171-261127-0042",
            "service_name": "Penerbitan KTP-el",
            "reason": "Foto Kartu Keluarga tidak terbaca. Mohon unggah ulang hasil pindaian yang jelas.",
        },
        link="/akun/pesan/pengaturan/",
    )
    return user


def log_in(page, audit):
    page.goto("/akun/masuk/")
    audit(page)
    page.get_by_label("NIK atau nama pengguna").fill(DEMO_NIK)
    page.get_by_label("Kata sandi").fill(accounts_demo.DEMO_CITIZEN_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(re.compile(r"/permohonan/(#.*)?$"))  # a citizen lands on their applications
    audit(page)


def test_a_citizen_reads_the_inbox(page, audit, citizen):
    log_in(page, audit)
    nav_link = page.get_by_role("link", name="Pesan 22 belum dibaca")
    expect(nav_link).to_be_visible()

    nav_link.click()
    page.wait_for_url("**/akun/pesan/")
    audit(page)
    expect(page.get_by_role("heading", name="Kotak pesan", level=1)).to_be_visible()
    expect(page.get_by_text("22 pesan belum dibaca.")).to_be_visible()
    items = page.locator(".inbox-item")
    expect(items).to_have_count(20)
    expect(items.first).to_contain_text("Permohonan 2171-261127-0042 perlu diperbaiki")
    expect(items.first).to_contain_text("Baru")
    page.screenshot(path=str(SCREENSHOTS / "notifications-inbox-360.png"), full_page=True)

    page.get_by_role("link", name="Berikutnya").click()
    audit(page)
    expect(page.get_by_text("Halaman 2 dari 2")).to_be_visible()
    expect(page.locator(".inbox-item")).to_have_count(2)
    page.get_by_role("link", name="Sebelumnya").click()
    audit(page)

    page.get_by_role("link", name=re.compile("perlu diperbaiki")).click()
    audit(page)
    expect(
        page.get_by_role("heading", name="Permohonan 2171-261127-0042 perlu diperbaiki")
    ).to_be_visible()
    expect(page.get_by_text("Foto Kartu Keluarga tidak terbaca.")).to_be_visible()
    expect(page.get_by_role("link", name="Pesan 21 belum dibaca")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "notifications-message-360.png"), full_page=True)

    page.get_by_role("link", name="Kembali ke kotak pesan").click()
    audit(page)
    expect(page.locator(".inbox-item--unread")).to_have_count(19)
    page.get_by_role("button", name="Tandai semua sudah dibaca").click()
    audit(page)
    expect(page.get_by_text("Semua pesan sudah ditandai dibaca.")).to_be_visible()
    expect(page.locator(".inbox-item--unread")).to_have_count(0)
    expect(page.get_by_role("link", name="Pesan", exact=True)).to_be_visible()


def test_a_citizen_sets_notification_preferences(page, audit, citizen):
    log_in(page, audit)
    page.goto("/akun/pesan/")
    audit(page)
    page.get_by_role("link", name="Pengaturan pemberitahuan").click()
    audit(page)
    expect(page.get_by_text("Akun Anda belum mempunyai nomor telepon.").first).to_be_visible()
    expect(page.get_by_label("Kirim lewat SMS")).not_to_be_checked()

    page.get_by_label("Kirim lewat WhatsApp").check()
    page.get_by_role("button", name="Simpan pengaturan").click()
    audit(page)
    expect(page.get_by_role("heading", name="Ada yang perlu diperbaiki")).to_be_visible()
    page.screenshot(
        path=str(SCREENSHOTS / "notifications-preferences-error-360.png"), full_page=True
    )
    assert not NotificationPreference.objects.filter(user=citizen).exists()

    page.get_by_label("Kirim lewat WhatsApp").uncheck()
    page.get_by_label("Bahasa pesan").select_option("en")
    page.get_by_role("button", name="Simpan pengaturan").click()
    audit(page)
    expect(page.get_by_text("Pengaturan pemberitahuan sudah disimpan.")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "notifications-preferences-360.png"), full_page=True)
    preference = NotificationPreference.objects.get(user=citizen)
    assert (preference.language, preference.email_enabled, preference.whatsapp_enabled) == (
        "en",
        True,
        False,
    )
