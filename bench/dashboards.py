"""Benchmark: the national, a regional and an MPP dashboard on daily facts at national scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpp_bench_dashboards \\
        .venv/bin/python bench/dashboards.py --mpps 300 --services 10 --days 365 --requests 30

The database named in DATABASE_URL is created if missing, migrated and loaded with the demo
catalog and accounts (514 kab/kota come with the migrations). It is then filled once with
``--mpps`` MPPs spread over the kab/kota (the demo MPP Batam among them, with its real services)
and, for each of ``--services`` services per MPP and each of ``--days`` days, one row per metric of
the application facts, generated in the database (``INSERT … SELECT generate_series``; no Python
row loop). With the defaults that is 300 × 10 × 365 × 11 metrics ≈ 12 million rows, counts
equivalent to about 10 million applications a year (about 9 received per service and day).
The monthly sums (``MonthlyFact``, per month, kab/kota and MPP) are then built from them
in one ``INSERT … SELECT … GROUP BY``. The process tables stay small: dashboards read only facts.

Each dashboard is then requested in-process with Django's test client, as the ministry analyst,
the Batam regional admin and the Batam MPP manager, for a day, a week, a month, a quarter and a
year; p50/p95/max server times and the number of SQL queries per request are printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from _common import percentile, start_django_on_postgres  # noqa: E402


def fill(mpps: int, services: int, days: int) -> int:
    import datetime

    from django.db import connection, transaction
    from django.utils import timezone

    from mpp.catalog.models import Service
    from mpp.regions.models import Region
    from mpp.reporting.facts import registry
    from mpp.reporting.models import DailyFact
    from mpp.tenancy.models import MPP

    metrics = [m.key for m in registry.metrics()]
    expected = mpps * services * days * len(metrics)
    present = DailyFact.objects.count()
    if present >= expected:
        print(f"{present} fact rows already present")
        fill_months()
        return present
    started = time.perf_counter()
    batam = MPP.objects.get(slug="mpp-kota-batam")
    regions = list(Region.objects.exclude(code=batam.region_id).values_list("code", flat=True))
    for index in range(1, mpps):
        region = regions[(index * 7) % len(regions)]
        MPP.objects.get_or_create(
            slug=f"bench-mpp-{index}",
            defaults={"region_id": region, "name": f"MPP Uji {index}"},
        )
    units = []
    real = list(
        Service.objects.published()
        .filter(mpp=batam)
        .values_list("mpp__region_id", "mpp_id", "agency_id", "pk")[:services]
    )
    units += real
    for mpp_id, region in MPP.objects.filter(slug__startswith="bench-mpp-").values_list(
        "pk", "region_id"
    ):
        units += [
            (region, mpp_id, 900_000 + mpp_id * 10 + s % 3, 9_000_000 + mpp_id * 100 + s)
            for s in range(services)
        ]
    end = timezone.localdate()
    start = end - datetime.timedelta(days=days - 1)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE reporting_dailyfact")
        cursor.execute(
            "CREATE TEMP TABLE bench_units (region varchar(4), mpp int, agency int, service int)"
        )
        with cursor.copy("COPY bench_units FROM STDIN") as copy:
            for row in units:
                copy.write_row(row)
        # Per unit and day: received r (0..18, ~9), decided d ≈ r, late ≈ 15 % of d.
        cursor.execute(
            """
            WITH base AS (
              SELECT day::date AS day, u.region, u.mpp, u.agency, u.service,
                     (random() * 18)::int AS r, (random() * 18)::int AS d
              FROM bench_units u, generate_series(%s::date, %s::date, '1 day') AS day
            )
            INSERT INTO reporting_dailyfact (day, region, mpp, agency, service, metric, value)
            SELECT day, region, mpp, agency, service, m.metric,
                   CASE m.metric
                     WHEN 'applications.received' THEN r
                     WHEN 'applications.received.online' THEN r * 7 / 10
                     WHEN 'applications.received.counter' THEN r - r * 7 / 10
                     WHEN 'applications.decided' THEN d
                     WHEN 'applications.issued' THEN d * 8 / 10
                     WHEN 'applications.rejected' THEN d / 10
                     WHEN 'applications.on_time' THEN d - d * 15 / 100
                     WHEN 'applications.late' THEN d * 15 / 100
                     WHEN 'applications.decision_days_sum' THEN d * 3
                     WHEN 'applications.decision_days_count' THEN d
                     WHEN 'applications.open' THEN r * 2
                     WHEN 'applications.overdue' THEN r / 4
                     ELSE 0 END
            FROM base, unnest(%s::text[]) AS m(metric)
            """,
            [start, end, metrics],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reporting_dailyfact")
    fill_months()
    count = DailyFact.objects.count()
    print(
        f"filled {count} fact rows for {len(units)} units in {time.perf_counter() - started:.0f} s"
    )
    return count


def fill_months() -> None:
    """The monthly sums of the generated facts (what ``facts.bump_many`` keeps on every write)."""
    from django.db import connection, transaction

    from mpp.reporting.facts import registry
    from mpp.reporting.models import MonthlyFact

    if MonthlyFact.objects.exists():
        return
    started = time.perf_counter()
    counted = [m.key for m in registry.metrics() if m.kind != "snapshot"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO reporting_monthlyfact (month, region, mpp, metric, value)
            SELECT date_trunc('month', day)::date, region, mpp, metric, sum(value)
            FROM reporting_dailyfact WHERE metric = ANY(%s)
            GROUP BY 1, 2, 3, 4
            """,
            [counted],
        )
        cursor.execute("ANALYZE reporting_monthlyfact")
    print(
        f"monthly sums: {MonthlyFact.objects.count()} rows in {time.perf_counter() - started:.0f} s"
    )


def measure(client, url: str, requests: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up
    times, queries = [], 0
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return times, queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mpps", type=int, default=300)
    parser.add_argument("--services", type=int, default=10)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    start_django_on_postgres("mpp-bench-dashboards-")
    from django.test import Client

    from mpp.accounts.models import User
    from mpp.accounts.tests.helpers import login_staff
    from mpp.tenancy.models import MPP

    rows = fill(args.mpps, args.services, args.days)
    batam = MPP.objects.get(slug="mpp-kota-batam")
    pages = {
        "national": ("analis.kemenpanrb", "/kelola/dasbor/nasional/"),
        "regional": ("admin.batam", f"/kelola/dasbor/wilayah/{batam.region_id}/"),
        "mpp": ("pengelola.batam", f"/kelola/dasbor/mpp/{batam.pk}/"),
    }
    periods = [
        "periode=hari",
        "periode=minggu",
        "periode=bulan",
        "periode=kuartal",
        "periode=tahun",
    ]
    print(f"{rows} fact rows; {args.requests} requests per line")
    print(f"{'page':10} {'period':9} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    for name, (username, url) in pages.items():
        client = Client()
        login_staff(client, User.objects.get(username=username))
        for period in periods:
            times, queries = measure(client, f"{url}?{period}", args.requests)
            print(
                f"{name:10} {period.split('=')[1]:9} {statistics.median(times):8.1f} "
                f"{percentile(times, 0.95):8.1f} {max(times):8.1f} {queries:8d}"
            )


if __name__ == "__main__":
    main()
