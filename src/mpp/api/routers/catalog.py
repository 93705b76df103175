"""Public, read-only catalog API: MPPs, agencies and services with their current standard."""

from __future__ import annotations

import datetime
from typing import Literal

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from mpp.api.problems import Problem, ProblemOut
from mpp.catalog import selectors
from mpp.catalog.models import Category, Service, ServiceVersion
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


class RegionOut(Schema):
    code: str
    name: str
    province_code: str
    province_name: str
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


class PresenceOut(Schema):
    agency_id: int
    slug: str
    name: str
    short_name: str
    counters: str


class MPPDetailOut(MPPOut):
    agencies: list[PresenceOut]
    service_count: int


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


class AgencyPage(PageOut):
    results: list[AgencyOut]


class RefOut(Schema):
    id: int
    name: str


class ServiceOut(Schema):
    id: int
    slug: str
    name: str
    summary: str
    category: str
    channel: Literal["online", "counter", "both"]
    agency: RefOut
    mpp: RefOut
    region_code: str
    version: int
    effective_from: datetime.date
    time_limit: int
    time_limit_unit: Literal["working_days", "hours"]
    fee: int = Field(description="Rupiah; 0 berarti gratis")


class ServicePage(PageOut):
    results: list[ServiceOut]


class ChoiceOut(Schema):
    value: str
    label: str


class ConditionOut(Schema):
    field: str
    value: str


class FormFieldOut(Schema):
    name: str
    type: str
    label: str
    required: bool
    help_text: str
    section: str
    order: int
    choices: list[ChoiceOut] | None = None
    file_types: list[str] | None = None
    max_bytes: int | None = None
    visible_if: ConditionOut | None = None


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


class ServiceDetailOut(Schema):
    id: int
    slug: str
    name: str
    category: str
    agency: RefOut
    mpp: RefOut
    region_code: str
    accepts_applications: bool
    current_version: VersionOut


# --- Converters ------------------------------------------------------------------------------


def _region(mpp: MPP) -> dict:
    region = mpp.region
    return {
        "code": region.code,
        "name": region.name,
        "province_code": region.province_id,
        "province_name": region.province.name,
        "timezone": region.timezone,
    }


def _mpp(mpp: MPP) -> dict:
    labels = dict(MPP.Facility.choices)
    weekdays = dict(OpeningHours.Weekday.choices)
    return {
        "id": mpp.pk,
        "slug": mpp.slug,
        "name": mpp.name,
        "region": _region(mpp),
        "address": mpp.address,
        "latitude": float(mpp.latitude) if mpp.latitude is not None else None,
        "longitude": float(mpp.longitude) if mpp.longitude is not None else None,
        "phone": mpp.phone,
        "email": mpp.email,
        "facilities": [
            {"code": code, "label": str(labels[code])} for code in mpp.facilities if code in labels
        ],
        "opening_hours": [
            {
                "weekday": h.weekday,
                "weekday_name": str(weekdays[h.weekday]),
                "opens": h.opens.strftime("%H:%M"),
                "closes": h.closes.strftime("%H:%M"),
                "note": h.note,
            }
            for h in mpp.opening_hours.all()
        ],
    }


def _service_head(service: Service) -> dict:
    """What identifies a service and where it is offered (shared by the list and the detail)."""
    return {
        "id": service.pk,
        "slug": service.slug,
        "name": service.name,
        "category": service.category,
        "agency": {"id": service.agency_id, "name": service.agency.name},
        "mpp": {"id": service.mpp_id, "name": service.mpp.name},
        "region_code": service.mpp.region_id,
    }


def _service(service: Service) -> dict:
    version = service.current_version
    return {
        **_service_head(service),
        "summary": version.summary,
        "channel": service.channel,
        "version": version.number,
        "effective_from": version.effective_from,
        "time_limit": version.time_limit,
        "time_limit_unit": version.time_limit_unit,
        "fee": version.fee,
    }


