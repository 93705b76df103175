"""Rooms, people and requests for the room booking tests."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from mpp.accounts.models import Role, RoleGrant
from mpp.cases.tests.factories import CitizenFactory, StaffFactory
from mpp.catalog.tests.factories import MPPFactory
from mpp.rooms import services
from mpp.rooms.models import Room

WIB = ZoneInfo("Asia/Jakarta")
MONDAY = datetime.date(2026, 12, 14)  # a working day in Kota Batam (WIB)


def at(hour: int, minute: int = 0, day: datetime.date = MONDAY) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=WIB)


def make_room(mpp=None, **values):
    defaults = {"name": "Aula", "kind": Room.Kind.HALL, "capacity": 80, "house_rules": "Tertib."}
    return Room.objects.create(mpp=mpp or MPPFactory(), **(defaults | values))


def manager_of(mpp):
    user = StaffFactory()
    RoleGrant.objects.create(user=user, role=Role.MPP_MANAGER, mpp=mpp)
    return user


def ask(
    room,
    requester=None,
    *,
    day=MONDAY,
    starts=datetime.time(9),
    ends=datetime.time(11),
    group="Komunitas Literasi",
    attendance=40,
    is_public=True,
    now=None,
):
    return services.request_booking(
        room,
        services.Request(
            group_name=group,
            title=f"Diskusi {group}",
            purpose="Diskusi buku bulanan.",
            attendance=attendance,
            is_public=is_public,
            day=day,
            starts=starts,
            ends=ends,
        ),
        actor=requester or CitizenFactory(),
        now=now or at(8, day=MONDAY - datetime.timedelta(days=7)),
    )
