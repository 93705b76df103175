"""Benchmark: the compliance matrix and national totals of a period with every kab/kota as a locus.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpp_bench_monitoring \\
        .venv/bin/python bench/monitoring.py --requests 100 [--applications 10000000]

Opens one reporting period over all 514 kab/kota with a report per locus (most submitted or
accepted, with their item figures stored as computed snapshots), then times (p50/p95/max) the
selectors behind the ministry's page (``selectors.matrix`` and ``selectors.national_totals``)
and the whole page through the test client. The matrix and the totals read the report rows only,
so the number of applications does not enter these queries; ``--applications N`` fills the
applications table like ``bench/applications_inbox.py`` to show it (slow for 10 million).
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from _common import percentile, start_django_on_postgres  # noqa: E402

NAME = "Bench monev nasional"


def fill_reports() -> object:
    from django.utils import timezone

    from mpp.monitoring.models import DEFAULT_RUBRIC, LocusReport, ReportingPeriod
    from mpp.monitoring.services import clock
    from mpp.regions.models import Region

    period = ReportingPeriod.objects.filter(name=NAME).first()
    if period is not None:
        print(f"period already present with {period.reports.count()} reports")
        return period
    period = ReportingPeriod.objects.create(
        name=NAME, phase=1, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 6, 30),
        deadline=datetime.date(2026, 7, 31), items=list(range(1, 9)), rubric=DEFAULT_RUBRIC,
    )  # fmt: skip
    rng = random.Random(15)  # noqa: S311 - benchmark data, not secrets
    now = timezone.now()
    rows = []
    for region in Region.objects.all():
        status = rng.choices(["accepted", "submitted", "returned", "draft"], [6, 2, 1, 1])[0]
        sent = status != "draft"
        rows.append(
            LocusReport(
                period=period, region=region, status=status,
                population_applicants=rng.randint(0, 50_000) if sent else None,
                health_applicants=rng.randint(0, 2_000) if sent else None,
                population_processed=rng.randint(0, 40_000) if sent else None,
                health_permits_issued=rng.randint(0, 1_500) if sent else None,
                computed_at=now if sent else None,
                acceleration_efforts="x" if sent else "", ikd_sisdmk_efforts="x" if sent else "",
                obstacles="x" if sent else "", suggestions="x" if sent else "",
                first_submitted_at=now if sent else None, submitted_at=now if sent else None,
                is_late=sent and rng.random() < 0.1,
                clock_stopped_at=now if sent else None, **clock(region, period.deadline),
            )
        )  # fmt: skip
    LocusReport.objects.bulk_create(rows)
    print(f"{len(rows)} locus reports created")
    return period


def time_call(label, call, requests):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()
    with CaptureQueriesContext(connection) as queries:
        call()
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"{label:40} {len(queries):>8} {statistics.median(timings):>8.1f} "
        f"{percentile(timings, 0.95):>8.1f} {max(timings):>8.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--applications", type=int, default=0)
    args = parser.parse_args()
    start_django_on_postgres("mpp-bench-monitoring-")
    if args.applications:
        from applications_inbox import fill

        fill(args.applications)
    from django.test import Client

    from mpp.accounts.models import User
    from mpp.accounts.tests.helpers import login_staff
    from mpp.cases.models import Application
    from mpp.monitoring import selectors

    period = fill_reports()
    print(f"applications in the database: {Application.objects.count()}")
    print(f"{'what':40} {'queries':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    time_call("selectors.matrix (514 loci)", lambda: selectors.matrix(period), args.requests)
    time_call("selectors.national_totals", lambda: selectors.national_totals(period), args.requests)
    client = Client()
    login_staff(client, User.objects.get(username="admin.kemenpanrb"))
    url = f"/kelola/monev/periode/{period.pk}/"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    time_call("GET matrix page (HTML, 514 rows)", page, max(args.requests // 5, 5))


if __name__ == "__main__":
    main()
