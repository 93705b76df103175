"""Activities in the browser at 360 px (axe on every page): a guest finds an activity on the
national programme, registers with a one-time code, gets the QR ticket and is scanned in by the
door scanner; the manager records a second ticket by its number and sees the attendance; a
citizen who cancels hands the seat to the waiting list."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mpp.accounts.models import User
from mpp.accounts.tests.factories import load_demo
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.activities import demo as activities_demo
from mpp.activities import services
from mpp.activities.models import Category, Registration
from mpp.notifications.models import OutboxMessage
from mpp.tenancy.models import MPP

from .test_applications import CITIZEN_NIK, login_citizen

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = "+6281377700011"


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
    activities_demo.load()
    mpp = MPP.objects.get(slug="mpp-kota-batam")
    manager = User.objects.get(username="pengelola.batam")
    start = (timezone.now() + datetime.timedelta(minutes=30)).replace(second=0, microsecond=0)
    soon = services.publish_activity(
        manager,
        mpp,
        services.ActivityData(
            title="Kelas foto produk UMKM",
            description="Memotret produk dengan ponsel.",
            organiser="Pengelola MPP Kota Batam",
            category=Category.SMALL_BUSINESS,
            place="Aula lantai 2",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            capacity=1,
        ),
    )
    return {"mpp": mpp, "manager": manager, "soon": soon}


@pytest.mark.walks("activity_registration.attend", "activity_registration.cancel")
def test_a_guest_registers_is_scanned_in_and_the_manager_sees_the_attendance(
    page, live_server, audit, demo
):
    soon = demo["soon"]
    page.goto("/kegiatan/?region=2171&category=umkm")
    audit(page)
    page.get_by_role("link", name="Kelas foto produk UMKM").click()
    audit(page)
    expect(page.get_by_text("tersisa 1 tempat")).to_be_visible()
    page.locator("#konten").get_by_role("link", name="Daftar", exact=True).click()
    audit(page)
    page.get_by_label("Alamat surel atau nomor telepon").fill(PHONE)
    page.get_by_role("button", name="Kirim kode").click()
    audit(page)
    code = re.search(r"\d{6}", OutboxMessage.objects.get(to=PHONE).text).group()
    page.get_by_label("Kode konfirmasi").fill(code)
    page.get_by_role("button", name="Konfirmasi").click()
    audit(page)
    page.get_by_role("button", name="Daftar sekarang").click()
    audit(page)
    guest = Registration.objects.get(guest_address=PHONE)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Tiket {guest.number}")
    expect(page.locator("figure.ticket-qr svg")).to_be_visible()
    ticket_url = page.url
    ticket_path = ticket_url.removeprefix(live_server.url)
    assert any(ticket_path in m.text for m in OutboxMessage.objects.filter(to=PHONE))

    # The door: a browser paired as the MPP's door scanner opens the ticket's QR link.
    page.goto("/kegiatan/pintu/")
    audit(page)
    page.get_by_label("Token perangkat").fill(activities_demo.DEMO_DOOR_TOKEN)
    page.get_by_role("button", name="Daftarkan perangkat ini").click()
    audit(page)
    page.goto(ticket_url)
    audit(page)
    page.get_by_role("button", name="Catat hadir").click()
    audit(page)
    expect(page.get_by_text(f"Tiket {guest.number} tercatat hadir.")).to_be_visible()
    guest.refresh_from_db()
    assert guest.status == "attended"

    # A citizen held a seat and cancels it from the ticket: the first waiting registration moves up.
    citizen = User.objects.get(nik=CITIZEN_NIK)
    ikd = demo_full_activity()
    seat = Registration.objects.get(activity=ikd, number="KDEMO001")
    Registration.objects.filter(pk=seat.pk).update(user=citizen, guest_address="")
    page.context.clear_cookies()
    login_citizen(page, live_server)
    page.goto(f"/kegiatan/{ikd.pk}/")
    audit(page)
    page.get_by_role("link", name="Lihat tiket Anda").click()
    audit(page)
    page.get_by_role("button", name="Batalkan pendaftaran").click()
    audit(page)
    expect(page.get_by_text("Status: Dibatalkan")).to_be_visible()
    assert Registration.objects.get(number="KDEMO003").status == "registered"

    # The manager records a ticket by its number and sees the attendance.
    other = services.register(soon, user=citizen)
    assert other.status == "waitlisted"  # the only seat went to the guest
    Registration.objects.filter(pk=other.pk).update(status="registered")
    page.context.clear_cookies()
    login_staff_in_browser(page, live_server, demo["manager"])
    page.goto("/kelola/kegiatan/")
    audit(page)
    page.get_by_role("link", name="Kelas foto produk UMKM").click()
    audit(page)
    page.get_by_label("Nomor tiket").fill(other.number)
    page.get_by_role("button", name="Catat hadir").click()
    audit(page)
    expect(page.locator("#kehadiran")).to_contain_text("Hadir")
    assert re.search(r"Hadir\s*2", page.locator("#kehadiran").inner_text())


def demo_full_activity():
    from mpp.activities.models import Activity

    return Activity.objects.get(title__startswith="Sosialisasi aktivasi")
