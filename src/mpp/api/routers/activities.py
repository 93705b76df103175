"""Activities API (issue 28): the public programme, one activity with its seats left, and a
signed-in citizen's registrations (register, cancel), as on the web pages."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from mpp.activities import selectors, services
from mpp.activities.models import Activity, Category, Registration
from mpp.activities.services import ActivityError
from mpp.api.auth import BearerRequest, bearer
from mpp.api.paging import PageOut, PageParams, queryset_page
from mpp.api.problems import Problem, ProblemOut
from mpp.api.types import Day, Id
from mpp.regions.localtime import zone_name_of

router = Router(tags=["kegiatan"])

PROGRAMME_ORDER = ("starts_at", "id")
REGISTRATION_ORDER = ("-created_at", "-id")


class ActivityOut(Schema):
    id: int
    mpp_id: int
    mpp_name: str = Field(alias="mpp.name")
    region_code: str = Field(alias="mpp.region_id", description="Kode kabupaten/kota Kemendagri")
    agency_name: str | None = Field(None, description="Instansi penyelenggara, bila ada")
    title: str
    organiser: str
    category: str = Field(description="Kode kategori (lihat category_label)")
    category_label: str
    place: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    timezone: str = Field(description="Zona waktu MPP (IANA), untuk jam setempat")
    capacity: int
    registration_required: bool
    url: str = Field(description="Halaman kegiatan di situs")

    @staticmethod
    def resolve_agency_name(activity: Activity) -> str | None:
        return activity.agency.name if activity.agency_id and activity.agency else None

    @staticmethod
    def resolve_category_label(activity: Activity) -> str:
        return str(activity.get_category_display())

    @staticmethod
    def resolve_timezone(activity: Activity) -> str:
        return zone_name_of(activity.mpp.region)

    @staticmethod
    def resolve_url(activity: Activity) -> str:
        return f"/kegiatan/{activity.pk}/"


class ActivityPage(PageOut):
    items: list[ActivityOut]


class SeatsOut(Schema):
    seated: int
    waiting: int
    left: int


class ActivityDetailOut(ActivityOut):
    description: str
    accessibility: str
    seats: SeatsOut

    @staticmethod
    def resolve_seats(activity: Activity) -> dict[str, int]:
        return selectors.seats(activity)


class ProgrammeQuery(Schema):
    region: str | None = Field(
        None, max_length=4, pattern=r"^\d{4}$", description="Kode kabupaten/kota, misalnya 2171"
    )
    mpp_id: Id | None = None
    category: Category | None = None
    start: Day | None = Field(None, description="Hari pertama (WIB; hari setempat bila mpp_id)")
    end: Day | None = Field(None, description="Hari terakhir (WIB; hari setempat bila mpp_id)")


class RegistrationIn(Schema):
    activity_id: Id


class RegistrationOut(Schema):
    id: int
    number: str = Field(description="Nomor tiket, ditunjukkan di pintu")
    status: str
    status_label: str
    activity: ActivityOut
    ticket_url: str = Field(description="Halaman tiket dengan kode QR")

    @staticmethod
    def resolve_ticket_url(registration: Registration) -> str:
        return services.ticket_link(registration)


class RegistrationPage(PageOut):
    items: list[RegistrationOut]


def _problem(error: ActivityError) -> Problem:
    status = error.status if error.status in (403, 404, 409) else 422
    return Problem(status, error.message, errors=error.errors or None)


def _activity(activity_id: int, field: str | None = None) -> Activity:
    activity = selectors.public_activity(activity_id)
    if activity is None:
        message = _("Kegiatan tidak ditemukan.")
        raise Problem(404, message, errors={field: [message]} if field else None)
    return activity


@router.get(
    "/activities",
    response={200: ActivityPage, 400: ProblemOut, 404: ProblemOut, 422: ProblemOut},
    summary="Program kegiatan MPP yang akan datang dan sedang berjalan",
)
def list_activities(
    request: HttpRequest,
    response: HttpResponse,
    query: Query[ProgrammeQuery],
    paging: Query[PageParams],
) -> ActivityPage:
    mpp = None
    if query.mpp_id is not None:
        mpp = selectors.public_mpp(query.mpp_id)
        if mpp is None:
            message = _("MPP tidak ditemukan.")
            raise Problem(404, message, errors={"mpp_id": [message]})
    rows = selectors.public_programme(
        region=query.region or "",
        mpp=mpp,
        category=query.category or "",
        start=query.start,
        end=query.end,
    )
    return queryset_page(
        ActivityPage, request, rows, paging, order=PROGRAMME_ORDER, response=response
    )


@router.get(
    "/activities/{activity_id}",
    response={200: ActivityDetailOut, 404: ProblemOut, 422: ProblemOut},
    summary="Satu kegiatan dengan tempat yang masih tersedia",
)
def activity_detail(request: HttpRequest, activity_id: Id) -> ActivityDetailOut:
    return ActivityDetailOut.model_validate(_activity(activity_id))


@router.get(
    "/me/activities/registrations",
    auth=bearer,
    response={200: RegistrationPage, 400: ProblemOut, 401: ProblemOut, 422: ProblemOut},
    summary="Pendaftaran kegiatan pemanggil (tanpa yang dibatalkan), terbaru dahulu",
)
def my_registrations(
    request: BearerRequest, response: HttpResponse, paging: Query[PageParams]
) -> RegistrationPage:
    return queryset_page(
        RegistrationPage,
        request,
        selectors.my_registrations(request.auth),
        paging,
        order=REGISTRATION_ORDER,
        response=response,
    )


@router.post(
    "/me/activities/registrations",
    auth=bearer,
    response={
        201: RegistrationOut,
        401: ProblemOut,
        404: ProblemOut,
        409: ProblemOut,
        422: ProblemOut,
    },
    summary="Mendaftar kegiatan (tempat duduk, atau daftar tunggu bila penuh)",
)
def register(request: BearerRequest, payload: RegistrationIn) -> Status[Registration]:
    activity = _activity(payload.activity_id, "activity_id")
    try:
        registration = services.register(
            activity, user=request.auth, language=translation.get_language() or "id"
        )
    except ActivityError as error:
        raise _problem(error) from error
    return Status(201, registration)


@router.post(
    "/me/activities/registrations/{registration_id}/cancel",
    auth=bearer,
    response={
        200: RegistrationOut,
        401: ProblemOut,
        404: ProblemOut,
        409: ProblemOut,
        422: ProblemOut,
    },
    summary="Membatalkan pendaftaran kegiatan (tempat diberikan ke daftar tunggu)",
)
def cancel_registration(request: BearerRequest, registration_id: Id) -> Registration:
    registration = selectors.my_registration(request.auth, registration_id)
    if registration is None:
        raise Problem(404, _("Pendaftaran tidak ditemukan."))
    try:
        return services.cancel_registration(registration, user=request.auth)
    except ActivityError as error:
        raise _problem(error) from error
