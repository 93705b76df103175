"""Open311 GeoReport v2 at ``/open311/v2/``: plain Django views, since the specification wants
form-encoded POST bodies, ``.json``/``.xml`` suffixes and its own list of ``{code, description}``
errors (http://wiki.open311.org/GeoReport_v2).

Mapping (docs/complaints.md): ``jurisdiction_id`` is the 4-digit kab/kota code (required: we serve
every kab/kota); a service is a complaint :class:`~mpp.complaints.models.Category`, national or of
the kab/kota; ``status`` is ``open`` until the complaint is closed, referred or archived;
``expected_datetime`` is the current deadline; ``agency_responsible`` is the agency. Nothing about
the reporter is ever returned, and confidential (rahasia) complaints are not listed at all.
"""

from __future__ import annotations

import datetime
import json
import uuid
from decimal import Decimal
from xml.etree import ElementTree

from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mpp.complaints import selectors, services
from mpp.complaints.models import (
    MAX_TEXT,
    About,
    Category,
    Channel,
    Complaint,
    IntegrationClient,
    Message,
)
from mpp.complaints.workflow import OPEN
from mpp.parsing import parse_datetime, parse_decimal
from mpp.regions import calendar
from mpp.regions.models import Region
from mpp.tenancy.models import MPP

MAX_RESULTS = 1000
MAX_RANGE = datetime.timedelta(days=90)
YES_NO = [{"key": "false", "name": "Tidak"}, {"key": "true", "name": "Ya"}]
# Attributes every category has: the privacy options of the submission form.
PRIVACY_ATTRIBUTES = [
    {
        "variable": True,
        "code": "anonim",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": "true atau false",
        "order": 1,
        "description": "Anonim: pengaduan tampil untuk umum, identitas pelapor disembunyikan.",
        "values": YES_NO,
    },
    {
        "variable": True,
        "code": "rahasia",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": "true atau false",
        "order": 2,
        "description": "Rahasia: pengaduan tidak ditampilkan untuk umum.",
        "values": YES_NO,
    },
]
XML_ITEMS = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


# --- Rendering ---------------------------------------------------------------------------------


def _xml_value(parent: ElementTree.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            child = ElementTree.SubElement(parent, key)
            _xml_value(child, item)
    elif isinstance(value, list):
        name = XML_ITEMS.get(parent.tag, "item")
        for item in value:
            _xml_value(ElementTree.SubElement(parent, name), item)
    elif isinstance(value, bool):
        parent.text = "true" if value else "false"
    elif value is not None:
        parent.text = str(value)


def render(data, fmt: str, *, root: str = "", item: str = "", status: int = 200) -> HttpResponse:
    """JSON as is; XML with ``root`` holding one ``item`` element per list entry."""
    if fmt == "json":
        return HttpResponse(
            json.dumps(data, ensure_ascii=False), status=status, content_type="application/json"
        )
    element = ElementTree.Element(root)
    if isinstance(data, list):
        for entry in data:
            _xml_value(ElementTree.SubElement(element, item), entry)
    else:
        _xml_value(element, data)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(element, "utf-8")
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def error_response(error: Open311Error, fmt: str) -> HttpResponse:
    return render(
        [{"code": error.status, "description": error.description}],
        fmt,
        root="errors",
        item="error",
        status=error.status,
    )


def open311_view(view):
    """Errors raised as :class:`Open311Error` become the specification's list of errors."""

    def wrapped(request, fmt: str, **kwargs):
        try:
            return view(request, fmt, **kwargs)
        except Open311Error as error:
            return error_response(error, fmt)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return csrf_exempt(wrapped)


def _iso(moment: datetime.datetime | None, region_code: str) -> str | None:
    """ISO 8601 in the jurisdiction's own zone (WIB/WITA/WIT), e.g. 2026-12-07T23:59:59+07:00."""
    if moment is None:
        return None
    return moment.astimezone(calendar.region_zone(region_code)).isoformat(timespec="seconds")


# --- Lookups -----------------------------------------------------------------------------------


def _jurisdiction(params) -> Region:
    code = (params.get("jurisdiction_id") or "").strip()
    if not code:
        raise Open311Error(400, "jurisdiction_id is required (the 4-digit kab/kota code)")
    region = Region.objects.filter(code=code).first() if len(code) == 4 and code.isdigit() else None
    if region is None:
        raise Open311Error(404, f"jurisdiction_id {code} was not found")
    return region


def categories_of(region: Region) -> list[Category]:
    return list(selectors.categories_for(region))


def _category(region: Region, code: str) -> Category:
    category = selectors.category_for(region, code)
    if category is None:
        raise Open311Error(404, f"service_code {code} was not found")
    return category


def _service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": True,
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.group,
    }


