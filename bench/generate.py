"""Generate a benchmark data set into its own PostgreSQL database (``make bench-data SCALE=small``).

    .venv/bin/python bench/generate.py --scale small          # 50,000 applications
    .venv/bin/python bench/generate.py --scale national       # 10,000,000 applications

The database (``DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/mpp_bench_<scale>``;
its name must start with ``mpp_bench``) is dropped, created, migrated and given the demo data
(``load_demo``: accounts and TOTP secret as in README.md), then each process module of
``bench/data/`` adds its rows with COPY, in order: ``catalog`` (300 MPPs, agencies, services),
``accounts`` (citizens, officers), ``cases`` (applications, history, documents), ``documents``
(the issued document of every issued application, metadata only), ``queueing`` (queues,
counters, kiosks, tickets with their history and calls), ``complaints`` (complaints with their
lifecycle, thread and escalations, complaint desks), ``surveys`` (SKM invitations, kiosks,
responses and their answers, day sums), ``notifications`` (what the product tells people of
those transitions: notification, deliveries, inbox message), ``facts`` (the daily facts of the
dashboards, recomputed from those rows). The same ``--seed``
and ``--anchor`` give the same rows. Prints the time and the rows per table and the
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
MODULES = [
    "catalog", "accounts", "cases", "documents", "queueing", "complaints", "surveys",
    "notifications", "facts",
]  # fmt: skip


def recreate(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def validate_foreign_keys(cursor, tables) -> dict[str, float]:
    """Check every foreign key of ``tables`` in one anti-join each (the COPY skipped the triggers).

    The rows go in with ``session_replication_role = replica``: PostgreSQL then queues no
    foreign-key trigger per row (tens of millions at the national scale, each checked one by one
    at commit). Instead each constraint is checked here over the whole table at once; a dangling
    reference stops the run and the transaction is rolled back.
    """
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, r.attname
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        JOIN pg_attribute r ON r.attrelid = c.confrelid AND r.attnum = c.confkey[1]
        WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND c.conrelid::regclass::text = ANY(%s)
        ORDER BY 1, 2
        """,
        [list(tables)],
    )
    timings: dict[str, float] = {}
    for table, column, parent, key in cursor.fetchall():
        begun = time.perf_counter()
        cursor.execute(
            f'SELECT count(*) FROM {table} t WHERE t."{column}" IS NOT NULL AND NOT EXISTS '  # noqa: S608
            f'(SELECT 1 FROM {parent} p WHERE p."{key}" = t."{column}")'
        )
        dangling = cursor.fetchone()[0]
        if dangling:
            raise SystemExit(f"{table}.{column}: {dangling:,} rows point to no {parent} row")
        timings[table] = timings.get(table, 0.0) + time.perf_counter() - begun
    return timings


def module_sizes(
    written: dict[str, dict[str, int]], sizes: dict[str, int]
) -> dict[str, tuple[int, int]]:
    """(rows, bytes) per module: each table's size (with its indexes) shared among the modules
    that wrote it by their rows (the transition records of cases, queue and complaints), so that
    a module's size can be scaled with its volume. Tables a module fills through the product's
    own functions (the facts' monthly sums) are not counted."""
    totals: dict[str, int] = {}
    for tables in written.values():
        for table, rows in tables.items():
            totals[table] = totals.get(table, 0) + rows
    return {
        name: (
            sum(tables.values()),
            round(sum(sizes.get(t, 0) * rows / totals[t] for t, rows in tables.items())),
        )
        for name, tables in written.items()
    }


def load_state(cursor) -> dict:
    cursor.execute("CREATE TABLE IF NOT EXISTS bench_state (key text PRIMARY KEY, value jsonb)")
    cursor.execute("SELECT key, value::text FROM bench_state")
    return {key: json.loads(value) for key, value in cursor.fetchall()}


