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
    parser.add_argument(
        "--user",
        help="log in first as this demo account (username, or name for a citizen: 'Budi Santoso'); staff pass TOTP",
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")
    os.environ.setdefault("MPP_PUBLIC_CACHE_SECONDS", "0")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    if args.user:
        from django.db.models import Q
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from mpp.accounts.models import User

        user = User.objects.filter(Q(username=args.user) | Q(name=args.user)).first()
        client.force_login(user, backend="mpp.accounts.backends.NikOrUsernameBackend")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    for path in args.paths:
        for _ in range(20):
            assert client.get(path).status_code == 200, path
        # Counted with a wrapper: the test client's request_started signal empties queries_log.
        queries: list[str] = []

        def count(run, sql, *rest, queries=queries):
            queries.append(sql)
            return run(sql, *rest)

        with connection.execute_wrapper(count):
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
