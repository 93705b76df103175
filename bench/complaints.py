"""Benchmark: the Open311 list ``GET /open311/v2/requests.{json,xml}`` over N complaints in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpp_bench_complaints \\
        .venv/bin/python bench/complaints.py --complaints 100000 --requests 30

The database named in DATABASE_URL is created if missing, migrated, loaded with the demo catalog,
accounts and complaint categories, and filled (once per N) by SQL (``generate_series``) with N
complaints of Kota Batam (2171) spread over the last 365 days, over the six national categories
and the Batam agencies; one in ten is confidential (never listed), older ones are closed. Each list
is then requested in-process with Django's test client (middleware, queries, serialisation; no
network) and p50/p95/max server times are printed with the rows returned and the SQL queries of a
request. The default list (last 90 days, at most 1,000 rows) is the heaviest answer of the API.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from _common import percentile, start_django_on_postgres  # noqa: E402

PREFIX = "ADU-2171-BENCH-"


def fill(count: int) -> None:
    from django.db import connection

    from mpp.complaints.models import Category, Complaint
    from mpp.tenancy.models import MPP, AgencyPresence

    existing = Complaint.objects.filter(tracking_number__startswith=PREFIX).count()
    if existing >= count:
        return
    Complaint.objects.filter(tracking_number__startswith=PREFIX).delete()
    batam = MPP.objects.get(slug="mpp-kota-batam")
    agencies = list(
        AgencyPresence.objects.filter(mpp=batam).values_list("agency_id", flat=True).order_by("id")
    )
    categories = list(
        Category.objects.filter(region__isnull=True).order_by("id").values_list("id", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.13)")
        cursor.execute(
            """
            INSERT INTO complaints_complaint (
                tracking_number, follow_token, token, kind, about, category_id, region_id, mpp_id,
                agency_id, application_reference, title, text, address, is_anonymous,
                is_confidential, reporter_name, reporter_email, reporter_phone, channel,
                submitted_at, updated_at, due_at, clock_unit, extended, referred_to,
                escalation_level, rating_comment, lapor_status, status, version
            )
            SELECT %(prefix)s || lpad(i::text, 7, '0'), 'bench-' || i, gen_random_uuid(),
                   'pengaduan', 'agency', (%(categories)s::bigint[])[1 + i %% %(n_categories)s],
                   '2171', %(mpp)s, (%(agencies)s::bigint[])[1 + i %% %(n_agencies)s], '',
                   'Pengaduan uji ' || i, 'Isi pengaduan uji nomor ' || i || ' tentang layanan.',
                   '', i %% 7 = 0, i %% 10 = 0, 'Pelapor ' || i, '', '', 'open311',
                   t, t, t + interval '5 days', 'working_days', false, '', 0, '', '',
                   CASE WHEN t < now() - interval '60 days' THEN 'closed'
                        WHEN i %% 3 = 0 THEN 'answered' ELSE 'forwarded' END, 2
            FROM (SELECT i, now() - (random() * interval '365 days') AS t
                  FROM generate_series(1, %(count)s) AS i) AS rows
            """,
            {
                "prefix": PREFIX,
                "categories": categories,
                "n_categories": len(categories),
                "mpp": batam.pk,
                "agencies": agencies,
                "n_agencies": len(agencies),
                "count": count,
            },
        )
        cursor.execute("ANALYZE complaints_complaint")


def measure(client, url: str, params: dict, requests: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    rows = queries = 0
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:200]
        queries = len(captured)
        rows = response.content.count(b"service_request_id") // (2 if url.endswith(".xml") else 1)
    label = url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
    print(
        f"{label:<75} rows={rows:>5} queries={queries:>2} p50={percentile(times, 0.5):7.1f} ms "
        f"p95={percentile(times, 0.95):7.1f} ms max={max(times):7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    start_django_on_postgres("mpp-bench-complaints-")
    from django.test import Client

    from mpp.complaints import demo as complaints_demo

    complaints_demo.load()
    fill(args.complaints)
    client = Client()
    base = {"jurisdiction_id": "2171"}
    for url, params in (
        ("/open311/v2/requests.json", base),
        ("/open311/v2/requests.xml", base),
        ("/open311/v2/requests.json", base | {"status": "open"}),
        ("/open311/v2/requests.json", base | {"service_code": "pungutan-liar"}),
        (
            "/open311/v2/requests.json",
            base | {"service_request_id": ",".join(f"{PREFIX}{i:07d}" for i in range(1, 51))},
        ),
        ("/open311/v2/services.json", base),
    ):
        measure(client, url, params, args.requests)


if __name__ == "__main__":
    main()
