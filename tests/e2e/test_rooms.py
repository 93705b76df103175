"""Browser journeys of room bookings (issue 28, item 2): a community asks for a room of the MPP, the
manager approves with a condition, the requester sees it, the slot is refused to another group;
withdrawal, refusal with a reason, approval and cancellation by either side."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from mpp.accounts.models import Role, RoleGrant
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.cases.tests.factories import CitizenFactory, StaffFactory
from mpp.notifications.models import Notification
from mpp.rooms import selectors
from mpp.rooms.models import Booking
from mpp.rooms.tests.factories import ask, make_room
from tests.e2e.test_applications import login_citizen

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _open_day(mpp) -> datetime.date:
    """A day the MPP is open, a week or more ahead."""
    day = timezone.localdate() + datetime.timedelta(days=7)
    while not selectors.is_open_on(mpp, day):
        day += datetime.timedelta(days=1)
    return day


def _request(page, audit, room, day, group: str) -> None:
    page.goto(f"/ruang/{room.pk}/")
    audit(page)
    page.get_by_label("Nama komunitas, sekolah atau kelompok warga").fill(group)
    page.get_by_label("Nama kegiatan").fill("Diskusi buku bulanan")
    page.get_by_label("Tujuan dan susunan kegiatan").fill("Diskusi buku dan membaca bersama.")
    page.get_by_label("Perkiraan jumlah peserta").fill("40")
    page.get_by_label("Tanggal").fill(day.isoformat())
    page.get_by_label("Mulai").select_option("09:00")
    page.get_by_label("Selesai").select_option("11:00")
    page.get_by_label("Kegiatan terbuka untuk umum").check()
    page.get_by_label("Kami telah membaca dan akan menaati tata tertib ruang ini").check()
    page.get_by_role("button", name="Kirim permohonan").click()
    page.wait_for_load_state("load")
    audit(page)


def _manager(mpp):
    manager = StaffFactory()
    RoleGrant.objects.create(user=manager, role=Role.MPP_MANAGER, mpp=mpp)
    return manager


@pytest.mark.walks("room_booking.approve_with_conditions", "room_booking.cancel")
def test_a_community_books_a_room_the_manager_sets_a_condition_and_the_slot_is_taken(
    browser_page, audit, live_server
):
    room = make_room(name="Aula Serbaguna", capacity=100)
    manager = _manager(room.mpp)
    budi, siti = CitizenFactory(), CitizenFactory()
    day = _open_day(room.mpp)

    citizen = browser_page()
    login_citizen(citizen, live_server, nik=budi.nik)
    citizen.goto("/ruang/")
    audit(citizen)
    assert "Aula Serbaguna" in citizen.content()
    _request(citizen, audit, room, day, "Komunitas Literasi Batam")
    assert "Permohonan peminjaman telah dikirim" in citizen.content()
    assert "Menunggu keputusan" in citizen.content()
    booking = Booking.objects.get()

    desk = browser_page(wide=True)
    login_staff_in_browser(desk, live_server, manager)
    desk.goto("/kelola/ruang/")
    desk.wait_for_url(f"**/kelola/ruang/{room.mpp.pk}/")
    audit(desk)
    desk.get_by_role("link", name="Diskusi buku bulanan").click()
    desk.wait_for_load_state("load")
    audit(desk)
    desk.get_by_label("Syarat yang harus dipenuhi pemohon").fill(
        "Kursi dikembalikan rapi dan acara selesai tepat waktu."
    )
    desk.get_by_role("button", name="Setujui dengan syarat").click()
    desk.wait_for_load_state("load")
    audit(desk)
    assert "Keputusan telah disimpan" in desk.content()

    citizen.goto("/ruang/peminjaman/")
    audit(citizen)
    assert "Disetujui dengan syarat" in citizen.content()
    citizen.get_by_role("link", name="Diskusi buku bulanan — Aula Serbaguna").click()
    citizen.wait_for_load_state("load")
    audit(citizen)
    assert "Syarat dari pengelola MPP" in citizen.content()
    assert "Kursi dikembalikan rapi dan acara selesai tepat waktu." in citizen.content()
    assert Notification.objects.filter(recipient=budi, kind="rooms.decided").exists()

    other = browser_page()
    login_citizen(other, live_server, nik=siti.nik)
    _request(other, audit, room, day, "Karang Taruna")
    assert "Ruang sudah dipakai pada waktu itu" in other.content()
    assert "Diskusi buku bulanan (Komunitas Literasi Batam)" in other.content()
    assert Booking.objects.count() == 1

    citizen.get_by_label("Alasan pembatalan").fill("Pembicara berhalangan hadir.")
    citizen.get_by_role("button", name="Batalkan peminjaman").click()
    citizen.wait_for_load_state("load")
    audit(citizen)
    assert "Dibatalkan oleh pemohon" in citizen.content()
    assert Notification.objects.filter(recipient=manager, kind="rooms.cancelled").exists()
    booking.refresh_from_db()
    assert booking.status == "cancelled"


@pytest.mark.walks(
    "room_booking.withdraw", "room_booking.decline", "room_booking.approve", "room_booking.cancel"
)
def test_withdrawal_refusal_approval_and_the_managers_cancellation_in_english(
    browser_page, audit, live_server
):
    room = make_room(name="Ruang Diskusi", capacity=50)
    manager = _manager(room.mpp)
    citizen_user = CitizenFactory()
    day = _open_day(room.mpp)
    now = timezone.now()
    withdrawn = ask(room, citizen_user, day=day, group="Kelompok A", now=now)
    declined = ask(room, citizen_user, day=day, group="Kelompok B", starts=datetime.time(13),
                   ends=datetime.time(14), now=now)  # fmt: skip
    approved = ask(room, citizen_user, day=day, group="Kelompok C", starts=datetime.time(14),
                   ends=datetime.time(15), now=now)  # fmt: skip

    citizen = browser_page(language="en")
    login_citizen(citizen, live_server, nik=citizen_user.nik)
    citizen.goto(f"/ruang/peminjaman/{withdrawn.pk}/")
    audit(citizen)
    assert "Awaiting decision" in citizen.content()
    citizen.get_by_role("button", name="Withdraw request").click()
    citizen.wait_for_load_state("load")
    audit(citizen)
    assert "Withdrawn by the requester" in citizen.content()

    desk = browser_page(wide=True)
    login_staff_in_browser(desk, live_server, manager)
    desk.goto(f"/ruang/peminjaman/{declined.pk}/")
    audit(desk)
    desk.get_by_role("button", name="Tolak").click()
    desk.wait_for_load_state("load")
    audit(desk)
    assert "Periksa isian keputusan." in desk.content()
    desk.get_by_label("Alasan penolakan").fill("Aula dipakai untuk upacara hari itu.")
    desk.get_by_role("button", name="Tolak").click()
    desk.wait_for_load_state("load")
    audit(desk)
    desk.goto(f"/ruang/peminjaman/{approved.pk}/")
    audit(desk)
    desk.get_by_role("button", name="Setujui", exact=True).click()
    desk.wait_for_load_state("load")
    audit(desk)
    desk.get_by_label("Alasan pembatalan").fill("Listrik gedung dipadamkan untuk perbaikan.")
    desk.get_by_role("button", name="Batalkan peminjaman").click()
    desk.wait_for_load_state("load")
    audit(desk)
    assert "Dibatalkan oleh pengelola MPP" in desk.content()

    citizen.goto(f"/ruang/peminjaman/{declined.pk}/")
    audit(citizen)
    assert "Reason for rejection" in citizen.content()
    assert "Aula dipakai untuk upacara hari itu." in citizen.content()
    citizen.goto("/ruang/peminjaman/")
    audit(citizen)
    assert "Cancelled" in citizen.content()
    kinds = set(Notification.objects.filter(recipient=citizen_user).values_list("kind", flat=True))
    assert kinds == {"rooms.decided", "rooms.cancelled"}


def test_the_manager_edits_a_room_and_takes_it_out_of_use_at_360_px(
    browser_page, audit, live_server
):
    """The room page of the manager: edit, then stop bookings with a reason; the pending request
    is declined with it and the room takes no new request."""
    room = make_room(name="Aula Serbaguna", capacity=100)
    manager = _manager(room.mpp)
    budi = CitizenFactory()
    pending = ask(room, budi, day=_open_day(room.mpp), now=timezone.now())

    desk = browser_page()
    login_staff_in_browser(desk, live_server, manager)
    desk.goto(f"/kelola/ruang/{room.mpp.pk}/")
    audit(desk)
    desk.get_by_role("link", name="Kelola Aula Serbaguna").click()
    desk.wait_for_load_state("load")
    audit(desk)
    desk.get_by_label("Kapasitas (orang)").fill("0")
    desk.get_by_role("button", name="Simpan perubahan").click()
    desk.wait_for_load_state("load")
    audit(desk)
    assert "Kesalahan:" in desk.title()
    desk.get_by_label("Kapasitas (orang)").fill("80")
    desk.get_by_role("button", name="Simpan perubahan").click()
    desk.wait_for_load_state("load")
    assert "Perubahan ruang telah disimpan." in desk.content()
    desk.get_by_role("button", name="Hentikan peminjaman").click()
    desk.wait_for_load_state("load")
    audit(desk)
    assert "Kesalahan:" in desk.title()
    desk.get_by_label("Alasan ruang tidak dapat dipinjam").fill("Atap bocor, sedang diperbaiki.")
    desk.get_by_role("button", name="Hentikan peminjaman").click()
    desk.wait_for_load_state("load")
    audit(desk)
    assert "Permohonan yang menunggu telah ditolak" in desk.content()
    assert desk.evaluate("document.documentElement.scrollWidth") <= 360
    room.refresh_from_db()
    pending.refresh_from_db()
    assert room.capacity == 80 and not room.is_active
    assert pending.status == "declined" and "Atap bocor" in pending.decision_reason
    assert Notification.objects.filter(recipient=budi, kind="rooms.decided").exists()
