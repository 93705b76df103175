"""Public, read-only catalog API: MPPs, agencies and services with their current standard."""

from __future__ import annotations

import datetime
from typing import Literal

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import Field

from mpp.api.problems import Problem, ProblemOut
from mpp.api.types import Id
from mpp.catalog import selectors
from mpp.catalog.form_schema import FormField
from mpp.catalog.models import Category, Service, ServiceVersion
from mpp.catalog.public_cache import public_page
from mpp.tenancy.models import MPP, Agency, AgencyPresence, OpeningHours

router = Router(tags=["katalog layanan"])

MAX_PAGE_SIZE = 100


class PageParams(Schema):
    page: int = Field(1, ge=1, le=100_000, description="Nomor halaman, mulai dari 1")
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="Jumlah butir per halaman")


class PageOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int


def _paginate(queryset: QuerySet, params: PageParams) -> tuple[list, dict]:
    count = queryset.count()
    pages = max(1, -(-count // params.page_size))
    start = (params.page - 1) * params.page_size
    items = list(queryset[start : start + params.page_size])
    return items, {
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "pages": pages,
    }


# --- Schemas ---------------------------------------------------------------------------------
# Endpoints return model instances; these schemas read them (a dotted ``alias`` for a related
# object's attribute, ``resolve_*`` for anything computed). Everything they read is loaded by the endpoint's one query and its prefetches,
# so serialising a page costs no query per item (asserted in test_api.py).

_FACILITY_LABELS = dict(MPP.Facility.choices)
_WEEKDAY_NAMES = dict(OpeningHours.Weekday.choices)


class RegionOut(Schema):
    code: str
    name: str
    province_code: str = Field(alias="province_id")
    province_name: str = Field(alias="province.name")
    timezone: str


class FacilityOut(Schema):
    code: str
    label: str


class OpeningHoursOut(Schema):
    weekday: int = Field(description="0 = Senin … 6 = Minggu")
    weekday_name: str
    opens: str = Field(description="HH:MM waktu setempat")
    closes: str
    note: str

    @staticmethod
    def resolve_weekday_name(hours: OpeningHours) -> str:
        return str(_WEEKDAY_NAMES[hours.weekday])

    @staticmethod
    def resolve_opens(hours: OpeningHours) -> str:
        return hours.opens.strftime("%H:%M")

    @staticmethod
    def resolve_closes(hours: OpeningHours) -> str:
        return hours.closes.strftime("%H:%M")


class MPPOut(Schema):
    id: int
    slug: str
    name: str
    region: RegionOut
    address: str
    latitude: float | None
    longitude: float | None
    phone: str
    email: str
    facilities: list[FacilityOut]
    opening_hours: list[OpeningHoursOut]

    @staticmethod
    def resolve_facilities(mpp: MPP) -> list[dict]:
        return [
            {"code": code, "label": str(_FACILITY_LABELS[code])}
            for code in mpp.facilities
            if code in _FACILITY_LABELS
        ]


class PresenceOut(Schema):
    agency_id: int
    slug: str = Field(alias="agency.slug")
    name: str = Field(alias="agency.name")
    short_name: str = Field(alias="agency.short_name")
    counters: str


class MPPDetailOut(MPPOut):
    agencies: list[PresenceOut]
    service_count: int

    @staticmethod
    def resolve_agencies(mpp: MPP) -> list[AgencyPresence]:
        return mpp.active_presences


class MPPPage(PageOut):
    results: list[MPPOut]


class AgencyOut(Schema):
    id: int
    slug: str
    name: str
    short_name: str
    kind: str
    region_code: str
    mpp_ids: list[int]

    @staticmethod
    def resolve_region_code(agency: Agency) -> str:
        return agency.region_id

    @staticmethod
    def resolve_mpp_ids(agency: Agency) -> list[int]:
        return sorted(presence.mpp_id for presence in agency.presences.all())


class AgencyPage(PageOut):
    results: list[AgencyOut]


class RefOut(Schema):
    id: int
    name: str


class ServiceHeadOut(Schema):
    """What identifies a service and where it is offered (shared by the list and the detail)."""

    id: int
    slug: str
    name: str
    category: str
    agency: RefOut
    mpp: RefOut
    region_code: str

    @staticmethod
    def resolve_region_code(service: Service) -> str:
        return service.mpp.region_id


class ServiceOut(ServiceHeadOut):
    summary: str = Field(alias="current_version.summary")
    channel: Literal["online", "counter", "both"]
    version: int = Field(alias="current_version.number")
    effective_from: datetime.date = Field(alias="current_version.effective_from")
    time_limit: int = Field(alias="current_version.time_limit")
    time_limit_unit: Literal["working_days", "hours"] = Field(
        alias="current_version.time_limit_unit"
    )
    fee: int = Field(alias="current_version.fee", description="Rupiah; 0 berarti gratis")


class ServicePage(PageOut):
    results: list[ServiceOut]


class FormFieldOut(FormField):
    """A field of the published form: the catalog's typed field, with its place in the form."""

    order: int


class VersionOut(Schema):
    number: int
    effective_from: datetime.date
    published_at: datetime.datetime
    name: str
    summary: str
    channel: str
    requirements: list[str]
    procedure: list[str]
    time_limit: int
    time_limit_unit: str
    fee: int
    fee_note: str
    product: str
    complaint_handling: str
    legal_basis: list[str]
    auto_approve: bool = Field(
        description="Disetujui otomatis bila jangka waktu habis (fiktif positif)"
    )
    skip_approval: bool
    form: list[FormFieldOut]

    @staticmethod
    def resolve_form(version: ServiceVersion) -> list[dict]:
        """The published form, field by field, from the one typed definition (absent keys as null)."""
        return [
            {**item.model_dump(mode="json", exclude_none=True), "order": order}
            for order, item in enumerate(version.form.fields, start=1)
        ]


class ServiceDetailOut(ServiceHeadOut):
    accepts_applications: bool
    current_version: VersionOut


# --- Endpoints -------------------------------------------------------------------------------


class MPPFilters(PageParams):
    province: str | None = Field(None, pattern=r"^\d{2}$", description="Kode provinsi (2 digit)")
    region: str | None = Field(
        None, pattern=r"^\d{4}$", description="Kode kabupaten/kota (4 digit)"
    )


def _mpps_with_hours():
    return selectors.public_mpps().prefetch_related("opening_hours").order_by("id")


@router.get("/mpps", response={200: MPPPage, 422: ProblemOut}, summary="Daftar MPP")
@decorate_view(public_page)
def list_mpps(request: HttpRequest, filters: Query[MPPFilters]):
    mpps = _mpps_with_hours()
    if filters.province:
        mpps = mpps.filter(region__province_id=filters.province)
    if filters.region:
        mpps = mpps.filter(region_id=filters.region)
    items, meta = _paginate(mpps, filters)
    return {**meta, "results": items}


@router.get("/mpps/{mpp_id}", response={200: MPPDetailOut, 404: ProblemOut}, summary="Satu MPP")
@decorate_view(public_page)
def get_mpp(request: HttpRequest, mpp_id: Id):
    mpp = (
        _mpps_with_hours()
        .prefetch_related(
            Prefetch(
                "presences",
                queryset=AgencyPresence.objects.filter(is_active=True)
                .select_related("agency")
                .order_by("agency__name"),
                to_attr="active_presences",
            )
        )
        .filter(pk=mpp_id)
        .first()
    )
    if mpp is None:
        raise Problem(404, _("MPP tidak ditemukan."))
    mpp.service_count = selectors.services_at(mpp).count()
    return mpp


class AgencyFilters(PageParams):
    mpp: int | None = Field(None, ge=1, description="ID MPP tempat instansi melayani")
    region: str | None = Field(None, pattern=r"^\d{4}$", description="Kode kabupaten/kota asal")


@router.get("/agencies", response={200: AgencyPage, 422: ProblemOut}, summary="Daftar instansi")
@decorate_view(public_page)
def list_agencies(request: HttpRequest, filters: Query[AgencyFilters]):
    agencies = Agency.objects.prefetch_related(
        Prefetch("presences", queryset=AgencyPresence.objects.filter(is_active=True))
    ).order_by("name", "id")
    if filters.mpp:
        agencies = agencies.filter(presences__mpp_id=filters.mpp, presences__is_active=True)
    if filters.region:
        agencies = agencies.filter(region_id=filters.region)
    items, meta = _paginate(agencies, filters)
    return {**meta, "results": items}


class ServiceFilterParams(PageParams):
    mpp: int | None = Field(None, ge=1, description="ID MPP")
    agency: int | None = Field(None, ge=1, description="ID instansi")
    region: str | None = Field(None, pattern=r"^\d{4}$", description="Kode kabupaten/kota")
    category: Category | None = Field(None, description="Kategori layanan")
    channel: Literal["online", "counter"] | None = Field(
        None, description="online: dapat diajukan daring; counter: dapat diajukan di loket"
    )
    free: bool = Field(False, description="Hanya layanan gratis")
    q: str = Field(
        "",
        description="Kata kunci (nama, keterangan, persyaratan); hanya 200 karakter pertama yang dipakai",
    )


@router.get(
    "/services", response={200: ServicePage, 422: ProblemOut}, summary="Cari dan daftar layanan"
)
@decorate_view(public_page)
def list_services(request: HttpRequest, filters: Query[ServiceFilterParams]):
    query = selectors.ServiceFilters(
        query=filters.q,
        mpp_id=filters.mpp,
        agency_id=filters.agency,
        region=filters.region or "",
        category=filters.category.value if filters.category else "",
        channel=filters.channel or "",
        free_only=filters.free,
    )
    page = selectors.search_page(query, filters.page, filters.page_size)
    meta = {
        "count": page.paginator.count,
        "page": filters.page,
        "page_size": filters.page_size,
        "pages": max(1, page.paginator.num_pages),
    }
    items = page.object_list if page.number == filters.page else []
    return {**meta, "results": selectors.listing(items)}


@router.get(
    "/services/{service_id}",
    response={200: ServiceDetailOut, 404: ProblemOut},
    summary="Satu layanan dengan standar pelayanan dan definisi formulir yang berlaku",
)
@decorate_view(public_page)
def get_service(request: HttpRequest, service_id: Id):
    service = selectors.public_service(service_id)
    if service is None:
        raise Problem(404, _("Layanan tidak ditemukan."))
    return service
