"""Public, read-only catalog API: MPPs, agencies and services with their current standard."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import Field

from mpp.api.paging import PageOut, PageParams, queryset_page
from mpp.api.problems import Problem, ProblemOut
from mpp.api.types import Id
from mpp.catalog import selectors
from mpp.catalog.form_schema import FormField
from mpp.catalog.models import Category, Service, ServiceVersion
from mpp.catalog.public_cache import public_page
from mpp.tenancy.models import MPP, Agency, OpeningHours

router = Router(tags=["katalog layanan"])

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
    def resolve_facilities(mpp: MPP) -> list[dict[str, str]]:
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
    """Read from :func:`mpp.catalog.selectors.api_mpp` (the presences and the count it sets)."""

    agencies: list[PresenceOut] = Field(alias="active_presences")
    service_count: int


class MPPPage(PageOut):
    items: list[MPPOut]


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
    items: list[AgencyOut]


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
    region_code: str = Field(alias="mpp.region_id")


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
    items: list[ServiceOut]


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
    def resolve_form(version: ServiceVersion) -> list[dict[str, object]]:
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


@router.get(
    "/mpps", response={200: MPPPage, 400: ProblemOut, 422: ProblemOut}, summary="Daftar MPP"
)
@decorate_view(public_page)
def list_mpps(request: HttpRequest, response: HttpResponse, filters: Query[MPPFilters]) -> MPPPage:
    mpps = selectors.api_mpps(province=filters.province or "", region=filters.region or "")
    return queryset_page(
        MPPPage, request, mpps, filters, order=selectors.API_MPP_ORDER, response=response
    )


@router.get("/mpps/{mpp_id}", response={200: MPPDetailOut, 404: ProblemOut}, summary="Satu MPP")
@decorate_view(public_page)
def get_mpp(request: HttpRequest, mpp_id: Id) -> MPP:
    mpp = selectors.api_mpp(mpp_id)
    if mpp is None:
        raise Problem(404, _("MPP tidak ditemukan."))
    return mpp


class AgencyFilters(PageParams):
    mpp: int | None = Field(None, ge=1, description="ID MPP tempat instansi melayani")
    region: str | None = Field(None, pattern=r"^\d{4}$", description="Kode kabupaten/kota asal")


@router.get(
    "/agencies",
    response={200: AgencyPage, 400: ProblemOut, 422: ProblemOut},
    summary="Daftar instansi",
)
@decorate_view(public_page)
def list_agencies(
    request: HttpRequest, response: HttpResponse, filters: Query[AgencyFilters]
) -> AgencyPage:
    agencies = selectors.api_agencies(mpp_id=filters.mpp, region=filters.region or "")
    return queryset_page(
        AgencyPage, request, agencies, filters, order=selectors.API_AGENCY_ORDER, response=response
    )


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
    "/services",
    response={200: ServicePage, 400: ProblemOut, 422: ProblemOut},
    summary="Cari dan daftar layanan",
)
@decorate_view(public_page)
def list_services(
    request: HttpRequest, response: HttpResponse, filters: Query[ServiceFilterParams]
) -> ServicePage:
    query = selectors.ServiceFilters(
        query=filters.q,
        mpp_id=filters.mpp,
        agency_id=filters.agency,
        region=filters.region or "",
        category=filters.category.value if filters.category else "",
        channel=filters.channel or "",
        free_only=filters.free,
    )
    rows, order = selectors.api_services(query)
    with selectors.search_plan(query):
        return queryset_page(
            ServicePage,
            request,
            rows,
            filters,
            order=order,
            response=response,
            load=selectors.listing,
        )


@router.get(
    "/services/{service_id}",
    response={200: ServiceDetailOut, 404: ProblemOut},
    summary="Satu layanan dengan standar pelayanan dan definisi formulir yang berlaku",
)
@decorate_view(public_page)
def get_service(request: HttpRequest, service_id: Id) -> Service:
    service = selectors.public_service(service_id)
    if service is None:
        raise Problem(404, _("Layanan tidak ditemukan."))
    return service
