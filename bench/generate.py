"""Generate a benchmark data set into its own PostgreSQL database (``make bench-data SCALE=small``).

    .venv/bin/python bench/generate.py --scale small          # 50,000 applications
    .venv/bin/python bench/generate.py --scale national       # 10,000,000 applications

The database (``DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/mpp_bench_<scale>``;
its name must start with ``mpp_bench``) is dropped, created, migrated and given the demo data
(``load_demo``: accounts and TOTP secret as in README.md), then each process module of
``bench/data/`` adds its rows with COPY, in order: ``catalog`` (300 MPPs, agencies, services),
``accounts`` (citizens, officers), ``cases`` (applications, history, documents), ``facts`` (the
daily facts of the dashboards, recomputed from those rows). The same
``--seed`` and ``--anchor`` give the same rows. Prints the time and the rows per table and the
database size, and writes them to ``var/bench/data-<scale>.json``.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.data.base import BENCH_PEPPER, SCALES, Context, progress_bar  # noqa: E402

# One module per process, in dependency order; each has ``generate(ctx)``.
MODULES = ["catalog", "accounts", "cases", "facts"]


def recreate(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--applications", type=int, help="override the scale's number")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip", nargs="*", default=[], choices=MODULES, help="modules left out")
    parser.add_argument(
        "--anchor",
        type=datetime.date.fromisoformat,
        default=datetime.datetime.now(datetime.UTC).date(),
        help="the data set's today (YYYY-MM-DD, default today): applications cover the 730 days before",
    )
    args = parser.parse_args()
    url = (
        os.environ.get("DATABASE_URL")
        or f"postgres://postgres@127.0.0.1:5432/mpp_bench_{args.scale}"
    )
    if not url.startswith("postgres") or not url.rsplit("/", 1)[1].startswith("mpp_bench"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database called mpp_bench…")
    os.environ["DATABASE_URL"] = url
    os.environ["MPP_NIK_PEPPER"] = BENCH_PEPPER
    started = time.perf_counter()
    recreate(url)
    from bench._common import start_django_on_postgres

    start_django_on_postgres("mpp-bench-data-", demo=False)
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    prepared = time.perf_counter() - started
    anchor = datetime.datetime.combine(args.anchor, datetime.time(), tzinfo=datetime.UTC)
    timings = {"migrate + load_demo": prepared}
    with progress_bar() as progress:
        ctx = Context(scale=args.scale, seed=args.seed, anchor=anchor, progress=progress)
        ctx.applications = args.applications or SCALES[args.scale]
        with transaction.atomic(), connection.cursor() as cursor:
            ctx.cursor = cursor
            for name in [m for m in MODULES if m not in args.skip]:
                begun = time.perf_counter()
                importlib.import_module(f"bench.data.{name}").generate(ctx)
                timings[name] = time.perf_counter() - begun
            begun = time.perf_counter()
            for table in ctx.counts:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
        timings["commit (deferred foreign keys)"] = time.perf_counter() - begun
    begun = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        timings["vacuum analyze"] = time.perf_counter() - begun
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
        cursor.execute(
            "SELECT relname, n_live_tup, pg_total_relation_size(relid) FROM pg_stat_user_tables "
            "ORDER BY pg_total_relation_size(relid) DESC LIMIT 12"
        )
        tables = cursor.fetchall()
    total = time.perf_counter() - started
    load = os.getloadavg()
    print(
        f"\nscale {args.scale}: {ctx.applications:,} applications, seed {args.seed}, anchor {args.anchor}"
    )
    print(
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; total {total:.0f} s; database {size / 2**30:.2f} GiB\n"
    )
    print("| step | seconds |\n| --- | --- |")
    for step, seconds in timings.items():
        print(f"| {step} | {seconds:.1f} |")
    print("\n| table | rows | size (MiB, with indexes) |\n| --- | --- | --- |")
    for relname, rows, nbytes in tables:
        print(f"| {relname} | {rows:,} | {nbytes / 2**20:,.0f} |")
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"data-{args.scale}.json").write_text(
        json.dumps(
            {"scale": args.scale, "applications": ctx.applications, "seed": args.seed,
             "anchor": str(args.anchor), "seconds": timings, "total_seconds": total,
             "database_bytes": size, "rows": ctx.counts, "loadavg": load},
            indent=2,
        )
    )  # fmt: skip


if __name__ == "__main__":
    main()
