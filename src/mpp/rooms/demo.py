"""Demo data of room bookings: two rooms of MPP Kota Batam and a pending request by the demo
citizen Budi Santoso for the Komunitas Literasi Batam (README demo section). Idempotent."""

from __future__ import annotations

import datetime

from django.utils import timezone

from mpp.accounts.models import User
from mpp.regions import calendar
from mpp.rooms import services
from mpp.rooms.models import Booking, Room
from mpp.tenancy.models import MPP

ROOMS = [
    # name, kind, capacity, facilities, house rules
    (
        "Aula Serbaguna",
        Room.Kind.HALL,
        120,
        "Pengeras suara dan dua mikrofon\nProyektor dan layar\n120 kursi\nPendingin ruangan",
        "Kegiatan tidak bersifat komersial atau kampanye politik. Ruang dikembalikan bersih dan "
        "rapi. Dilarang merokok. Makanan hanya di selasar.",
    ),
    (
        "Ruang Diskusi Lantai 2",
        Room.Kind.MEETING_ROOM,
        20,
        "Meja rapat untuk 20 orang\nLayar televisi dengan HDMI\nPapan tulis",
        "Kegiatan tidak bersifat komersial. Ruang dikembalikan seperti semula.",
    ),
]
REQUESTER_NIK = "2171011508900003"  # Budi Santoso


def _next_open_day(mpp: MPP, after: datetime.date) -> datetime.date:
    day = after
    while not calendar.opening_intervals(mpp.region_id, services.office_hours(mpp), day):
        day += datetime.timedelta(days=1)
    return day


def load() -> None:
    mpp = MPP.objects.filter(slug="mpp-kota-batam").select_related("region").first()
    if mpp is None:
        return
    rooms = []
    for name, kind, capacity, facilities, rules in ROOMS:
        room, _created = Room.objects.get_or_create(
            mpp=mpp,
            name=name,
            defaults={
                "kind": kind,
                "capacity": capacity,
                "facilities": facilities,
                "house_rules": rules,
            },
        )
        rooms.append(room)
    requester = User.objects.filter(nik=REQUESTER_NIK).first()
    if requester is None or Booking.objects.filter(requester=requester, room=rooms[0]).exists():
        return
    today = timezone.localdate(timezone=calendar.region_zone(mpp.region))
    day = _next_open_day(mpp, today + datetime.timedelta(days=14))
    services.request_booking(
        rooms[0],
        services.Request(
            group_name="Komunitas Literasi Batam",
            title="Diskusi buku dan pojok baca anak",
            purpose="Diskusi buku bulanan untuk remaja dan kegiatan membaca bersama anak-anak.",
            attendance=60,
            is_public=True,
            day=day,
            starts=datetime.time(9),
            ends=datetime.time(11),
        ),
        actor=requester,
    )
