from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from mpp.accounts.models import Role
from mpp.accounts.tests.factories import UserFactory, staff
from mpp.activities import services
from mpp.activities.models import Activity, Category
from mpp.catalog.tests.factories import MPPFactory, region

ZONES = {"2171": "Asia/Jakarta", "5171": "Asia/Makassar", "9171": "Asia/Jayapura"}
MONDAY = datetime.date(2027, 3, 8)
SATURDAY = MONDAY - datetime.timedelta(days=2)
SUNDAY = MONDAY - datetime.timedelta(days=1)


def local(code: str, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ZoneInfo(ZONES[code]))


def data(start: datetime.datetime, *, capacity: int = 10, **values) -> services.ActivityData:
    fields: dict[str, Any] = {
        "title": "Pelatihan pemasaran daring UMKM",
        "description": "Belajar berjualan di lokapasar; bawa ponsel, ya.",
        "organiser": "Dinas Koperasi dan UMKM",
        "category": Category.SMALL_BUSINESS,
        "place": "Aula lantai 2",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
        "capacity": capacity,
    }
    fields.update(values)
    return services.ActivityData(**fields)


def publish(mpp, manager, start, *, now=None, **values) -> Activity:
    return services.publish_activity(
        manager, mpp, data(start, **values), now=now or start - datetime.timedelta(days=7)
    )


@pytest.fixture
def mpp():
    return MPPFactory(region=region("2171"))


@pytest.fixture
def manager(mpp):
    return staff(Role.MPP_MANAGER, mpp=mpp)


@pytest.fixture
def citizens():
    return [UserFactory(username=f"peserta-{n}") for n in range(3)]
