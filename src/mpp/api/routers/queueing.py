"""Queue API: free slots (public), a citizen's bookings, and the statistics for dashboards."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field, WithJsonSchema

from mpp.api.auth import ApiRequest, BearerToken
from mpp.api.problems import Problem, ProblemOut
from mpp.api.types import Day, Id
from mpp.queueing import selectors, services
from mpp.queueing.models import ServiceQueue, Ticket
from mpp.queueing.services import QueueError
from mpp.queueing.workflow import STATUS_LABELS
from mpp.tenancy.models import MPP

router = Router(tags=["antrean"])
bearer = BearerToken()


# A wall-clock time at the MPP (its own WIB/WITA/WIT zone), without an offset: JSON Schema's "time"
# format requires one, so the type is described as a pattern instead.
LocalTime = Annotated[
    datetime.time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[0-2][0-9]:[0-5][0-9](:[0-5][0-9])?$",
            "description": "Jam setempat di MPP (WIB/WITA/WIT), misalnya 09:00:00",
        }
    ),
]


class SlotOut(Schema):
    starts: LocalTime
    ends: LocalTime
    online_free: int = Field(description="Tempat daring yang masih tersedia (0 bila penuh)")
    walk_in_free: int = Field(description="Tempat datang langsung yang masih tersedia")
    bookable: bool


class SlotQuery(Schema):
    date: Day = Field(description="Tanggal (waktu setempat MPP)")


class QueueOut(Schema):
    id: int
    service_id: int
    service_name: str = Field(alias="service.name")
    mpp_id: int
    agency_id: int
    prefix: str
    slot_minutes: int


class BookingIn(Schema):
    queue_id: Id
    date: Day
    slot: datetime.time = Field(description="Jam mulai slot, misalnya 09:00")


class RescheduleIn(Schema):
    date: Day
    slot: datetime.time


class BookingOut(Schema):
    id: int
    code: str = Field(description="Nomor antrean, misalnya A-012")
    booking_code: str = Field(description="Kode pemesanan untuk lapor hadir (isi kode QR)")
    status: str
    status_label: str
    service_id: int
    mpp_id: int
    date: datetime.date
    slot_starts: LocalTime | None
    slot_ends: LocalTime | None
    status_url: str = Field(description="Halaman status antrean (tanpa data pribadi)")


class WaitOut(Schema):
    queue_id: int
    service_name: str
    waiting: int
    expected_wait_minutes: int


class StatRow(Schema):
    date: datetime.date
    tickets: int
    served: int
    no_show: int
    booked: int
    mean_wait: float | None = Field(description="Rata-rata tunggu dalam menit")
    mean_service: float | None = Field(description="Rata-rata layanan dalam menit")
    no_show_rate: float | None
    counter: int | None = None
    agency: str | None = None


class StatsOut(Schema):
    mpp_id: int
    start: datetime.date
    end: datetime.date
    by_day: list[StatRow]
    by_counter: list[StatRow]
    by_agency: list[StatRow]
    waits_now: list[WaitOut]


class StatsQuery(Schema):
    start: Day
    end: Day


def _problem(error: QueueError) -> Problem:
    errors = {error.field: [error.message]} if error.field else None
    status = error.status if error.status in (400, 403, 404, 409) else 409
    return Problem(status if status != 400 else 422, error.message, errors=errors)


def _booking(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.pk,
        "code": ticket.code,
        "booking_code": ticket.booking_code,
        "status": ticket.status,
        "status_label": str(STATUS_LABELS[ticket.status]),
        "service_id": ticket.service_id,
        "mpp_id": ticket.mpp_id,
        "date": ticket.date,
        "slot_starts": ticket.slot_starts,
        "slot_ends": ticket.slot_ends,
        "status_url": f"/antrean/tiket/{ticket.token}/",
    }


@router.get(
    "/queue/services",
    response={200: list[QueueOut]},
    summary="Layanan yang membuka pemesanan antrean",
)
def list_queues(request: HttpRequest) -> list[ServiceQueue]:
    return list(selectors.bookable_queues()[:500])


@router.get(
    "/queue/services/{queue_id}/slots",
    response={200: list[SlotOut], 404: ProblemOut, 422: ProblemOut},
    summary="Slot satu tanggal dengan tempat yang benar-benar tersedia",
)
def list_slots(request: HttpRequest, queue_id: Id, query: Query[SlotQuery]) -> list[dict[str, Any]]:
    queue = get_object_or_404(selectors.bookable_queues(), pk=queue_id)
    return [
        {**slot.__dict__, "bookable": slot.bookable}
        for slot in services.availability(queue, query.date)
    ]


@router.get(
    "/queue/mpps/{mpp_id}/waits",
    response={200: list[WaitOut], 404: ProblemOut},
    summary="Jumlah yang menunggu dan perkiraan waktu tunggu per layanan saat ini",
)
def waits(request: HttpRequest, mpp_id: Id) -> list[dict[str, Any]]:
    mpp = get_object_or_404(MPP.objects.select_related("region"), pk=mpp_id, is_active=True)
    return [
        {
            "queue_id": row["queue"].pk,
            "service_name": row["queue"].service.name,
            "waiting": row["waiting"],
            "expected_wait_minutes": row["minutes"],
        }
        for row in selectors.waits_now(mpp)
    ]


@router.post(
    "/me/queue/bookings",
    auth=bearer,
    response={
        201: BookingOut,
        401: ProblemOut,
        403: ProblemOut,
        404: ProblemOut,
        409: ProblemOut,
        422: ProblemOut,
    },
    summary="Memesan satu slot antrean",
)
def create_booking(request: ApiRequest, payload: BookingIn) -> Status[dict[str, Any]]:
    queue = selectors.bookable_queues().filter(pk=payload.queue_id).first()
    if queue is None:
        raise Problem(
            404, _("Layanan tidak ditemukan."), errors={"queue_id": [_("Layanan tidak ditemukan.")]}
        )
    try:
        ticket = services.book(request.auth, queue, payload.date, payload.slot)
    except QueueError as error:
        raise _problem(error) from error
    return Status(201, _booking(ticket))


@router.get(
    "/me/queue/bookings",
    auth=bearer,
    response={200: list[BookingOut], 401: ProblemOut},
    summary="Pemesanan antrean pemanggil, terbaru dahulu",
)
def my_bookings(request: ApiRequest) -> list[dict[str, Any]]:
    return [_booking(ticket) for ticket in selectors.bookings_of(request.auth)[:100]]


@router.post(
    "/me/queue/bookings/{booking_id}/cancel",
    auth=bearer,
    response={200: BookingOut, 401: ProblemOut, 404: ProblemOut, 409: ProblemOut},
    summary="Membatalkan pemesanan",
)
def cancel_booking(request: ApiRequest, booking_id: Id) -> dict[str, Any]:
    ticket = selectors.booking_of(request.auth, booking_id)
    try:
        ticket = services.cancel(ticket, user=request.auth)
    except QueueError as error:
        raise _problem(error) from error
    return _booking(ticket)


@router.post(
    "/me/queue/bookings/{booking_id}/reschedule",
    auth=bearer,
    response={
        200: BookingOut,
        401: ProblemOut,
        403: ProblemOut,
        404: ProblemOut,
        409: ProblemOut,
        422: ProblemOut,
    },
    summary="Mengubah jadwal pemesanan ke slot lain",
)
def reschedule_booking(
    request: ApiRequest, booking_id: Id, payload: RescheduleIn
) -> dict[str, Any]:
    ticket = selectors.booking_of(request.auth, booking_id)
    if ticket.status != "booked":
        raise Problem(409, _("Pemesanan ini tidak dapat diubah lagi."))
    try:
        ticket = services.reschedule(ticket, payload.date, payload.slot, user=request.auth)
    except QueueError as error:
        raise _problem(error) from error
    return _booking(ticket)


@router.get(
    "/queue/mpps/{mpp_id}/statistics",
    auth=bearer,
    response={200: StatsOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut},
    summary="Waktu tunggu, waktu layanan dan ketidakhadiran per hari, loket dan instansi",
)
def statistics(request: ApiRequest, mpp_id: Id, query: Query[StatsQuery]) -> dict[str, Any]:
    mpp = get_object_or_404(MPP.objects.select_related("region"), pk=mpp_id)
    if not selectors.can_view_statistics(request.auth, mpp):
        raise Problem(403, _("Anda tidak berwenang melihat statistik antrean MPP ini."))
    if query.start > query.end or (query.end - query.start).days > 366:
        raise Problem(
            422,
            _("Rentang tanggal tidak sah."),
            errors={
                "end": [
                    _(
                        "Tanggal akhir tidak boleh sebelum tanggal awal; rentang paling panjang 366 hari."
                    )
                ]
            },
        )
    stats = selectors.statistics(request.auth, mpp, query.start, query.end)

    def rows(
        items: Iterable[dict[str, Any]], key: str | None = None, name: str | None = None
    ) -> list[dict[str, Any]]:
        return [{**row, **({name: row[key]} if key and name else {})} for row in items]

    return {
        "mpp_id": mpp.pk,
        "start": query.start,
        "end": query.end,
        "by_day": rows(stats["by_day"]),
        "by_counter": rows(stats["by_counter"], "counter__number", "counter"),
        "by_agency": rows(stats["by_agency"], "agency__name", "agency"),
        "waits_now": waits(request, mpp.pk),
    }
