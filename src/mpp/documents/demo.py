"""Demo signing officials: who signs each demo agency's documents (name, title, NIP)."""

from __future__ import annotations

from mpp.documents.models import IssuerProfile
from mpp.tenancy.models import Agency

# Fictitious officials; the NIPs follow the 18-digit pattern (birth date, appointment, sex, serial).
OFFICIALS = {
    "disdukcapil-batam": (
        "Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Batam",
        "Dra. Hj. Rahmawati Siregar, M.Si.",
        "197204151998032004",
    ),
    "dinkes-batam": (
        "Kepala Dinas Kesehatan Kota Batam",
        "dr. Ahmad Fauzi Lubis, M.K.M.",
        "197608222003121002",
    ),
    "disdukcapil-yogyakarta": (
        "Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Yogyakarta",
        "Drs. Bambang Wicaksono, M.M.",
        "197011031996031001",
    ),
    "dinkes-yogyakarta": (
        "Kepala Dinas Kesehatan Kota Yogyakarta",
        "dr. Sri Lestari Handayani, M.Kes.",
        "197805122005012003",
    ),
}


def load() -> int:
    """Set the signing official of each demo agency that has none yet; idempotent."""
    created = 0
    for agency in Agency.objects.filter(slug__in=OFFICIALS):
        title, name, nip = OFFICIALS[agency.slug]
        profile, was_created = IssuerProfile.objects.get_or_create(
            agency=agency,
            defaults={"signatory_title": title, "signatory_name": name, "signatory_nip": nip},
        )
        if not was_created and not profile.signatory_name:
            profile.signatory_title = profile.signatory_title or title
            profile.signatory_name = name
            profile.signatory_nip = profile.signatory_nip or nip
            profile.save(update_fields=["signatory_title", "signatory_name", "signatory_nip"])
        created += was_created
    return created