def save_state(cursor, state: dict) -> None:
    for key, value in state.items():
        cursor.execute(
            "INSERT INTO bench_state (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [key, json.dumps(value)],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--applications", type=int, help="override the scale's number")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip", nargs="*", default=[], choices=MODULES, help="modules left out")
    parser.add_argument(
        "--add",
        nargs="+",
        choices=MODULES,
        help="run only these modules on the existing data set (no drop, no migrate); e.g. a "
        "module left out with --skip, or one of a process added since the data set was made",
    )
    parser.add_argument(
        "--others-as",
        type=int,
        default=0,
        help="size the queue, complaint and survey rows as for this many applications (default: "
        "the scale's, the full national ratio; lower it only on a machine that cannot hold "
        "that); survey invitations then cover the same share of the days, the latest",
    )
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
    if not args.add:
        recreate(url)
    from bench._common import start_django_on_postgres

    start_django_on_postgres("mpp-bench-data-", demo=False, migrate=not args.add)
    from django.core.management import call_command
    from django.db import connection, transaction

    if not args.add:
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    prepared = time.perf_counter() - started
    timings = {("migrate + load_demo" if not args.add else "start"): prepared}
    with connection.cursor() as cursor:
        state = load_state(cursor)
    if args.add:
        if not state:
            raise SystemExit(f"{url} was not made by this generator: run make bench-data first")
        args.seed, args.applications = state["seed"], state["applications"]
        args.anchor = datetime.date.fromisoformat(state["anchor"])
        args.scale = state["scale"]
    anchor = datetime.datetime.combine(args.anchor, datetime.time(), tzinfo=datetime.UTC)
    with progress_bar() as progress:
        ctx = Context(scale=args.scale, seed=args.seed, anchor=anchor, progress=progress)
        ctx.applications = args.applications or SCALES[args.scale]
        ctx.others_as = args.others_as
        ctx.state = dict(state)
        ctx.state.update(
            scale=args.scale, seed=args.seed, anchor=str(args.anchor), applications=ctx.applications
        )
        run = args.add or [m for m in MODULES if m not in args.skip]
        ctx.modules = list(run)
        with transaction.atomic(), connection.cursor() as cursor:
            ctx.cursor = cursor
            cursor.execute("SET LOCAL session_replication_role = replica")
            written: dict[str, dict[str, int]] = {}  # rows per table, per module
            for name in MODULES:
                module = importlib.import_module(f"bench.data.{name}")
                begun = time.perf_counter()
                if name in run:
                    before = dict(ctx.counts)
                    module.generate(ctx)
                    timings[name] = time.perf_counter() - begun
                    written[name] = {
                        table: rows - before.get(table, 0)
                        for table, rows in ctx.counts.items()
                        if rows > before.get(table, 0)
                    }
                elif args.add and hasattr(module, "remember"):
                    module.remember(ctx)  # what this module left for the later ones
            begun = time.perf_counter()
            for table in ctx.counts:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                if cursor.fetchone()[0] is None:
                    continue  # a UUID key (notifications): no sequence to move on
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
            cursor.execute("SET LOCAL session_replication_role = origin")
            checks = validate_foreign_keys(cursor, ctx.counts)
            timings["foreign-key checks (one pass per key)"] = time.perf_counter() - begun
            save_state(cursor, ctx.state)
            begun = time.perf_counter()
        timings["commit"] = time.perf_counter() - begun
    begun = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        timings["vacuum analyze"] = time.perf_counter() - begun
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
        cursor.execute(
            "SELECT relname, n_live_tup, pg_total_relation_size(relid) FROM pg_stat_user_tables "
            "ORDER BY pg_total_relation_size(relid) DESC LIMIT 16"
        )
        tables = cursor.fetchall()
        cursor.execute("SELECT relname, pg_total_relation_size(relid) FROM pg_stat_user_tables")
        modules = module_sizes(written, dict(cursor.fetchall()))
    total = time.perf_counter() - started
    load = os.getloadavg()
    added = f" (added: {', '.join(args.add)})" if args.add else ""
    if args.others_as:
        added += f"; queue, complaints and surveys as for {args.others_as:,} applications"
    print(
        f"\nscale {args.scale}: {ctx.applications:,} applications, seed {args.seed}, "
        f"anchor {args.anchor}{added}"
    )
    print(
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; total {total:.0f} s; database {size / 2**30:.2f} GiB\n"
    )
    print("| step | seconds |\n| --- | --- |")
    for step, seconds in timings.items():
        print(f"| {step} | {seconds:.1f} |")
    print(
        "\n| module | seconds | rows written | size (MiB, with indexes) | rows per GiB |\n"
        "| --- | --- | --- | --- | --- |"
    )
    for name, (rows, nbytes) in modules.items():
        per_gib = f"{rows / (nbytes / 2**30):,.0f}" if nbytes else "—"
        print(f"| {name} | {timings[name]:.1f} | {rows:,} | {nbytes / 2**20:,.0f} | {per_gib} |")
    print("\n| table | rows | size (MiB, with indexes) |\n| --- | --- | --- |")
    for relname, rows, nbytes in tables:
        print(f"| {relname} | {rows:,} | {nbytes / 2**20:,.0f} |")
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    name = f"data-{args.scale}" + ("-add-" + "-".join(args.add) if args.add else "")
    (out / f"{name}.json").write_text(
        json.dumps(
            {"scale": args.scale, "applications": ctx.applications, "seed": args.seed,
             "anchor": str(args.anchor), "seconds": timings, "total_seconds": total,
             "database_bytes": size, "rows": ctx.counts, "loadavg": load,
             "foreign_key_checks": checks, "others_as": args.others_as,
             "modules": {name: {"rows": rows, "bytes": nbytes, "tables": written[name]}
                         for name, (rows, nbytes) in modules.items()}},
            indent=2,
        )
    )  # fmt: skip


if __name__ == "__main__":
    main()