def _form(version: ServiceVersion) -> list[dict]:
    fields = []
    for order, item in enumerate(version.form_definition, start=1):
        fields.append(
            {
                "name": item["name"],
                "type": item["type"],
                "label": item["label"],
                "required": bool(item.get("required")),
                "help_text": item.get("help_text", ""),
                "section": item.get("section", ""),
                "order": order,
                "choices": item.get("choices"),
                "file_types": item.get("file_types"),
                "max_bytes": item.get("max_bytes"),
                "visible_if": item.get("visible_if"),
            }
        )
    return fields


# --- Endpoints -------------------------------------------------------------------------------


class MPPFilters(PageParams):
    province: str | None = Field(None, pattern=r"^\d{2}$", description="Kode provinsi (2 digit)")
    region: str | None = Field(
        None, pattern=r"^\d{4}$", description="Kode kabupaten/kota (4 digit)"
    )


def _mpps_with_hours():
    return selectors.public_mpps().prefetch_related("opening_hours").order_by("id")


@router.get("/mpps", response={200: MPPPage, 422: ProblemOut}, summary="Daftar MPP")
def list_mpps(request, filters: Query[MPPFilters]):
    mpps = _mpps_with_hours()
    if filters.province:
        mpps = mpps.filter(region__province_id=filters.province)
    if filters.region:
        mpps = mpps.filter(region_id=filters.region)
    items, meta = _paginate(mpps, filters)
    return {**meta, "results": [_mpp(m) for m in items]}


@router.get("/mpps/{mpp_id}", response={200: MPPDetailOut, 404: ProblemOut}, summary="Satu MPP")
def get_mpp(request, mpp_id: int):
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
    return {
        **_mpp(mpp),
        "agencies": [
            {
                "agency_id": p.agency_id,
                "slug": p.agency.slug,
                "name": p.agency.name,
                "short_name": p.agency.short_name,
                "counters": p.counters,
            }
            for p in mpp.active_presences
        ],
        "service_count": selectors.services_at(mpp).count(),
    }


class AgencyFilters(PageParams):
    mpp: int | None = Field(None, ge=1, description="ID MPP tempat instansi melayani")
    region: str | None = Field(None, pattern=r"^\d{4}$", description="Kode kabupaten/kota asal")


@router.get("/agencies", response={200: AgencyPage, 422: ProblemOut}, summary="Daftar instansi")
def list_agencies(request, filters: Query[AgencyFilters]):
    agencies = Agency.objects.prefetch_related(
        Prefetch("presences", queryset=AgencyPresence.objects.filter(is_active=True))
    ).order_by("name", "id")
    if filters.mpp:
        agencies = agencies.filter(presences__mpp_id=filters.mpp, presences__is_active=True)
    if filters.region:
        agencies = agencies.filter(region_id=filters.region)
    items, meta = _paginate(agencies, filters)
    return {
        **meta,
        "results": [
            {
                "id": a.pk,
                "slug": a.slug,
                "name": a.name,
                "short_name": a.short_name,
                "kind": a.kind,
                "region_code": a.region_id,
                "mpp_ids": sorted(p.mpp_id for p in a.presences.all()),
            }
            for a in items
        ],
    }


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
def list_services(request, filters: Query[ServiceFilterParams]):
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
    return {**meta, "results": [_service(s) for s in selectors.listing(items)]}


@router.get(
    "/services/{service_id}",
    response={200: ServiceDetailOut, 404: ProblemOut},
    summary="Satu layanan dengan standar pelayanan dan definisi formulir yang berlaku",
)
def get_service(request, service_id: int):
    service = selectors.public_service(service_id)
    if service is None:
        raise Problem(404, _("Layanan tidak ditemukan."))
    version = service.current_version
    return {
        **_service_head(service),
        "accepts_applications": service.accepts_applications,
        "current_version": {
            "number": version.number,
            "effective_from": version.effective_from,
            "published_at": version.published_at,
            "name": version.name,
            "summary": version.summary,
            "channel": version.channel,
            "requirements": version.requirements,
            "procedure": version.procedure,
            "time_limit": version.time_limit,
            "time_limit_unit": version.time_limit_unit,
            "fee": version.fee,
            "fee_note": version.fee_note,
            "product": version.product,
            "complaint_handling": version.complaint_handling,
            "legal_basis": version.legal_basis,
            "auto_approve": version.auto_approve,
            "skip_approval": version.skip_approval,
            "form": _form(version),
        },
    }
