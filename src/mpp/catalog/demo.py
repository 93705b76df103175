"""Demo tenancy: the MPP of Kota Batam with the agencies that really serve there, and Kota Yogyakarta."""

from __future__ import annotations

import datetime
from decimal import Decimal

from mpp.catalog import demo_standards, services
from mpp.catalog.models import Service
from mpp.regions.models import Region
from mpp.tenancy.models import MPP, Agency, AgencyPresence, OpeningHours

BATAM_AGENCIES = [
    (
        "disdukcapil-batam",
        "Dinas Kependudukan dan Pencatatan Sipil Kota Batam",
        "Disdukcapil",
        "regional",
        "2171",
    ),
    (
        "dpmptsp-batam",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Batam",
        "DPMPTSP",
        "regional",
        "2171",
    ),
    ("dinkes-batam", "Dinas Kesehatan Kota Batam", "Dinkes", "regional", "2171"),
    ("imigrasi-batam", "Kantor Imigrasi Kelas I Khusus TPI Batam", "Imigrasi", "central", "2171"),
    ("polresta-barelang", "Kepolisian Resor Kota Barelang", "Polresta Barelang", "central", "2171"),
    (
        "bpjs-kesehatan-batam",
        "BPJS Kesehatan Kantor Cabang Batam",
        "BPJS Kesehatan",
        "central",
        "2171",
    ),
    (
        "bpjs-ketenagakerjaan-batam",
        "BPJS Ketenagakerjaan Kantor Cabang Batam",
        "BPJS Ketenagakerjaan",
        "central",
        "2171",
    ),
    (
        "samsat-batam",
        "UPT Pengelolaan Pendapatan Daerah (Samsat) Batam",
        "Samsat",
        "provincial",
        "2171",
    ),
    ("atr-bpn-batam", "Kantor Pertanahan Kota Batam", "BPN", "central", "2171"),
    ("kpp-pratama-batam-selatan", "KPP Pratama Batam Selatan", "KPP Pratama", "central", "2171"),
    (
        "bp-batam-air",
        "Badan Pengusahaan Batam — Layanan Air (SPAM Batam)",
        "SPAM Batam",
        "central",
        "2171",
    ),
    ("pln-batam", "PT PLN Batam", "PLN Batam", "bumn", "2171"),
    (
        "bank-riau-kepri-batam",
        "Bank Riau Kepri Syariah Cabang Batam",
        "BRK Syariah",
        "bumd",
        "2171",
    ),
]

YOGYAKARTA_AGENCIES = [
    ("disdukcapil-yogyakarta", "Dinas Kependudukan dan Pencatatan Sipil Kota Yogyakarta", "Disdukcapil", "regional", "3471"),
    ("dpmptsp-yogyakarta", "Dinas Penanaman Modal dan Perizinan Kota Yogyakarta", "DPMP", "regional", "3471"),
    ("dinkes-yogyakarta", "Dinas Kesehatan Kota Yogyakarta", "Dinkes", "regional", "3471"),
    ("imigrasi-yogyakarta", "Kantor Imigrasi Kelas I TPI Yogyakarta", "Imigrasi", "central", "3471"),
]  # fmt: skip


BATAM_FACILITIES = [
    "ramp", "guiding_block", "disability_seating", "accessible_toilet", "wheelchair",
    "lactation_room", "children_area", "prayer_room", "parking", "wifi", "self_service",
]  # fmt: skip
YOGYAKARTA_FACILITIES = [
    "ramp", "guiding_block", "disability_seating", "accessible_toilet", "sign_language",
    "lactation_room", "children_area", "prayer_room", "parking", "wifi",
]  # fmt: skip
BATAM_COUNTERS = {
    "disdukcapil-batam": "Loket 1–6 (Senin–Jumat 09.00–15.00 WIB)",
    "dpmptsp-batam": "Loket 7–9",
    "dinkes-batam": "Loket 10",
    "imigrasi-batam": "Loket 11–13",
    "polresta-barelang": "Loket 14–15",
    "bpjs-kesehatan-batam": "Loket 16–17",
    "bpjs-ketenagakerjaan-batam": "Loket 18",
    "samsat-batam": "Loket 19–21",
    "atr-bpn-batam": "Loket 22",
    "kpp-pratama-batam-selatan": "Loket 23",
    "bp-batam-air": "Loket 24",
    "pln-batam": "Loket 25",
    "bank-riau-kepri-batam": "Loket 26 (kasir)",
}


def _t(hours: str) -> datetime.time:
    return datetime.time(int(hours[:2]), int(hours[3:]))


