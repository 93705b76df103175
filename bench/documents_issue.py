"""Benchmark: issue N signed PDFs (render with WeasyPrint, sign with pyHanko, store) and print
p50/p95 per document, as a worker would do it.

    .venv/bin/python bench/documents_issue.py -n 200
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpp_bench .venv/bin/python bench/documents_issue.py

Without MPP_VAR_DIR it works in a fresh temporary folder (files, and the SQLite database unless
DATABASE_URL is set), so the demo data is untouched. The first document (cold start: fonts, templates, key
decryption) is reported separately and left out of the percentiles.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from _common import percentile  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100, help="documents to issue (default 100)")
    args = parser.parse_args()

    if "MPP_VAR_DIR" not in os.environ:
        os.environ["MPP_VAR_DIR"] = tempfile.mkdtemp(prefix="mpp-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command

    from mpp.catalog.models import Agency
    from mpp.documents import services

    call_command("migrate", verbosity=0)
    issuer, _ = Agency.objects.get_or_create(
        slug="bench-dinkes-batam",
        defaults={
            "name": "Dinas Kesehatan Kota Batam",
            "short_name": "Dinkes",
            "kind": Agency.Kind.REGIONAL,
            "region_id": "2171",
        },
    )
    authority = services.ensure_demo_authority()
    services.ensure_signing_credential(issuer, authority=authority)
    run = uuid.uuid4().hex[:8]

    def issue(index: int) -> float:
        started = time.perf_counter()
        services.issue_document(
            source_key=f"bench:{run}:{index}",
            source_obj=None,
            title="Surat Izin Praktik Dokter",
            holder_name=f"dr. Pemegang Izin {index}",
            holder_nik="2171054708900003",
            issuer=issuer,
            context={
                "details": [
                    ("Nomor STR", "3121100220145678"),
                    ("Tempat praktik", "RSUD Embung Fatimah, Batu Aji, Kota Batam"),
                ]
            },
        )
        return time.perf_counter() - started

    cold = issue(0)
    timings = [issue(index) for index in range(1, args.n + 1)]
    print(f"database: {django.db.connection.vendor}; documents: {args.n}")
    print(f"cold first document: {cold * 1000:.0f} ms")
    print(
        f"per document: p50 {percentile(timings, 0.50) * 1000:.0f} ms, "
        f"p95 {percentile(timings, 0.95) * 1000:.0f} ms, "
        f"max {max(timings) * 1000:.0f} ms, mean {statistics.fmean(timings) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
