"""Rooms API (issue 28): an MPP's bookable rooms (public) and the caller's own room requests."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from mpp.api.auth import BearerRequest, bearer
from mpp.api.paging import PageOut, PageParams, queryset_page
from mpp.api.problems import Problem, ProblemOut
from mpp.api.types import Id
from mpp.rooms import selectors
from mpp.rooms.models import Booking, Room

router = Router(tags=["ruang"])

ROOM_ORDER = ("name", "id")
BOOKING_ORDER = ("-requested_at", "-id")


class RoomOut(Schema):
    id: int
    mpp_id: int
    name: str
    kind: str = Field(description="Kode jenis ruang (lihat kind_label)")
    kind_label: str
    capacity: int
    facilities: list[str]
    house_rules: str
    url: str = Field(description="Halaman ruang di situs (jam pakai, waktu terpakai, formulir)")

    @staticmethod
    def resolve_kind_label(room: Room) -> str:
        return str(room.get_kind_display())

    @staticmethod
    def resolve_facilities(room: Room) -> list[str]:
        return room.facility_lines()

    @staticmethod
    def resolve_url(room: Room) -> str:
        return f"/ruang/{room.pk}/"


class RoomPage(PageOut):
    items: list[RoomOut]


class RoomBookingOut(Schema):
    id: int
    room_id: int
    room_name: str = Field(alias="room.name")
    mpp_id: int
    group_name: str = Field(description="Komunitas atau lembaga yang meminjam")
    title: str
    attendance: int
    is_public: bool
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    timezone: str = Field(alias="region.timezone", description="Zona waktu MPP (IANA)")
    status: str
    status_label: str
    conditions: str = Field(description="Syarat dari pengelola, bila disetujui dengan syarat")
    decision_reason: str = Field(description="Alasan penolakan, bila ditolak")
    cancel_reason: str
    due_at: datetime.datetime | None = Field(description="Batas keputusan pengelola")
    url: str = Field(description="Halaman peminjaman di situs")

    @staticmethod
    def resolve_url(booking: Booking) -> str:
        return f"/ruang/peminjaman/{booking.pk}/"


class RoomBookingPage(PageOut):
    items: list[RoomBookingOut]


@router.get(
    "/mpps/{mpp_id}/rooms",
    response={200: RoomPage, 400: ProblemOut, 404: ProblemOut, 422: ProblemOut},
    summary="Ruang MPP yang dapat dipinjam komunitas",
)
def list_rooms(
    request: HttpRequest, response: HttpResponse, mpp_id: Id, paging: Query[PageParams]
) -> RoomPage:
    if not selectors.has_public_mpp(mpp_id):
        raise Problem(404, _("MPP tidak ditemukan."))
    return queryset_page(
        RoomPage,
        request,
        selectors.public_rooms_at(mpp_id),
        paging,
        order=ROOM_ORDER,
        response=response,
    )


@router.get(
    "/me/room-bookings",
    auth=bearer,
    response={200: RoomBookingPage, 400: ProblemOut, 401: ProblemOut, 422: ProblemOut},
    summary="Permohonan peminjaman ruang pemanggil, terbaru dahulu",
)
def my_room_bookings(
    request: BearerRequest, response: HttpResponse, paging: Query[PageParams]
) -> RoomBookingPage:
    return queryset_page(
        RoomBookingPage,
        request,
        selectors.bookings_of(request.auth),
        paging,
        order=BOOKING_ORDER,
        response=response,
    )
