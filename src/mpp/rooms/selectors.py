"""Reads of rooms and bookings: the public list of rooms, what a requester and a manager see, and
the public bookings the programme of activities shows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from mpp.accounts import policy
from mpp.accounts.policy import Perm, Principal
from mpp.catalog.extensions import PublicEvent
from mpp.regions import calendar
from mpp.rooms.models import Booking, Room
from mpp.rooms.services import office_hours
from mpp.rooms.workflow import APPROVED_STATES
from mpp.tenancy.models import MPP, OpeningHours


def public_rooms() -> QuerySet[Room]:
    """Every room that may be asked for, by kab/kota, MPP and name."""
    return (
        Room.objects.filter(is_active=True, mpp__is_active=True)
        .select_related("mpp__region")
        .order_by("mpp__region__name", "mpp__name", "name", "id")
    )


def public_room(pk: int) -> Room | None:
    return public_rooms().filter(pk=pk).first()


def has_public_mpp(mpp_id: int) -> bool:
    return MPP.objects.filter(pk=mpp_id, is_active=True).exists()


def public_rooms_at(mpp_id: int) -> QuerySet[Room]:
    """The rooms of one MPP that may be asked for (the API's list; ordered by its pager)."""
    return public_rooms().filter(mpp_id=mpp_id)


@dataclass(frozen=True)
class WeeklyHours:
    weekday: str
    intervals: str


def weekly_hours(mpp: MPP) -> list[WeeklyHours]:
    """When the room may be used: its MPP's opening hours, per weekday (the calendar's answer)."""
    hours = office_hours(mpp)
    names = dict(OpeningHours.Weekday.choices)
    return [
        WeeklyHours(
            str(names[day]),
            ", ".join(f"{o:%H.%M}–{c:%H.%M}" for o, c in hours.weekly[day]),
        )
        for day in sorted(hours.weekly)
    ]


def is_open_on(mpp: MPP, day: datetime.date) -> bool:
    return bool(calendar.opening_intervals(mpp.region_id, office_hours(mpp), day))


def taken(room: Room, start: datetime.datetime, end: datetime.datetime) -> QuerySet[Booking]:
    """The approved bookings of ``room`` overlapping [start, end): the times it is taken."""
    return Booking.objects.filter(
        room=room, status__in=APPROVED_STATES, starts_at__lt=end, ends_at__gt=start
    ).order_by("starts_at", "id")


def bookings_of(user: Principal) -> QuerySet[Booking]:
    """The requester's own bookings."""
    return Booking.objects.filter(requester_id=getattr(user, "pk", None)).select_related(
        "room", "mpp", "region"
    )


def visible_booking(user: Principal, pk: int) -> Booking | None:
    """The booking when ``user`` asked for it or manages its MPP; None otherwise."""
    booking = (
        Booking.objects.select_related("room", "mpp", "region", "requester").filter(pk=pk).first()
    )
    if booking is None:
        return None
    if booking.requester_id == getattr(user, "pk", None) or policy.can(
        user, Perm.MANAGE_ROOMS, booking
    ):
        return booking
    return None


def managed_mpps(user: Principal) -> QuerySet[MPP]:
    """The MPPs whose rooms ``user`` manages."""
    return (
        MPP.objects.filter(
            policy.scope_filter(user, Perm.MANAGE_ROOMS, agency=None, mpp="pk", region="region_id")
        )
        .select_related("region")
        .order_by("name")
    )


def rooms_of(mpp: MPP) -> QuerySet[Room]:
    return Room.objects.filter(mpp=mpp).order_by("-is_active", "name", "id")


def bookings_at(mpp: MPP, *, status: str = "") -> QuerySet[Booking]:
    """The MPP's bookings (one status, or all), with the breach flag of the decision clock."""
    rows = Booking.objects.filter(mpp=mpp).select_related("room", "region")
    if status:
        rows = rows.filter(status=status)
    return rows.with_breached()


@dataclass(frozen=True)
class PublicBooking:
    """An approved booking whose group made it public, as the programme of activities shows it
    (never the requester's account)."""

    booking_id: int
    title: str
    group_name: str
    room_name: str
    mpp_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    timezone: str


def public_bookings(
    mpp: MPP, start: datetime.datetime, end: datetime.datetime
) -> list[PublicBooking]:
    """The public, approved bookings of ``mpp`` overlapping [start, end), by start (at most 500)."""
    rows = (
        Booking.objects.filter(
            mpp=mpp,
            is_public=True,
            status__in=APPROVED_STATES,
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .select_related("room", "region")
        .order_by("starts_at", "id")[:500]
    )
    return [
        PublicBooking(
            booking_id=row.pk,
            title=row.title,
            group_name=row.group_name,
            room_name=row.room.name,
            mpp_id=row.mpp_id,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            timezone=row.region.timezone,
        )
        for row in rows
    ]


def programme_events(
    mpp: MPP, start: datetime.datetime, end: datetime.datetime
) -> list[PublicEvent]:
    """The MPP's public bookings as its programme of activities lists them (the plug point
    ``catalog.extensions.mpp_public_events``): the event's title with its group, and the room."""
    return [
        PublicEvent(
            title=f"{booking.title} ({booking.group_name})",
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            place=booking.room_name,
        )
        for booking in public_bookings(mpp, start, end)
    ]
