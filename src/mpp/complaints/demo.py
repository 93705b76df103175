"""Demo data of the complaints app: national categories, the Batam complaint desk, a demo Open311
API key (README demo table) and a few complaints. Idempotent."""

from __future__ import annotations

from django.db import transaction

from mpp.accounts.demo import demo_grant, demo_staff
from mpp.accounts.models import Role
from mpp.complaints import services
from mpp.complaints.models import About, Category, Complaint, IntegrationClient, Kind, TimeLimits
from mpp.tenancy.models import MPP, Agency

DEMO_API_KEY = "o311_demo_kota_batam_2171"
DESK_USERNAME = "pengaduan.batam"
INSPECTORATE_USERNAME = "apip.batam"
INSPECTORATE_SLUG = "inspektorat-batam"
# Integrity complaints: handled by the region's inspectorate, never by the agency complained about.
INTEGRITY_CODES = frozenset({"pungutan-liar", "gratifikasi", "maladministrasi-petugas"})

CATEGORIES = [
    # code, name, kind, needs location, attributes
    ("layanan-lambat", "Pelayanan lambat atau melewati standar", Kind.COMPLAINT, False, []),
    ("pungutan-liar", "Pungutan liar atau biaya tidak resmi", Kind.COMPLAINT, False, []),
    ("gratifikasi", "Gratifikasi atau suap kepada petugas", Kind.COMPLAINT, False, []),
    (
        "maladministrasi-petugas",
        "Maladministrasi oleh petugas (penyalahgunaan wewenang, diskriminasi)",
        Kind.COMPLAINT,
        False,
        [],
    ),
    ("sikap-petugas", "Sikap atau perilaku petugas", Kind.COMPLAINT, False, []),
    (
        "sarana-rusak",
        "Sarana dan prasarana MPP rusak",
        Kind.COMPLAINT,
        True,
        [
            {
                "variable": True,
                "code": "lantai",
                "datatype": "string",
                "required": False,
                "datatype_description": "Lantai atau ruang, misalnya Lantai 2",
                "order": 3,
                "description": "Di lantai atau ruang mana?",
                "values": [],
            }
        ],
    ),
    ("informasi-layanan", "Permintaan informasi layanan", Kind.INFORMATION, False, []),
    ("aspirasi", "Saran dan aspirasi", Kind.ASPIRATION, False, []),
]


def load_categories() -> None:
    for code, name, kind, needs_location, attributes in CATEGORIES:
        category, _created = Category.objects.get_or_create(
            code=code,
            region=None,
            defaults={
                "name": name,
                "kind": kind,
                "needs_location": needs_location,
                "attributes": attributes,
                "description": name,
                "group": "Pengaduan MPP",
            },
        )
        if category.integrity != (code in INTEGRITY_CODES):
            Category.objects.filter(pk=category.pk).update(integrity=code in INTEGRITY_CODES)


def load_inspectorate() -> Agency:
    """Kota Batam's inspectorate (APIP) and its admin, who answers integrity complaints."""
    inspectorate, _created = Agency.objects.get_or_create(
        slug=INSPECTORATE_SLUG,
        defaults={
            "name": "Inspektorat Kota Batam",
            "short_name": "Inspektorat",
            "kind": Agency.Kind.INSPECTORATE,
            "region_id": "2171",
            "description": "Aparat pengawasan intern pemerintah (APIP) Kota Batam.",
        },
    )
    demo_grant(
        demo_staff(INSPECTORATE_USERNAME, "Yusuf Hamdani"), Role.AGENCY_ADMIN, agency=inspectorate
    )
    return inspectorate


@transaction.atomic
def load() -> None:
    TimeLimits.objects.get_or_create(region=None)
    load_categories()
    load_inspectorate()
    batam = MPP.objects.get(slug="mpp-kota-batam")
    demo_grant(demo_staff(DESK_USERNAME, "Nur Aisyah"), Role.COMPLAINT_DESK, mpp=batam)
    if not IntegrationClient.objects.filter(key_hash=IntegrationClient.hash(DEMO_API_KEY)).exists():
        IntegrationClient.objects.create(
            name="Aplikasi kanal pengaduan Kota Batam (demo)",
            region_id="2171",
            key_prefix=DEMO_API_KEY[:8],
            key_hash=IntegrationClient.hash(DEMO_API_KEY),
        )
    if Complaint.objects.filter(mpp=batam).exists():
        return
    dukcapil = Agency.objects.get(slug="disdukcapil-batam")
    services.submit_complaint(
        services.Submission(
            kind=Kind.COMPLAINT,
            about=About.AGENCY,
            title="Antrean KTP-el terlalu lama",
            text="Saya menunggu lebih dari tiga jam untuk perekaman KTP-el di loket Dukcapil.",
            mpp=batam,
            agency=dukcapil,
            category=Category.objects.get(code="layanan-lambat", region=None),
            is_anonymous=True,
            reporter_name="Warga Batam",
        ),
        channel="api",
    )
