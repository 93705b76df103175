"""The public, anonymous open data set: per MPP, per month and per service, counts and on-time rates.

Only daily-fact totals leave here (no application, person or officer), published under CC BY 4.0.
The same rows are served as CSV (``/data-terbuka/mpp/<id>.csv``) and by the API
(``GET /api/v1/open-data/mpps/{mpp_id}``); the community engagement set (activities and rooms, per
month) as ``/data-terbuka/mpp/<id>/keterlibatan-warga.csv`` and
``GET /api/v1/open-data/mpps/{mpp_id}/community``.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpResponse

from mpp.catalog.models import Service
from mpp.documents.exports import csv_bytes, download
from mpp.reporting.facts.applications import DECIDED_METRIC, LATE, ON_TIME, RECEIVED
from mpp.reporting.models import DailyFact, MonthlyFact
from mpp.reporting.routers import reads_alias
from mpp.tenancy.models import MPP, Agency

LICENCE = {
    "name": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    "attribution": "MPP Digital",
}
METRICS = (RECEIVED, DECIDED_METRIC, ON_TIME, LATE)
COLUMNS = (
    "bulan",
    "kode_kabupaten_kota",
    "mpp",
    "instansi",
    "layanan",
    "diterima",
    "diputus",
    "tepat_waktu",
    "terlambat",
    "persen_tepat_waktu",
)


def published_mpps():
    return (
        MPP.objects.filter(is_active=True).select_related("region").order_by("region__name", "name")
    )


def mpp_or_404(pk: int) -> MPP:
    mpp = MPP.objects.filter(pk=pk, is_active=True).select_related("region").first()
    if mpp is None:
        raise Http404
    return mpp


def monthly_rows(mpp: MPP) -> list[dict]:
    """Per month and service: received, decided, on time, late and the on-time percentage."""
    facts = (
        DailyFact.objects.using(reads_alias())
        .filter(mpp=mpp.pk, metric__in=METRICS, service__isnull=False)
        .annotate(month=TruncMonth("day"))
        .values("month", "agency", "service", "metric")
        .annotate(total=Sum("value"))
        .order_by()
    )
    grouped: dict[tuple, dict[str, int]] = defaultdict(dict)
    for row in facts:
        grouped[(row["month"], row["agency"], row["service"])][row["metric"]] = row["total"]
    services = dict(
        Service.objects.using(reads_alias())
        .filter(pk__in={key[2] for key in grouped})
        .values_list("pk", "name")
    )
    agencies = dict(
        Agency.objects.using(reads_alias())
        .filter(pk__in={key[1] for key in grouped})
        .values_list("pk", "name")
    )
    rows = []
    for (month, agency, service), values in sorted(
        grouped.items(), key=lambda item: (item[0][0], services.get(item[0][2], ""))
    ):
        decided = values.get(DECIDED_METRIC, 0)
        on_time = values.get(ON_TIME, 0)
        rows.append(
            {
                "bulan": month.strftime("%Y-%m"),
                "kode_kabupaten_kota": mpp.region_id,
                "mpp": mpp.name,
                "instansi": agencies.get(agency, ""),
                "layanan": services.get(service, ""),
                "diterima": values.get(RECEIVED, 0),
                "diputus": decided,
                "tepat_waktu": on_time,
                "terlambat": values.get(LATE, 0),
                "persen_tepat_waktu": round(100 * on_time / decided, 1) if decided else None,
            }
        )
    return rows


def csv_response(mpp: MPP) -> HttpResponse:
    rows = monthly_rows(mpp)
    body = csv_bytes(list(COLUMNS), [[row[c] for c in COLUMNS] for row in rows])
    # Open data: public, so a shared cache may keep it.
    response = download(body, fmt="csv", filename=f"data-terbuka-mpp-{mpp.slug}", private=False)
    response["Link"] = f'<{LICENCE["url"]}>; rel="license"'
    return response


# --- Community engagement (issue 28): activities and rooms, per MPP and month -----------------

COMMUNITY_METRICS = {
    "kegiatan_diselenggarakan": "activities.held",
    "pendaftaran_kegiatan": "activities.registrations",
    "peserta_hadir": "activities.attended",
    "peminjaman_ruang_disetujui": "rooms.bookings_approved",
    "kelompok_masyarakat_baru": "rooms.groups_served",
}
COMMUNITY_COLUMNS = ("bulan", "kode_kabupaten_kota", "mpp", *COMMUNITY_METRICS)


def community_rows(mpp: MPP) -> list[dict]:
    """Per month: activities held, registrations, attendance, room bookings approved and community
    groups served for the first time (one query on the monthly sums)."""
    column_of = {metric: column for column, metric in COMMUNITY_METRICS.items()}
    facts = (
        MonthlyFact.objects.using(reads_alias())
        .filter(mpp=mpp.pk, metric__in=list(column_of))
        .values("month", "metric")
        .annotate(total=Sum("value"))
        .order_by()
    )
    months: dict = defaultdict(dict)
    for row in facts:
        months[row["month"]][column_of[row["metric"]]] = row["total"]
    return [
        {
            "bulan": month.strftime("%Y-%m"),
            "kode_kabupaten_kota": mpp.region_id,
            "mpp": mpp.name,
            **{column: values.get(column, 0) for column in COMMUNITY_METRICS},
        }
        for month, values in sorted(months.items())
    ]


def community_csv_response(mpp: MPP) -> HttpResponse:
    rows = community_rows(mpp)
    body = csv_bytes(list(COMMUNITY_COLUMNS), [[row[c] for c in COMMUNITY_COLUMNS] for row in rows])
    response = download(
        body, fmt="csv", filename=f"keterlibatan-warga-mpp-{mpp.slug}", private=False
    )
    response["Link"] = f'<{LICENCE["url"]}>; rel="license"'
    return response
