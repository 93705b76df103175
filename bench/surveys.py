"""Benchmark: the IKM of a kab/kota over a year with 1,000,000 SKM responses in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpp_bench_surveys \\
        .venv/bin/python bench/surveys.py --responses 1000000 --requests 200

The database named in DATABASE_URL is created if missing, migrated, loaded with the demo MPPs and
(re)filled with N kiosk responses (9 answers each) spread over one year and the demo services of
MPP Kota Batam, written with COPY. The day sums are then rebuilt from the rows with the recompute
command's code (which also checks them), and ``GET /api/v1/skm/ikm?unit=region:2171`` for the whole
year is requested in-process through Django's test client (middleware, auth, queries and JSON, no
network); p50/p95/max and the number of SQL queries of one request are printed, and the direct
selector call is timed too. ``--keep`` reuses rows from an earlier run. Use your own database name.
"""

from __future__ import annotations

import argparse
import datetime
import io
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from _common import percentile, start_django_on_postgres  # noqa: E402

YEAR = 2026


def fill(count: int) -> None:
    from django.db import connection

    from mpp.catalog.models import Service
    from mpp.devices.models import DeviceKind
    from mpp.devices.services import register_device
    from mpp.surveys import services
    from mpp.surveys.models import Answer, DaySum, KioskDevice, OfficerDaySum, Response
    from mpp.tenancy.models import MPP

    mpp = MPP.objects.get(slug="mpp-kota-batam")
    batam = list(Service.objects.filter(mpp=mpp, current_version__isnull=False))
    version = services.ensure_national_default().current_version
    kiosk = KioskDevice.objects.filter(device__name="bench").first()
    if kiosk is None:
        device = register_device(
            mpp, DeviceKind.SKM_KIOSK, "bench", actor=None, choice=str(batam[0].pk)
        ).device
        kiosk = device.skm_kiosk
    with connection.cursor() as cursor:
        cursor.execute(
            f"TRUNCATE {Answer._meta.db_table}, {DaySum._meta.db_table}, "
            f"{OfficerDaySum._meta.db_table}, "
            f"{Response._meta.db_table} RESTART IDENTITY CASCADE"
        )
    chance = random.Random(14)  # noqa: S311 - benchmark data
    first = datetime.datetime(YEAR, 1, 1, tzinfo=datetime.UTC)
    started = time.perf_counter()
    batch = 100_000
    with connection.cursor() as cursor:
        for offset in range(0, count, batch):
            responses, answers = io.StringIO(), io.StringIO()
            for number in range(offset + 1, min(count, offset + batch) + 1):
                service = batam[number % len(batam)]
                at = first + datetime.timedelta(seconds=chance.randrange(0, 365 * 86400 - 8 * 3600))
                day = (at + datetime.timedelta(hours=7)).date()
                responses.write(
                    f"{number}\t{version.pk}\tkiosk\t{kiosk.pk}\t2171\t{mpp.pk}\t"
                    f"{service.agency_id}\t{service.pk}\t{at.isoformat()}\t{day}\t\t\t\t\t\t\n"
                )
                for n in range(1, 10):
                    answers.write(f"{number}\tU{n}\t{chance.choice((2, 3, 3, 3, 4, 4))}\n")
            responses.seek(0)
            answers.seek(0)
            columns = (
                "id, version_id, channel, kiosk_id, region_id, mpp_id, agency_id, service_id, "
                "answered_at, day, suggestion, age_band, sex, education, occupation, object_id"
            )
            with cursor.copy(f"COPY {Response._meta.db_table} ({columns}) FROM STDIN") as copy:
                copy.write(responses.getvalue())
            with cursor.copy(
                f"COPY {Answer._meta.db_table} (response_id, element, value) FROM STDIN"
            ) as copy:
                copy.write(answers.getvalue())
            print(f"  {min(count, offset + batch):>9,} responses", flush=True)
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{Response._meta.db_table}', 'id'), %s)",
            [count],
        )
        cursor.execute(f"ANALYZE {Response._meta.db_table}")
        cursor.execute(f"ANALYZE {Answer._meta.db_table}")
    print(f"filled {count:,} responses in {time.perf_counter() - started:.0f} s")


def rebuild_sums() -> None:
    from django.db import connection

    from mpp.surveys.models import DaySum
    from mpp.surveys.recompute import compare

    started = time.perf_counter()
    differences = compare(datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31), fix=True)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {DaySum._meta.db_table}")
    print(
        f"rebuilt the day sums ({len(differences):,} keys differed) in "
        f"{time.perf_counter() - started:.0f} s; {DaySum.objects.count():,} day-sum rows"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="reuse the rows of an earlier run")
    options = parser.parse_args()
    start_django_on_postgres("mpp-bench-surveys-")
    from django.db import connection
    from django.test import Client

    from mpp.accounts.models import User
    from mpp.accounts.services import issue_token
    from mpp.surveys import selectors
    from mpp.surveys.models import Response
    from mpp.surveys.units import parse_unit

    if not options.keep or Response.objects.count() != options.responses:
        fill(options.responses)
        rebuild_sums()
    analyst = User.objects.get(username="analis.kemenpanrb")
    _token, raw = issue_token(analyst, second_factor=True)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    url = f"/api/v1/skm/ikm?unit=region:2171&start={YEAR}-01-01&end={YEAR}-12-31"
    first = client.get(url)
    assert first.status_code == 200, first.content
    body = first.json()
    print(
        f"IKM region 2171, {YEAR}: respondents {body['respondents']:,}, "
        f"converted {body['ikm_converted']:.4f} ({body['mutu']})"
    )
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    timings = []
    for _ in range(options.requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    unit = parse_unit("region:2171")
    direct = []
    for _ in range(options.requests):
        started = time.perf_counter()
        selectors.compute_ikm(unit, "", datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))
        direct.append((time.perf_counter() - started) * 1000)
    for name, values in (
        ("GET /api/v1/skm/ikm (region, year)", timings),
        ("compute_ikm()", direct),
    ):
        print(
            f"{name:<40} p50 {percentile(values, 0.5):6.1f} ms  p95 {percentile(values, 0.95):6.1f} ms"
            f"  max {max(values):6.1f} ms"
        )
    print(f"SQL queries per API request: {len(queries)}")


if __name__ == "__main__":
    main()