def _request(complaint: Complaint) -> dict:
    if complaint.status == "referred":
        notes = f"Bukan wewenang; dirujuk ke {complaint.referred_to}"
    else:
        notes = complaint.latest_response or ""
    return {
        "service_request_id": complaint.tracking_number,
        "status": "open" if complaint.status in OPEN else "closed",
        "status_notes": notes,
        "service_name": complaint.category.name
        if complaint.category
        else complaint.get_kind_display(),
        "service_code": complaint.category.code if complaint.category else "",
        "description": complaint.text,
        "agency_responsible": complaint.agency.name if complaint.agency else "",
        "service_notice": "",
        "requested_datetime": _iso(complaint.submitted_at, complaint.region_id),
        "updated_datetime": _iso(complaint.updated_at, complaint.region_id),
        "expected_datetime": _iso(
            None if complaint.clock_stopped_at else complaint.due_at, complaint.region_id
        ),
        "address": complaint.address,
        "address_id": "",
        "zipcode": "",
        "lat": float(complaint.latitude) if complaint.latitude is not None else None,
        "long": float(complaint.longitude) if complaint.longitude is not None else None,
        "media_url": "",
    }


LISTED_FIELDS = (
    "tracking_number",
    "status",
    "kind",
    "text",
    "referred_to",
    "submitted_at",
    "updated_at",
    "due_at",
    "clock_stopped_at",
    "address",
    "latitude",
    "longitude",
    "region_id",
    "category__code",
    "category__name",
    "agency__name",
)


def _listed(region: Region):
    """Public complaints of ``region``, each with its latest answer (one query, no prefetch)."""
    latest = Message.objects.filter(complaint=OuterRef("pk"), is_response=True).order_by(
        "-at", "-id"
    )
    return (
        Complaint.objects.public()
        .filter(region=region)
        .select_related("category", "agency")
        .only(*LISTED_FIELDS)
        .annotate(latest_response=Subquery(latest.values("text")[:1]))
    )


# --- Endpoints ---------------------------------------------------------------------------------


