"""The Batam MPP manager opens the MPP on Saturday morning; the Disdukcapil admin sets the agency's
Friday counter hours inside the MPP's, in English. Both through the workspace menu, axe on each page."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from mpp.accounts import demo as accounts_demo
from mpp.accounts.models import User
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.catalog import demo as catalog_demo
from mpp.regions.data import load_regions
from mpp.regions.models import Province, Region
from mpp.tenancy.models import CounterHours, OpeningHours

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BATAM = "Mal Pelayanan Publik Kota Batam"
DUKCAPIL = "Dinas Kependudukan dan Pencatatan Sipil Kota Batam"


@pytest.fixture
def demo_staff():
    if not Region.objects.filter(code="2171").exists():
        load_regions(Province, Region)  # a previous transactional test flushed the migration data
    catalog_demo.load()
    accounts_demo.load()


def test_the_mpp_manager_opens_saturday_morning(wide_page, live_server, audit, demo_staff):
    page = wide_page
    login_staff_in_browser(page, live_server, User.objects.get(username="pengelola.batam"))
    page.goto("/akun/kerja/")
    audit(page)
    page.get_by_role("link", name="Jam layanan MPP dan jam loket instansi").click()
    audit(page)
    page.get_by_role("link", name=f"Ubah jam layanan {BATAM}").click()
    audit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Jam layanan {BATAM}")
    expect(page.get_by_label("Istirahat mulai Jumat")).to_have_value("11:30")

    page.get_by_label("Buka pada hari Sabtu").check()
    page.get_by_label("Jam buka Sabtu").fill("08.00")
    page.get_by_label("Jam tutup Sabtu").fill("07.00")
    page.get_by_role("button", name="Simpan jam layanan").click()
    audit(page)
    expect(page.get_by_role("alert")).to_contain_text("Jam tutup harus sesudah jam buka.")
    assert not OpeningHours.objects.filter(mpp__slug="mpp-kota-batam", weekday=5).exists()
    page.screenshot(path="var/screenshots/hours-mpp-error.png", full_page=True)

    page.get_by_label("Jam tutup Sabtu").fill("12.00")
    page.get_by_role("button", name="Simpan jam layanan").click()
    audit(page)
    expect(page.get_by_role("status")).to_contain_text(f"Jam layanan {BATAM} tersimpan.")
    expect(page.get_by_role("row", name=re.compile(f"^{BATAM}"))).to_contain_text(
        "Sabtu 08.00–12.00"
    )
    saturday = OpeningHours.objects.get(mpp__slug="mpp-kota-batam", weekday=5)
    assert (saturday.opens, saturday.closes) == (datetime.time(8), datetime.time(12))
    friday = OpeningHours.objects.get(mpp__slug="mpp-kota-batam", weekday=4)
    assert friday.break_starts == datetime.time(11, 30)  # the other days kept as they were


def test_the_agency_admin_sets_fridays_counter_hours_in_english(
    browser_page, audit, demo_staff, live_server
):
    page = browser_page(language="en", wide=True)
    login_staff_in_browser(page, live_server, User.objects.get(username="admin.dukcapil"))
    page.goto("/akun/kerja/")
    audit(page)
    page.get_by_role("link", name="MPP opening hours and agency counter hours").click()
    audit(page)
    expect(page.get_by_role("heading", name="MPP opening hours")).to_have_count(0)
    page.get_by_role("link", name=f"Change counter hours of {DUKCAPIL} at {BATAM}").click()
    audit(page)
    expect(page.get_by_label("The counters follow the MPP's opening hours")).not_to_be_checked()
    page.screenshot(path="var/screenshots/hours-counter-en.png", full_page=True)

    page.get_by_label("Opens on Friday").fill("07:30")
    page.get_by_label("Closes on Friday").fill("11:00")
    page.get_by_role("button", name="Save counter hours").click()
    audit(page)
    expect(page.get_by_role("alert")).to_contain_text(
        "Counter hours must fall within the MPP's opening hours on Friday: 08.00–16.00."
    )

    page.get_by_label("Opens on Friday").fill("08:00")
    page.get_by_role("button", name="Save counter hours").click()
    audit(page)
    expect(page.get_by_role("status")).to_contain_text(
        f"Counter hours of {DUKCAPIL} at {BATAM} saved."
    )
    friday = CounterHours.objects.get(presence__agency__slug="disdukcapil-batam", weekday=4)
    assert (friday.opens, friday.closes) == (datetime.time(8), datetime.time(11))
    assert CounterHours.objects.filter(presence__agency__slug="disdukcapil-batam").count() == 5
