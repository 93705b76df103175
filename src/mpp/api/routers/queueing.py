"""Queue API: free slots (public), a citizen's bookings, and the statistics for dashboards."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field, WithJsonSchema

from mpp.api.auth import BearerRequest, bearer
from mpp.api.paging import PageOut, PageParams, list_page, queryset_page
from mpp.api.problems import Problem, ProblemOut
from mpp.api.types import Day, Id
from mpp.queueing import selectors, services
from mpp.queueing.models import ServiceQueue, Ticket
from mpp.queueing.services import QueueError
from mpp.queueing.workflow import STATUS_LABELS

router = Router(tags=["antrean"])


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


class SlotPage(PageOut):
    items: list[SlotOut]


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


class QueuePage(PageOut):
    items: list[QueueOut]


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

    @staticmethod
    def resolve_status_label(ticket: Ticket) -> str:
        return str(STATUS_LABELS[ticket.status])

    @staticmethod
    def resolve_status_url(ticket: Ticket) -> str:
        return f"/antrean/tiket/{ticket.token}/"


class BookingPage(PageOut):
    items: list[BookingOut]


class WaitOut(Schema):
    """A row of :func:`mpp.queueing.selectors.waits_now`."""

    queue_id: int
    service_name: str
    waiting: int
    expected_wait_minutes: int

    @staticmethod
    def resolve_queue_id(row: dict[str, Any]) -> int:
        queue: ServiceQueue = row["queue"]
        return queue.pk

    @staticmethod
    def resolve_service_name(row: dict[str, Any]) -> str:
        queue: ServiceQueue = row["queue"]
        return queue.service.name

    @staticmethod
    def resolve_expected_wait_minutes(row: dict[str, Any]) -> int:
        minutes: int = row["minutes"]
        return minutes


class WaitPage(PageOut):
    items: list[WaitOut]


class StatRow(Schema):
    date: datetime.date
    tickets: int
    served: int
    no_show: int
    booked: int
    mean_wait: float | None = Field(description="Rata-rata tunggu dalam menit")
    mean_service: float | None = Field(description="Rata-rata layanan dalam menit")
    no_show_rate: float | None
    counter: int | None = Field(None, alias="counter__number")
    agency: str | None = Field(None, alias="agency__name")


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


@router.get(
    "/queue/services",
    response={200: QueuePage, 400: ProblemOut},
    summary="Layanan yang membuka pemesanan antrean",
)
def list_queues(
    request: HttpRequest, response: HttpResponse, paging: Query[PageParams]
) -> QueuePage:
    return queryset_page(
        QueuePage,
        request,
        selectors.bookable_queues_for_api(),
        paging,
        order=selectors.API_QUEUE_ORDER,
        response=response,
    )


@router.get(
    "/queue/services/{queue_id}/slots",
    response={200: SlotPage, 400: ProblemOut, 404: ProblemOut, 422: ProblemOut},
    summary="Slot satu tanggal dengan tempat yang benar-benar tersedia",
)
def list_slots(
    request: HttpRequest,
    response: HttpResponse,
    queue_id: Id,
    query: Query[SlotQuery],
    paging: Query[PageParams],
) -> SlotPage:
    slots = services.availability(selectors.bookable_queue(queue_id), query.date)
    return list_page(
        SlotPage,
        request,
        slots,
        paging,
        key=lambda slot: (slot.starts.isoformat(),),
        response=response,
    )


def _waits(mpp_id: int) -> list[dict[str, Any]]:
    return selectors.waits_now(selectors.queue_mpp(mpp_id))


@router.get(
    "/queue/mpps/{mpp_id}/waits",
    response={200: WaitPage, 400: ProblemOut, 404: ProblemOut},
    summary="Jumlah yang menunggu dan perkiraan waktu tunggu per layanan saat ini",
)
def waits(
    request: HttpRequest, response: HttpResponse, mpp_id: Id, paging: Query[PageParams]
) -> WaitPage:
    return list_page(
        WaitPage,
        request,
        _waits(mpp_id),
        paging,
        key=lambda row: (row["queue"].pk,),
        response=response,
    )


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
def create_booking(request: BearerRequest, payload: BookingIn) -> Status[Ticket]:
    try:
        queue = selectors.bookable_queue(payload.queue_id)
    except Http404:
        raise Problem(
            404, _("Layanan tidak ditemukan."), errors={"queue_id": [_("Layanan tidak ditemukan.")]}
        ) from None
    try:
        ticket = services.book(request.auth, queue, payload.date, payload.slot)
    except QueueError as error:
        raise _problem(error) from error
    return Status(201, ticket)


@router.get(
    "/me/queue/bookings",
    auth=bearer,
    response={200: BookingPage, 400: ProblemOut, 401: ProblemOut},
    summary="Pemesanan antrean pemanggil, terbaru dahulu",
)
def my_bookings(
    request: BearerRequest, response: HttpResponse, paging: Query[PageParams]
) -> BookingPage:
    return queryset_page(
        BookingPage,
        request,
        selectors.bookings_of(request.auth),
        paging,
        order=selectors.API_BOOKING_ORDER,
        response=response,
    )


@router.post(
    "/me/queue/bookings/{booking_id}/cancel",
    auth=bearer,
    response={200: BookingOut, 401: ProblemOut, 404: ProblemOut, 409: ProblemOut},
    summary="Membatalkan pemesanan",
)
def cancel_booking(request: BearerRequest, booking_id: Id) -> Ticket:
    ticket = selectors.booking_of(request.auth, booking_id)
    try:
        ticket = services.cancel(ticket, user=request.auth)
    except QueueError as error:
        raise _problem(error) from error
    return ticket


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
def reschedule_booking(request: BearerRequest, booking_id: Id, payload: RescheduleIn) -> Ticket:
    ticket = selectors.booking_of(request.auth, booking_id)
    if ticket.status != "booked":
        raise Problem(409, _("Pemesanan ini tidak dapat diubah lagi."))
    try:
        ticket = services.reschedule(ticket, payload.date, payload.slot, user=request.auth)
    except QueueError as error:
        raise _problem(error) from error
    return ticket


@router.get(
    "/queue/mpps/{mpp_id}/statistics",
    auth=bearer,
    response={200: StatsOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut},
    summary="Waktu tunggu, waktu layanan dan ketidakhadiran per hari, loket dan instansi",
)
def statistics(request: BearerRequest, mpp_id: Id, query: Query[StatsQuery]) -> StatsOut:
    mpp = selectors.queue_mpp(mpp_id, active_only=False)
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
    # The schema reads the selectors' rows once (a row already read is not read again).
    return StatsOut.model_validate(
        {
            "mpp_id": mpp.pk,
            "start": query.start,
            "end": query.end,
            "by_day": stats["by_day"],
            "by_counter": stats["by_counter"],
            "by_agency": stats["by_agency"],
            "waits_now": selectors.waits_now(mpp),
        }
    )