@require_http_methods(["GET"])
@open311_view
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt})).rsplit(
        "/", 1
    )[0]
    return render(
        {
            "changeset": "2026-12-02T00:00:00+07:00",
            "contact": "Kementerian PANRB — MPP Digital",
            "key_service": "Kunci API diterbitkan oleh admin kabupaten/kota di /kelola/pengaduan/integrasi/.",
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base,
                    "changeset": "2026-12-02T00:00:00+07:00",
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
        fmt,
        root="discovery",
    )


@require_http_methods(["GET"])
@open311_view
def service_list(request, fmt):
    region = _jurisdiction(request.GET)
    return render(
        [_service(c) for c in categories_of(region)], fmt, root="services", item="service"
    )


@require_http_methods(["GET"])
@open311_view
def service_definition(request, fmt, code):
    region = _jurisdiction(request.GET)
    category = _category(region, code)
    attributes = list(category.attributes or []) + PRIVACY_ATTRIBUTES
    return render(
        {"service_code": category.code, "attributes": attributes},
        fmt,
        root="service_definition",
    )


def _dates(params) -> tuple[datetime.datetime, datetime.datetime]:
    def parse(name):
        raw = (params.get(name) or "").strip()
        if not raw:
            return None
        value = parse_datetime(raw)
        if value is None or value.tzinfo is None:
            raise Open311Error(
                400,
                f"{name} must be a W3C datetime with a zone between the years 1900 and 2100,"
                " e.g. 2026-01-01T00:00:00Z",
            )
        return value

    start, end = parse("start_date"), parse("end_date")
    if start is None and end is None:
        end = timezone.now()
        start = end - MAX_RANGE
    elif start is None:
        start = end - MAX_RANGE
    elif end is None:
        end = min(timezone.now(), start + MAX_RANGE)
        end = max(end, start)
    if end < start:
        raise Open311Error(400, "end_date is before start_date")
    if end - start > MAX_RANGE:
        raise Open311Error(400, "start_date and end_date may be at most 90 days apart")
    return start, end


def _request_list(request, fmt):
    region = _jurisdiction(request.GET)
    rows = _listed(region)
    ids = [i.strip() for i in (request.GET.get("service_request_id") or "").split(",") if i.strip()]
    if ids:
        rows = rows.filter(tracking_number__in=ids[:MAX_RESULTS])
    else:
        codes = [c.strip() for c in (request.GET.get("service_code") or "").split(",") if c.strip()]
        if codes:
            known = {c.code for c in categories_of(region)}
            unknown = [c for c in codes if c not in known]
            if unknown:
                raise Open311Error(404, f"service_code {unknown[0]} was not found")
            rows = rows.filter(category__code__in=codes)
        statuses = {s.strip() for s in (request.GET.get("status") or "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, "status must be open or closed (comma delimited)")
        if statuses == {"open"}:
            rows = rows.filter(status__in=OPEN)
        elif statuses == {"closed"}:
            rows = rows.exclude(status__in=OPEN)
        start, end = _dates(request.GET)
        rows = rows.filter(submitted_at__gte=start, submitted_at__lte=end)
    rows = rows.order_by("-submitted_at", "-id")[:MAX_RESULTS]
    return render([_request(c) for c in rows], fmt, root="service_requests", item="request")


def _bool(value) -> bool:
    return str(value or "").strip().lower() in ("true", "1", "ya", "yes")


def is_partner_request(request) -> bool:
    """A POST to the Open311 API with a valid, unrevoked ``api_key``: a partner server filing for
    many reporters, not an anonymous client (the anonymous-POST limit of 30 per address in ten
    minutes refused a partner's 31st request). A wrong key stays limited, so guessing keys does."""
    if request.method != "POST" or not request.path.startswith("/open311/"):
        return False
    key = (request.POST.get("api_key") or "").strip()
    return bool(key) and (
        IntegrationClient.objects.filter(
            key_hash=IntegrationClient.hash(key), revoked_at__isnull=True
        ).exists()
    )


def _create_request(request, fmt):
    params = request.POST
    key = (params.get("api_key") or "").strip()
    client = (
        IntegrationClient.objects.filter(
            key_hash=IntegrationClient.hash(key), revoked_at__isnull=True
        ).first()
        if key
        else None
    )
    if client is None:
        raise Open311Error(403, "api_key is missing or invalid")
    region = _jurisdiction(params)
    if client.region_id and client.region_id != region.code:
        raise Open311Error(403, "api_key is not valid for this jurisdiction_id")
    code = (params.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "service_code is required")
    category = _category(region, code)
    description = (params.get("description") or "").strip()
    if not description:
        raise Open311Error(400, "description is required")
    if len(description) > MAX_TEXT:
        raise Open311Error(400, f"description may be at most {MAX_TEXT} characters")
    lat, lon = None, None
    if params.get("lat") or params.get("long"):
        if not (params.get("lat") and params.get("long")):
            raise Open311Error(400, "lat and long must be sent together")
        lat, lon = parse_decimal(params["lat"]), parse_decimal(params["long"])
        if lat is None or lon is None:
            raise Open311Error(400, "lat and long must be decimal degrees")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise Open311Error(400, "lat and long are out of range")
        lat, lon = lat.quantize(Decimal("0.000001")), lon.quantize(Decimal("0.000001"))
    address = (params.get("address_string") or "").strip()[:300]
    if category.needs_location and lat is None and not address:
        raise Open311Error(
            400, f"service_code {code} requires a location: lat/long or address_string"
        )
    for attribute in category.attributes or []:
        if attribute.get("required") and not params.get(f"attribute[{attribute['code']}]"):
            raise Open311Error(400, f"attribute[{attribute['code']}] is required")
    mpp = MPP.objects.filter(region=region, is_active=True).order_by("id").first()
    if mpp is None:
        raise Open311Error(404, f"jurisdiction_id {region.code} has no MPP yet")
    name = " ".join(
        p for p in (params.get("first_name", ""), params.get("last_name", "")) if p
    ).strip()
    data = services.Submission(
        kind=category.kind,
        about=About.AGENCY if category.agency_id else About.MPP,
        title=category.name,
        text=description,
        mpp=mpp,
        agency=category.agency,
        category=category,
        address=address,
        latitude=lat,
        longitude=lon,
        is_anonymous=_bool(params.get("attribute[anonim]")) or not name,
        is_confidential=_bool(params.get("attribute[rahasia]")),
        reporter_name=name[:150],
        reporter_email=(params.get("email") or "").strip()[:254],
        reporter_phone=(params.get("phone") or "").strip()[:32],
    )
    try:
        complaint = services.submit_complaint(data, channel=Channel.OPEN311)
    except services.ComplaintError as error:
        raise Open311Error(400, error.message) from None
    return render(
        [
            {
                "service_request_id": complaint.tracking_number,
                "token": str(complaint.token),
                "service_notice": "Pengaduan diterima dan akan diverifikasi dalam 3 hari kerja.",
                "account_id": "",
            }
        ],
        fmt,
        root="service_requests",
        item="request",
        status=201,
    )


@require_http_methods(["GET", "POST"])
@open311_view
def requests_endpoint(request, fmt):
    if request.method == "POST":
        return _create_request(request, fmt)
    return _request_list(request, fmt)


@require_http_methods(["GET"])
@open311_view
def request_detail(request, fmt, request_id):
    region = _jurisdiction(request.GET)
    complaint = _listed(region).filter(tracking_number=request_id).first()
    if complaint is None:
        raise Open311Error(404, f"service_request_id {request_id} was not found")
    return render([_request(complaint)], fmt, root="service_requests", item="request")


@require_http_methods(["GET"])
@open311_view
def token_detail(request, fmt, token):
    try:
        value = uuid.UUID(token)
    except ValueError:
        value = None
    complaint = Complaint.objects.filter(token=value).first() if value else None
    if complaint is None:
        raise Open311Error(404, f"token {token} was not found")
    return render(
        [{"service_request_id": complaint.tracking_number, "token": str(complaint.token)}],
        fmt,
        root="service_requests",
        item="request",
    )