# weekday → (opens, closes, note)
BATAM_HOURS = {
    **{day: ("08.00", "16.00", "") for day in range(4)},
    4: ("08.00", "16.00", "Istirahat salat Jumat 11.30–13.00"),
}
YOGYAKARTA_HOURS = {
    **{day: ("08.00", "15.30", "") for day in range(4)},
    4: ("08.00", "14.30", ""),
    5: ("08.00", "12.00", "Hanya layanan Disdukcapil"),
}


def load() -> dict[str, MPP]:
    mpps = load_tenancy()
    load_services(mpps)
    return mpps


def load_services(mpps: dict[str, MPP]) -> None:
    """National templates, the Batam services (44) and a few in Yogyakarta, all published.

    Idempotent: a service whose slug exists is left as it is (including any edits made in the demo).
    """
    templates = {}
    for slug, content in demo_standards.TEMPLATES.items():
        template = Service.objects.filter(slug=slug).first()
        if template is None:
            template = services.create_template(actor=services.SYSTEM, content=content, slug=slug)
            _publish_first(template)
        templates[slug] = template
    for mpp_key, adoptions in (
        ("batam", demo_standards.BATAM_ADOPTIONS),
        ("yogyakarta", demo_standards.YOGYAKARTA_ADOPTIONS),
    ):
        mpp = mpps[mpp_key]
        for agency_slug, template_slugs in adoptions.items():
            agency = Agency.objects.get(slug=agency_slug)
            for template_slug in template_slugs:
                slug = f"{mpp_key}-{template_slug.removeprefix('templat-')}"
                if not Service.objects.filter(slug=slug).exists():
                    service = services.adopt_template(
                        templates[template_slug],
                        actor=services.SYSTEM,
                        agency=agency,
                        mpp=mpp,
                        slug=slug,
                    )
                    _publish_first(service)
    for agency_slug, entries in demo_standards.OTHER_SERVICES.items():
        agency = Agency.objects.get(slug=agency_slug)
        for slug, content in entries:
            if not Service.objects.filter(slug=slug).exists():
                service = services.create_service(
                    actor=services.SYSTEM,
                    agency=agency,
                    mpp=mpps["batam"],
                    content=content,
                    slug=slug,
                )
                _publish_first(service)


def _publish_first(service: Service) -> None:
    services.publish_draft(
        service.versions.get(number=1),
        actor=services.SYSTEM,
        effective_from=datetime.date(2026, 1, 2),
        change_note="Standar pelayanan awal.",
    )


def load_tenancy() -> dict[str, MPP]:
    batam, _ = MPP.objects.update_or_create(
        slug="mpp-kota-batam",
        defaults={
            "region": Region.objects.get(code="2171"),
            "name": "Mal Pelayanan Publik Kota Batam",
            "address": "Jl. Engku Putri No. 1, Teluk Tering, Kecamatan Batam Kota, Kota Batam, Kepulauan Riau 29461",
            "latitude": Decimal("1.128700"),
            "longitude": Decimal("104.053200"),
            "phone": "(0778) 000000",
            "email": "mpp@batam.go.id",
            "facilities": BATAM_FACILITIES,
        },
    )
    yogyakarta, _ = MPP.objects.update_or_create(
        slug="mpp-kota-yogyakarta",
        defaults={
            "region": Region.objects.get(code="3471"),
            "name": "Mal Pelayanan Publik Kota Yogyakarta",
            "address": "Jl. Kenari No. 56, Muja Muju, Kecamatan Umbulharjo, Kota Yogyakarta, DI Yogyakarta 55165",
            "latitude": Decimal("-7.800300"),
            "longitude": Decimal("110.390400"),
            "email": "mpp@jogjakota.go.id",
            "facilities": YOGYAKARTA_FACILITIES,
        },
    )
    for mpp, agencies in ((batam, BATAM_AGENCIES), (yogyakarta, YOGYAKARTA_AGENCIES)):
        for slug, name, short_name, kind, region_code in agencies:
            agency, _ = Agency.objects.update_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "short_name": short_name,
                    "kind": kind,
                    "region_id": region_code,
                },
            )
            AgencyPresence.objects.get_or_create(
                agency=agency, mpp=mpp, defaults={"counters": BATAM_COUNTERS.get(slug, "")}
            )
    for mpp, hours in ((batam, BATAM_HOURS), (yogyakarta, YOGYAKARTA_HOURS)):
        for weekday, (opens, closes, note) in hours.items():
            OpeningHours.objects.get_or_create(
                mpp=mpp,
                weekday=weekday,
                defaults={"opens": _t(opens), "closes": _t(closes), "note": note},
            )
    return {"batam": batam, "yogyakarta": yogyakarta}
