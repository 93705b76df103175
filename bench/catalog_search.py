"""Benchmark: search and the service list with 50,000 published services in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpp_bench_catalog \\
        .venv/bin/python bench/catalog_search.py --services 50000 --requests 200

The database named in DATABASE_URL is created if missing, migrated, and (re)filled with N services
spread over 200 MPPs in 200 kab/kota, 5 agencies each, with names, summaries and requirements drawn
from the demo standards. Each page is then requested in-process through Django's test client (so the
time includes middleware, the queries and template rendering, but no network) and p50/p95/max are
printed with the number of SQL queries of one request. Use your own database name.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from _common import ensure_database, percentile  # noqa: E402

PAGES = [
    ("search, common words", "/cari/", {"q": "akta kelahiran"}),
    ("search, prefix of a frequent word", "/cari/", {"q": "penerb"}),
    ("search, word in 80% of services", "/cari/", {"q": "kabupaten"}),
    ("search, rare word", "/cari/", {"q": "roya"}),
    ("search, no match", "/cari/", {"q": "zzzz tidak ada"}),
    ("search + filters", "/cari/", {"q": "izin", "category": "perizinan_kesehatan", "free": "on"}),
    ("search within one MPP", "/cari/", {"q": "akta kelahiran", "mpp": "bench-mpp-1101"}),
    ("service list, page 1", "/layanan/", {}),
    ("service list, page 500", "/layanan/", {"page": "500"}),
    ("service list, category", "/layanan/", {"category": "pajak"}),
    ("API search", "/api/v1/services", {"q": "akta kelahiran"}),
    ("API list, region filter", "/api/v1/services", {"region": "1101", "page_size": "100"}),
]


def fill(count: int) -> None:
    from django.db import connection, transaction

    from mpp.catalog import demo_standards
    from mpp.catalog.models import MPP, Agency, AgencyPresence, Service, ServiceVersion
    from mpp.catalog.services import search_document_for
    from mpp.regions.models import Region

    if Service.objects.filter(slug__startswith="bench-").count() == count:
        print(f"{count} benchmark services already present")
        return
    rng = random.Random(2026)  # noqa: S311 - reproducible test data
    standards = list(demo_standards.TEMPLATES.values()) + [
        content for entries in demo_standards.OTHER_SERVICES.values() for _, content in entries
    ]
    with transaction.atomic():
        Service.objects.filter(slug__startswith="bench-").update(current_version=None)
        ServiceVersion.objects.filter(service__slug__startswith="bench-").delete()
        Service.objects.filter(slug__startswith="bench-").delete()
        AgencyPresence.objects.filter(mpp__slug__startswith="bench-").delete()
        Agency.objects.filter(slug__startswith="bench-").delete()
        MPP.objects.filter(slug__startswith="bench-").delete()
        regions = list(Region.objects.order_by("code")[:200])
        mpps = MPP.objects.bulk_create(
            MPP(region=r, name=f"MPP {r.name}", slug=f"bench-mpp-{r.code}") for r in regions
        )
        agencies = Agency.objects.bulk_create(
            Agency(name=f"Instansi {i} {m.name}", slug=f"bench-agency-{m.region_id}-{i}",
                   kind="regional", region_id=m.region_id)
            for m in mpps for i in range(5)
        )  # fmt: skip
        AgencyPresence.objects.bulk_create(
            AgencyPresence(agency=a, mpp=m)
            for m, a in zip((m for m in mpps for _ in range(5)), agencies, strict=True)
        )
        places = [
            (a, m) for m, a in zip((m for m in mpps for _ in range(5)), agencies, strict=True)
        ]
        services = []
        for n in range(count):
            agency, mpp = places[n % len(places)]
            content = standards[rng.randrange(len(standards))]
            services.append(
                Service(
                    agency=agency, mpp=mpp, slug=f"bench-{n}",
                    name=f"{content['name']} {mpp.region.name}" if n % 3 else content["name"],
                    category=content["category"], channel=content["channel"], fee=content["fee"],
                )
            )  # fmt: skip
        Service.objects.bulk_create(services, batch_size=2000)
        versions = []
        for service in services:
            content = next(c for c in standards if service.name.startswith(c["name"]))
            version = ServiceVersion(service=service, number=1, status="published",
                                     published_at="2026-01-02T08:00:00+07:00",
                                     effective_from="2026-01-02",
                                     **{**content, "name": service.name})  # fmt: skip
            service.search_document = search_document_for(service, version)
            versions.append(version)
        ServiceVersion.objects.bulk_create(versions, batch_size=2000)
        Service.objects.bulk_update(services, ["search_document"], batch_size=2000)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE catalog_service s SET current_version_id = v.id "
                "FROM catalog_serviceversion v WHERE v.service_id = s.id AND s.slug LIKE 'bench-%%'"
            )
            # The same document services.refresh_search writes on publish.
            cursor.execute(
                "UPDATE catalog_service SET search_vector = "
                "setweight(to_tsvector('simple', lower(name)), 'A') || "
                "setweight(to_tsvector('simple', search_document), 'B') "
                "WHERE slug LIKE 'bench-%%'"
            )
    with connection.cursor() as cursor:
        # The fill rewrote every row three times; compact the table as a restored database would be.
        cursor.execute("VACUUM FULL catalog_service")
        cursor.execute("VACUUM ANALYZE catalog_service")  # visibility map for index-only counts
        cursor.execute("ANALYZE")
    print(f"filled {count} services")


def measure(requests: int) -> None:
    from django.db import connection
    from django.test import Client

    client = Client()
    print(f"\n{'page':36} {'results':>8} {'queries':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, url, params in PAGES:
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code)
        if url.startswith("/api"):
            results = len(response.json()["items"])  # the page (no total since issue 24)
        else:
            results = response.context["page_obj"].paginator.count
        timings = []
        for _ in range(requests):
            start = time.perf_counter()
            client.get(url, params)
            timings.append((time.perf_counter() - start) * 1000)
        print(
            f"{label:36} {results:>8} {len(queries):>8} {statistics.median(timings):>8.1f} "
            f"{percentile(timings, 0.95):>8.1f} {max(timings):>8.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per page")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of your own (see the docstring).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    ensure_database(url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # records response.context for the result counts
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    fill(args.services)
    measure(args.requests)


if __name__ == "__main__":
    main()
