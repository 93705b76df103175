"""Profile: where one request of a public page spends its time, in process (cProfile).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpp_bench_pages \\
        .venv/bin/python bench/profile_pages.py /layanan/ / /cari/?q=akta+kelahiran

Run ``bench/pages.py`` once first (it loads the demo data into that database). Each page is
requested 20 times to warm up, then ``--requests`` times under cProfile through Django's test
client (middleware, queries, templates; no network); prints the mean time per request, the
number of queries and the functions with the most cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="pstats key, e.g. tottime")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")
    os.environ.setdefault("MPP_PUBLIC_CACHE_SECONDS", "0")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for path in args.paths:
        for _ in range(20):
            assert client.get(path).status_code == 200, path
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for _ in range(args.requests):
            client.get(path)
        profile.disable()
        elapsed = (time.perf_counter() - started) / args.requests * 1000
        print(f"\n== {path}: {elapsed:.1f} ms per request (profiled), {len(queries)} queries")
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
