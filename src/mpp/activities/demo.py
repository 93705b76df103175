"""Demo data: a month of activities at MPP Kota Batam (from tomorrow), one of them full with a
waiting list, one open without registration, one by Disdukcapil (its admin manages it), and a
door scanner with a published token. Idempotent: activities are keyed by title and local day."""

from __future__ import annotations

import datetime

from django.utils import timezone

from mpp.activities.models import Activity, Category, Registration
from mpp.activities.workflow import REGISTERED, WAITLISTED
from mpp.devices.demo import demo_device
from mpp.devices.models import DeviceKind
from mpp.regions import localtime
from mpp.tenancy.models import MPP, Agency

DEMO_DOOR_TOKEN = "pintu-demo-batam-2026"  # noqa: S105 - a published demo credential

# (day offset, start hour, hours, title, category, place, capacity, registration, agency slug)
PROGRAMME = [
    (1, 9, 2, "Pelatihan pemasaran daring untuk UMKM", Category.SMALL_BUSINESS, "Aula lantai 2", 30, True, None),
    (2, 10, 2, "Sosialisasi aktivasi Identitas Kependudukan Digital (IKD)", Category.EDUCATION, "Ruang serbaguna", 2, True, "disdukcapil-batam"),
    (3, 8, 3, "Pemeriksaan kesehatan gratis", Category.HEALTH, "Halaman depan", 100, False, "dinkes-batam"),
    (6, 13, 2, "Pojok baca: dongeng untuk anak", Category.CULTURE, "Ruang anak", 20, True, None),
    (9, 9, 3, "Layanan keliling perekaman KTP-el", Category.MOBILE_SERVICE, "Lobi utama", 60, True, "disdukcapil-batam"),
    (13, 14, 2, "Pertemuan warga: masukan untuk pelayanan MPP", Category.COMMUNITY, "Aula lantai 2", 40, True, None),
    (16, 9, 4, "Pameran produk UMKM Batam", Category.SMALL_BUSINESS, "Atrium", 200, False, None),
    (20, 10, 2, "Klinik perizinan berusaha (NIB) untuk usaha mikro", Category.SMALL_BUSINESS, "Ruang serbaguna", 25, True, None),
    (23, 9, 2, "Senam sehat bersama", Category.HEALTH, "Halaman depan", 80, False, "dinkes-batam"),
    (27, 13, 2, "Belajar dokumen kependudukan: akta kelahiran dan KK", Category.EDUCATION, "Aula lantai 2", 30, True, "disdukcapil-batam"),
]  # fmt: skip


def load() -> dict:
    mpp = MPP.objects.select_related("region").filter(slug="mpp-kota-batam").first()
    if mpp is None:
        return {}
    zone = localtime.zone_of(mpp.region)
    today = localtime.local_date(timezone.now(), mpp.region)
    activities = []
    for offset, hour, hours, title, category, place, capacity, registration, agency in PROGRAMME:
        start = datetime.datetime.combine(
            today + datetime.timedelta(days=offset), datetime.time(hour), zone
        )
        activity, _created = Activity.objects.get_or_create(
            mpp=mpp,
            title=title,
            starts_at=start,
            defaults={
                "agency": Agency.objects.filter(slug=agency).first() if agency else None,
                "description": f"{title} di {mpp.name}. Terbuka untuk umum dan tanpa biaya.",
                "organiser": "Pengelola MPP Kota Batam",
                "category": category,
                "place": place,
                "ends_at": start + datetime.timedelta(hours=hours),
                "capacity": capacity,
                "registration_required": registration,
                "accessibility": "Jalur landai dan kursi roda tersedia; juru bahasa isyarat "
                "dapat diminta sehari sebelumnya.",
            },
        )
        activities.append(activity)
    _full_with_waiting_list(activities[1])
    door = demo_device(mpp, DeviceKind.DOOR_SCANNER, "Pemindai pintu aula", DEMO_DOOR_TOKEN)
    return {"activities": activities, "door": door}


def _full_with_waiting_list(activity: Activity) -> None:
    """Two guests hold the two seats and one waits: a cancellation moves the wait up."""
    for n, status in enumerate((REGISTERED, REGISTERED, WAITLISTED), start=1):
        Registration.objects.get_or_create(
            number=f"KDEMO{n:03d}",
            defaults={
                "activity": activity,
                "guest_address": f"peserta{n}@contoh.id",
                "status": status,
            },
        )
