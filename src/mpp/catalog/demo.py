"""Demo tenancy: the MPP of Kota Batam with the agencies that really serve there, and Kota Yogyakarta."""

from __future__ import annotations

from decimal import Decimal

from mpp.catalog.models import MPP, Agency, AgencyPresence
from mpp.regions.models import Region

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


def load() -> dict[str, MPP]:
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
            AgencyPresence.objects.get_or_create(agency=agency, mpp=mpp)
    return {"batam": batam, "yogyakarta": yogyakarta}
