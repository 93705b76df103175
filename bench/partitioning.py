"""Benchmark: the workflow history over ten years, one plain table against monthly partitions.

    .venv/bin/python bench/partitioning.py [--rows-per-month 50000] [--years 10] \\
        [--database-url postgres://postgres@127.0.0.1:5432/mpp_bench_part] [--keep]

Drops and creates its own scratch database (the name must start with ``mpp_bench_part``; no other
database is touched), runs the project's migrations there so that ``workflows_transitionrecord``
has its real columns and indexes, and builds beside it, empty:

- ``tr_plain``: ``LIKE workflows_transitionrecord INCLUDING ALL`` (the same columns, defaults,
  identity, check constraint and the eleven indexes);
- ``tr_part``: the same columns ``PARTITION BY RANGE (at)`` with one partition per month (local
  months of WIB, UTC+7, where most MPPs are), the same indexes created on the parent (so every
  partition has them) and the primary key ``(id, at)``: a primary key or unique constraint of a
  partitioned table must contain the partition key.

Neither copy has the real table's foreign keys (to the user, content type, region, MPP and
agency): the check of a foreign key is a look-up in the referenced table, the same for both
layouts, and leaving it out lets the rows name MPPs and agencies that the scratch database does
not have.

Ten years of transitions are generated month by month (``--rows-per-month``, default 50,000:
Kota Batam's share, about 4 %, of the national history from applications), spread over 20 MPPs
with a Zipf weight so that the per-MPP and per-region indexes are as selective as in a larger
table: applications, queue tickets, complaints and room bookings, 3–4 records per object. Each
month is rendered once to COPY text and written with psycopg 3 ``COPY`` into both tables (one
transaction per month and table, the order alternating), so the two COPY rates measure
PostgreSQL's work, not the generator's. Then, for both layouts: single-row INSERTs of the current
month as the product writes them (one transaction each), five hot-path queries (~200 runs each,
p50/p95, and the relations each plan reads), ``VACUUM`` and ``ANALYZE`` timed apart after the load
and after a churn of recent rows, total and per-index size summed over the partitions, archiving
the oldest year with ``COPY TO STDOUT`` through gzip, and removing that year: ``DELETE`` (and the
``VACUUM`` that reclaims it) against ``DETACH PARTITION`` + ``DROP``, with their time and WAL (the
DELETE's from ``EXPLAIN (ANALYZE, WAL)``, the VACUUM's from its own report, DETACH and DROP's from
the difference of ``pg_current_wal_lsn()``, which is cluster-wide: the difference over as long a
pause just after is printed beside it). A Markdown table of the figures is printed at the end.
docs/performance.md, "Growth beyond two years", has the measured run and the plan.
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import gzip
import io
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from _common import percentile  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mpp_bench_part"
SOURCE = "workflows_transitionrecord"
LAYOUTS = ("tr_plain", "tr_part")
WIB = datetime.timezone(datetime.timedelta(hours=7))
UTC = datetime.UTC
COLUMNS = (
    "object_id", "workflow", "action", "from_state", "to_state", "version", "actor_kind",
    "note", "at", "data", "actor_id", "content_type_id", "agency_id", "mpp_id", "region_id",
)  # fmt: skip
# Kota Batam first (the busiest), the other Kepulauan Riau kab/kota, then large kab/kota elsewhere.
REGIONS = (
    "2171", "2172", "2101", "2102", "2103", "2104", "2105", "3171", "3172", "3173", "3174",
    "3175", "3273", "3578", "1275", "7371", "5171", "6471", "1671", "3471",
)  # fmt: skip
AGENCIES_PER_MPP = 13

# (content type model, workflow, share of objects, its transitions: action, from, to, actor kind)
Step = tuple[str, str, str, str]
PROCESSES: tuple[tuple[str, str, float, tuple[Step, ...]], ...] = (
    ("application", "application", 0.52, (
        ("submit", "draft", "submitted", "citizen"),
        ("claim", "submitted", "in_review", "officer"),
        ("approve", "in_review", "approved", "officer"),
        ("issue", "approved", "issued", "officer"),
    )),
    ("ticket", "queue_ticket", 0.45, (
        ("take", "", "waiting", "citizen"),
        ("call", "waiting", "called", "officer"),
        ("serve", "called", "served", "officer"),
    )),
    ("complaint", "complaint", 0.02, (
        ("submit", "draft", "submitted", "citizen"),
        ("verify", "submitted", "verified", "officer"),
        ("respond", "verified", "responded", "officer"),
        ("close", "responded", "closed", "citizen"),
    )),
    ("booking", "room_booking", 0.01, (
        ("request", "", "requested", "officer"),
        ("approve", "requested", "approved", "officer"),
        ("finish", "approved", "finished", "system"),
    )),
)  # fmt: skip
# Delay before each step after the first, in seconds: (low, high) per process.
DELAYS = {
    "application": ((600, 2 * 86400), (3600, 5 * 86400), (600, 86400)),
    "ticket": ((300, 3600), (300, 1200)),
    "complaint": ((3600, 3 * 86400), (86400, 5 * 86400), (3600, 10 * 86400)),
    "booking": ((3600, 86400), (86400, 14 * 86400)),
}
NOTES = ("", "", "", "", "", "", "", "", "Berkas lengkap.", "Mohon lengkapi surat pengantar RT/RW.")


@dataclass
class Sample:
    """Objects remembered for the hot-path queries: (content type id, object id, first record)."""

    objects: list[tuple[int, str, datetime.datetime]] = field(default_factory=list)


@dataclass
class Figures:
    rows: dict[str, int] = field(default_factory=dict)
    copy_seconds: dict[str, float] = field(default_factory=dict)
    generate_seconds: float = 0.0
    insert_rate: dict[str, dict[str, float]] = field(default_factory=dict)
    queries: dict[str, dict[str, tuple[float, float, float]]] = field(default_factory=dict)
    vacuum: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)
    sizes: dict[str, dict[str, int]] = field(default_factory=dict)
    retention: dict[str, dict[str, float]] = field(default_factory=dict)
    archive: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def month_starts(first: datetime.date, count: int) -> list[datetime.datetime]:
    """``count + 1`` month boundaries from ``first`` (midnight WIB), the last one the end."""
    starts = []
    year, month = first.year, first.month
    for _ in range(count + 1):
        starts.append(datetime.datetime(year, month, 1, tzinfo=WIB))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return starts


def prepare_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    if not name.startswith("mpp_bench_part"):
        sys.exit(f"Refusing {name!r}: the scratch database's name must start with mpp_bench_part.")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="mpp.settings")
    env.setdefault("LOG_LEVEL", "WARNING")
    subprocess.run(  # noqa: S603 - our own manage.py with a fixed argument list
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--verbosity", "0"],
        check=True,
        env=env,
    )


def create_tables(connection: psycopg.Connection[Any], bounds: list[datetime.datetime]) -> None:
    """The plain copy and the partitioned copy of the migrated table, with its indexes."""
    connection.execute(f"CREATE TABLE tr_plain (LIKE {SOURCE} INCLUDING ALL)")
    connection.execute(
        f"CREATE TABLE tr_part (LIKE {SOURCE} INCLUDING DEFAULTS INCLUDING IDENTITY"
        " INCLUDING CONSTRAINTS INCLUDING STORAGE) PARTITION BY RANGE (at)"
    )
    for start, end in itertools.pairwise(bounds):
        connection.execute(
            f"CREATE TABLE tr_part_{start:%Y_%m} PARTITION OF tr_part"
            f" FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
        )
    connection.execute("ALTER TABLE tr_part ADD PRIMARY KEY (id, at)")
    for name, definition in connection.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname <> %s",
        [SOURCE, f"{SOURCE}_pkey"],
    ).fetchall():
        connection.execute(
            definition.replace(f"INDEX {name} ON public.{SOURCE}", f"INDEX p_{name} ON tr_part")
        )


def zipf_weights(count: int, s: float = 0.6) -> list[float]:
    return [1 / (rank**s) for rank in range(1, count + 1)]


class Generator:
    """Renders one month of transitions as COPY text, sorted by time."""

    def __init__(self, seed: int, content_types: dict[str, int], end: datetime.datetime) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
        self.content_types = content_types
        self.end = end
        self.next_id = {model: 1 for model, *_ in PROCESSES}
        weights = zipf_weights(len(REGIONS))
        total = sum(weights)
        self.mpp_cumulative = [sum(weights[: i + 1]) / total for i in range(len(weights))]
        self.process_cumulative = [
            sum(p[2] for p in PROCESSES[: i + 1]) / sum(p[2] for p in PROCESSES)
            for i in range(len(PROCESSES))
        ]
        self.sample = Sample()

    def opening_times(self, start: datetime.datetime, end: datetime.datetime, count: int) -> list:
        """``count`` first-record times in office hours (Mon–Sat 08–16 WIB, Saturday quieter)."""
        days = []
        day = start
        while day < end:
            weekday = day.weekday()
            weight = 5 if weekday < 5 else (2 if weekday == 5 else 0)
            days.extend([day] * weight)
            day += datetime.timedelta(days=1)
        rng = self.rng
        return sorted(
            rng.choice(days) + datetime.timedelta(seconds=rng.randrange(8 * 3600, 16 * 3600))
            for _ in range(count)
        )

    def month(self, start: datetime.datetime, end: datetime.datetime, rows: int) -> bytes:
        rng = self.rng
        average_steps = sum(p[2] * len(p[3]) for p in PROCESSES) / sum(p[2] for p in PROCESSES)
        objects = round(rows / average_steps)
        records: list[tuple[datetime.datetime, str]] = []
        for first in self.opening_times(start, end, objects):
            if first >= self.end:
                continue
            model, workflow, _, steps = PROCESSES[
                bisect.bisect(self.process_cumulative, rng.random())
            ]
            object_id = str(self.next_id[model])
            self.next_id[model] += 1
            mpp = bisect.bisect(self.mpp_cumulative, rng.random()) + 1
            region = REGIONS[mpp - 1]
            agency = mpp * 100 + rng.randrange(1, AGENCIES_PER_MPP + 1)
            officer = agency * 10 + rng.randrange(1, 3)
            citizen = rng.randrange(1_000_000, 2_000_000)
            content_type = self.content_types[model]
            if rng.random() < 0.002:
                self.sample.objects.append((content_type, object_id, first))
            at = first
            for position, (action, from_state, to_state, kind) in enumerate(steps):
                if position:
                    low, high = DELAYS[model][position - 1]
                    at += datetime.timedelta(seconds=rng.randrange(low, high))
                if at >= self.end:
                    break
                actor = citizen if kind == "citizen" else (officer if kind == "officer" else None)
                note = rng.choice(NOTES) if kind == "officer" else ""
                fields = (
                    object_id, workflow, action, from_state, to_state, str(position + 1), kind,
                    note, at.astimezone(UTC).isoformat(), "{}",
                    "\\N" if actor is None else str(actor), str(content_type), str(agency),
                    str(mpp), region,
                )  # fmt: skip
                records.append((at, "\t".join(fields)))
        records.sort(key=lambda record: record[0])
        return ("\n".join(line for _, line in records) + "\n").encode() if records else b""


def copy_month(connection: psycopg.Connection[Any], table: str, data: bytes) -> float:
    began = time.perf_counter()
    with (
        connection.transaction(),
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy,
    ):
        copy.write(data)
    return time.perf_counter() - began


def load(
    connection: psycopg.Connection[Any],
    generator: Generator,
    bounds: list[datetime.datetime],
    rows_per_month: int,
    figures: Figures,
) -> None:
    started = time.perf_counter()
    for index, (start, end) in enumerate(itertools.pairwise(bounds)):
        began = time.perf_counter()
        data = generator.month(start, end, rows_per_month)
        figures.generate_seconds += time.perf_counter() - began
        if not data:
            continue
        for table in LAYOUTS if index % 2 == 0 else reversed(LAYOUTS):
            seconds = copy_month(connection, table, data)
            figures.copy_seconds[table] = figures.copy_seconds.get(table, 0.0) + seconds
        if index % 12 == 11:
            print(f"  {start:%Y-%m}: {time.perf_counter() - started:.0f} s", flush=True)
    for table in LAYOUTS:
        count = connection.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
        figures.rows[table] = int(count[0]) if count else 0


def timed(connection: psycopg.Connection[Any], sql: str) -> float:
    began = time.perf_counter()
    connection.execute(sql)
    return time.perf_counter() - began


def wal_lsn(connection: psycopg.Connection[Any]) -> str:
    return str(connection.execute("SELECT pg_current_wal_lsn()").fetchone()[0])  # type: ignore[index]


def wal_since(connection: psycopg.Connection[Any], lsn: str) -> int:
    row = connection.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s)", [lsn]).fetchone()
    return int(row[0])  # type: ignore[index]


def single_inserts(
    connection: psycopg.Connection[Any], count: int, now: datetime.datetime, figures: Figures
) -> None:
    """One INSERT … RETURNING id per transaction, in the current month, as ``apply_action``;
    then again with ``synchronous_commit = off``, to see the work without the flush to disk."""
    rng = random.Random(26)  # noqa: S311 - benchmark data, not secrets
    for synchronous in ("on", "off"):
        connection.execute(f"SET synchronous_commit = {synchronous}")
        seconds = dict.fromkeys(LAYOUTS, 0.0)
        for round_ in range(2):
            for table in LAYOUTS if round_ == 0 else reversed(LAYOUTS):
                began = time.perf_counter()
                for number in range(count // 2):
                    connection.execute(
                        f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES"  # noqa: S608
                        " (%s, 'application', 'claim', 'submitted', 'in_review', 2, 'officer',"
                        " '', %s, '{}', %s, 1, %s, 1, %s) RETURNING id",
                        [
                            f"live-{synchronous}-{round_}-{number}",
                            now - datetime.timedelta(seconds=rng.randrange(3600)),
                            rng.randrange(1000, 2000),
                            101 + rng.randrange(13),
                            REGIONS[0],
                        ],
                    ).fetchone()
                seconds[table] += time.perf_counter() - began
        figures.insert_rate[synchronous] = {t: 2 * (count // 2) / seconds[t] for t in LAYOUTS}
    connection.execute("RESET synchronous_commit")


def partitions_read(connection: psycopg.Connection[Any], sql: str, params: list[Any]) -> int:
    """How many relations the plan reads (after planning-time pruning)."""
    plan = connection.execute(f"EXPLAIN (FORMAT JSON) {sql}", params).fetchone()[0]  # type: ignore[index]
    text = json.dumps(plan)
    return len({part.split('"')[0] for part in text.split('"Relation Name": "')[1:]})


def hot_paths(
    connection: psycopg.Connection[Any],
    sample: Sample,
    bounds: list[datetime.datetime],
    now: datetime.datetime,
    runs: int,
    figures: Figures,
) -> None:
    rng = random.Random(17)  # noqa: S311 - benchmark data, not secrets
    weights = zipf_weights(len(REGIONS))
    recent = [o for o in sample.objects if o[2] >= now - datetime.timedelta(days=60)]
    queries: dict[str, tuple[str, Callable[[], list[Any]]]] = {
        "object's history (`content_type, object_id ORDER BY at`), any object": (
            "SELECT id, action, from_state, to_state, at FROM {t}"
            " WHERE content_type_id = %s AND object_id = %s ORDER BY at, id",
            lambda: list(rng.choice(sample.objects)[:2]),
        ),
        "object's history, `at >= the object's creation`": (
            "SELECT id, action, from_state, to_state, at FROM {t}"
            " WHERE content_type_id = %s AND object_id = %s AND at >= %s ORDER BY at, id",
            lambda: list(rng.choice(sample.objects)),
        ),
        "the same for an object of the last 60 days": (
            "SELECT id, action, from_state, to_state, at FROM {t}"
            " WHERE content_type_id = %s AND object_id = %s AND at >= %s ORDER BY at, id",
            lambda: list(rng.choice(recent)),
        ),
        "an MPP's last 30 days (count per action)": (
            "SELECT action, count(*) FROM {t} WHERE mpp_id = %s AND at >= %s GROUP BY action",
            lambda: [
                rng.choices(range(1, len(REGIONS) + 1), weights)[0],
                now - datetime.timedelta(days=30),
            ],
        ),
        "a region's month (count per action)": (
            "SELECT action, count(*) FROM {t}"
            " WHERE region_id = %s AND at >= %s AND at < %s GROUP BY action",
            lambda: [rng.choices(REGIONS, weights)[0], *month_of(rng, bounds)],
        ),
    }
    for label, (sql, parameters) in queries.items():
        times: dict[str, list[float]] = {table: [] for table in LAYOUTS}
        for run in range(runs + 10):
            params = parameters()
            for table in LAYOUTS if run % 2 == 0 else reversed(LAYOUTS):
                began = time.perf_counter()
                connection.execute(sql.format(t=table), params).fetchall()
                if run >= 10:  # the first ten warm the cache
                    times[table].append((time.perf_counter() - began) * 1000)
        reads = {
            table: statistics.mean(
                partitions_read(connection, sql.format(t=table), parameters()) for _ in range(20)
            )
            for table in LAYOUTS
        }
        figures.queries[label] = {
            table: (
                percentile(times[table], 0.5),
                percentile(times[table], 0.95),
                reads[table],
            )
            for table in LAYOUTS
        }
        print(f"  {label}: done", flush=True)


def month_of(rng: random.Random, bounds: list[datetime.datetime]) -> list[datetime.datetime]:
    index = rng.randrange(len(bounds) - 1)
    return [bounds[index], bounds[index + 1]]


def relation_size(connection: psycopg.Connection[Any], name: str) -> int:
    """Bytes of a table or index, or of all the partitions of a partitioned one."""
    row = connection.execute(
        "SELECT coalesce((SELECT sum(pg_relation_size(relid)) FROM pg_partition_tree(%s)),"
        " pg_relation_size(%s))",
        [name, name],
    ).fetchone()
    return int(row[0]) if row else 0


def sizes(connection: psycopg.Connection[Any], figures: Figures) -> None:
    """Heap and index bytes, a partitioned table's summed over its partitions; an index is named
    by its columns (the two copies name their indexes differently)."""
    for table in LAYOUTS:
        per_index: dict[str, int] = {"table": relation_size(connection, table)}
        for name, primary, definition in connection.execute(
            "SELECT indexrelid::regclass::text, indisprimary, pg_get_indexdef(indexrelid)"
            " FROM pg_index WHERE indrelid = %s::regclass",
            [table],
        ).fetchall():
            columns = definition.split(" USING btree ", 1)[1]
            per_index["primary key" if primary else columns] = relation_size(connection, name)
        figures.sizes[table] = per_index


def churn(connection: psycopg.Connection[Any], since: datetime.datetime, salt: int) -> int:
    """Update a tenth and delete a fiftieth of the rows since ``since`` in both tables."""
    changed = 0
    for table in LAYOUTS:
        with connection.transaction():
            changed += connection.execute(
                f"UPDATE {table} SET note = note || ' ' WHERE at >= %s AND id %% 10 = %s",  # noqa: S608
                [since, salt],
            ).rowcount
            changed += connection.execute(
                f"DELETE FROM {table} WHERE at >= %s AND id %% 50 = %s",  # noqa: S608
                [since, salt + 1],
            ).rowcount
    return changed


def vacuum_and_analyze(connection: psycopg.Connection[Any], tables: str) -> tuple[float, float]:
    return timed(connection, f"VACUUM {tables}"), timed(connection, f"ANALYZE {tables}")


def vacuums(
    connection: psycopg.Connection[Any],
    bounds: list[datetime.datetime],
    now: datetime.datetime,
    figures: Figures,
) -> None:
    """``VACUUM (ANALYZE)`` in its two halves, timed apart: ANALYZE of a partitioned table samples
    the parent and then every partition."""
    for table in LAYOUTS:
        figures.vacuum.setdefault(table, {})["after the load"] = vacuum_and_analyze(
            connection, table
        )
    since = now - datetime.timedelta(days=90)
    figures.notes.append(f"Churn: {churn(connection, since, 3):,} rows updated or deleted.")
    for table in LAYOUTS:
        figures.vacuum[table]["after updating 10 % and deleting 2 % of the last 90 days"] = (
            vacuum_and_analyze(connection, table)
        )
    # Autovacuum works on the partitions that changed, never on the parent: the same churn again,
    # then only the touched partitions (the plain table has no smaller unit than itself).
    churn(connection, since, 5)
    touched = [f"tr_part_{start:%Y_%m}" for start, end in itertools.pairwise(bounds) if end > since]
    label = "the same churn again, only what changed (autovacuum's unit)"
    figures.vacuum["tr_part"][label] = vacuum_and_analyze(connection, ", ".join(touched))
    figures.vacuum["tr_plain"][label] = vacuum_and_analyze(connection, "tr_plain")


def archive_year(
    connection: psycopg.Connection[Any], bounds: list[datetime.datetime], figures: Figures
) -> None:
    """COPY the oldest year's partitions out through gzip, as the archiving task would."""
    raw = 0
    buffer = io.BytesIO()
    began = time.perf_counter()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=6) as compressed:
        for start in bounds[:12]:
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY tr_part_{start:%Y_%m} TO STDOUT") as copy,
            ):
                for chunk in copy:
                    raw += len(chunk)
                    compressed.write(chunk)
    figures.archive = {
        "seconds": time.perf_counter() - began,
        "raw_bytes": raw,
        "gzip_bytes": len(buffer.getvalue()),
    }


def vacuum_wal(connection: psycopg.Connection[Any], table: str) -> tuple[float, int]:
    """Seconds and WAL bytes of ``VACUUM (VERBOSE)``, read from its own report of WAL usage."""
    messages: list[str] = []

    def keep(notice: psycopg.errors.Diagnostic) -> None:
        messages.append(notice.message_primary or "")

    connection.add_notice_handler(keep)
    try:
        seconds = timed(connection, f"VACUUM (VERBOSE) {table}")
    finally:
        connection.remove_notice_handler(keep)
    wal = 0
    for message in messages:
        for line in message.splitlines():
            if line.startswith("WAL usage:"):
                wal += int(line.rsplit(",", 1)[1].split()[0])
    return seconds, wal


def retention(
    connection: psycopg.Connection[Any], bounds: list[datetime.datetime], figures: Figures
) -> None:
    """Remove the oldest year: DELETE (and the VACUUM that reclaims it) against DETACH + DROP.

    The DELETE's WAL is its own (``EXPLAIN (ANALYZE, WAL)``), the VACUUM's its own report; DETACH
    and DROP have neither, so theirs is the difference of ``pg_current_wal_lsn()``, next to the
    difference over as long a pause just after (what the rest of a shared server wrote)."""
    began = time.perf_counter()
    row = connection.execute(
        "EXPLAIN (ANALYZE, WAL, FORMAT JSON) DELETE FROM tr_plain WHERE at < %s", [bounds[12]]
    ).fetchone()
    delete_seconds = time.perf_counter() - began
    plan = row[0][0]["Plan"] if row else {}
    vacuum_seconds, vacuum_bytes = vacuum_wal(connection, "tr_plain")
    figures.retention["tr_plain"] = {
        "rows": plan["Plans"][0]["Actual Rows"],
        "seconds": delete_seconds,
        "wal": plan["WAL Bytes"],
        "vacuum_seconds": vacuum_seconds,
        "vacuum_wal": vacuum_bytes,
        "heap_after": relation_size(connection, "tr_plain"),
    }
    lsn = wal_lsn(connection)
    began = time.perf_counter()
    for start in bounds[:12]:
        connection.execute(f"ALTER TABLE tr_part DETACH PARTITION tr_part_{start:%Y_%m}")
        connection.execute(f"DROP TABLE tr_part_{start:%Y_%m}")
    seconds = time.perf_counter() - began
    wal = wal_since(connection, lsn)
    lsn = wal_lsn(connection)
    time.sleep(seconds)
    figures.retention["tr_part"] = {
        "seconds": seconds,
        "wal": wal,
        "background_wal": wal_since(connection, lsn),
        "heap_after": relation_size(connection, "tr_part"),
    }


def mib(value: float) -> str:
    return f"{value / 2**20:,.0f} MiB"


def report(figures: Figures, rows_per_month: int, years: int) -> str:
    plain, part = LAYOUTS
    lines = [
        f"Rows: {figures.rows[plain]:,} ({rows_per_month:,} a month for {years} years, up to"
        f" now); generating the COPY text took {figures.generate_seconds:.0f} s (not in the rates).",
        "",
        "| measure | plain table | partitioned by month |",
        "| --- | --- | --- |",
    ]

    def row(label: str, a: str, b: str) -> None:
        lines.append(f"| {label} | {a} | {b} |")

    row(
        "COPY, rows/s (one transaction a month)",
        *(f"{figures.rows[t] / figures.copy_seconds[t]:,.0f}" for t in LAYOUTS),
    )
    row(
        "single-row INSERT of the current month, rows/s (one transaction each)",
        *(f"{figures.insert_rate['on'][t]:,.0f}" for t in LAYOUTS),
    )
    row(
        "the same with synchronous_commit = off (no wait for the disk)",
        *(f"{figures.insert_rate['off'][t]:,.0f}" for t in LAYOUTS),
    )
    for label, by_table in figures.queries.items():
        row(
            f"{label}: p50 / p95 ms (relations read, mean of 20 plans)",
            *(
                f"{by_table[t][0]:.2f} / {by_table[t][1]:.2f} ({by_table[t][2]:.0f})"
                for t in LAYOUTS
            ),
        )
    for label in figures.vacuum[plain]:
        row(
            f"VACUUM + ANALYZE, {label}",
            *(
                f"{figures.vacuum[t][label][0]:.1f} s + {figures.vacuum[t][label][1]:.1f} s"
                for t in LAYOUTS
            ),
        )
    row(
        "size: table / all indexes",
        *(
            f"{mib(figures.sizes[t]['table'])} / "
            f"{mib(sum(v for k, v in figures.sizes[t].items() if k != 'table'))}"
            for t in LAYOUTS
        ),
    )
    for name in sorted(figures.sizes[plain], key=lambda k: -figures.sizes[plain][k]):
        if name != "table":
            label = "primary key (id) / (id, at)" if name == "primary key" else name
            row(f"size: index {label}", *(mib(figures.sizes[t][name]) for t in LAYOUTS))
    r = figures.retention
    row(
        "remove the oldest year: time",
        f"{r[plain]['seconds']:.1f} s DELETE of {r[plain]['rows']:,.0f} rows"
        f" + {r[plain]['vacuum_seconds']:.1f} s VACUUM",
        f"{r[part]['seconds']:.2f} s for 12 × DETACH PARTITION + DROP TABLE",
    )
    row(
        "remove the oldest year: WAL",
        f"{mib(r[plain]['wal'])} + {mib(r[plain]['vacuum_wal'])} (VACUUM)",
        f"{r[part]['wal'] / 1024:,.0f} KiB (the rest of the server over as long:"
        f" {r[part]['background_wal'] / 1024:,.0f} KiB)",
    )
    row("table after removal", mib(r[plain]["heap_after"]), mib(r[part]["heap_after"]))
    a = figures.archive
    lines.append("")
    lines.append(
        f"Archive of the oldest year (12 partitions, COPY TO STDOUT + gzip -6 in the client):"
        f" {a['seconds']:.1f} s, {mib(a['raw_bytes'])} of text to {mib(a['gzip_bytes'])}."
    )
    lines.extend(figures.notes)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows-per-month", type=int, default=50_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=200, help="runs of each hot-path query")
    parser.add_argument("--inserts", type=int, default=2000, help="single-row INSERTs per layout")
    parser.add_argument("--seed", type=int, default=26)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    print(f"start {datetime.datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load {os.getloadavg()}")
    prepare_database(args.database_url)
    print(f"migrated: {time.perf_counter() - started:.0f} s", flush=True)
    now = datetime.datetime.now(UTC)
    current = now.astimezone(WIB).date()
    months = 12 * args.years
    first_year, first_month = divmod(current.year * 12 + current.month - 1 - (months - 1), 12)
    bounds = month_starts(datetime.date(first_year, first_month + 1, 1), months)
    figures = Figures()
    # Django binds parameters on the client and never prepares: no generic plans here either.
    with psycopg.connect(args.database_url, autocommit=True, prepare_threshold=None) as connection:
        create_tables(connection, bounds)
        content_types: dict[str, int] = dict(
            connection.execute(
                "SELECT model, id FROM django_content_type WHERE model = ANY(%s)",
                [[model for model, *_ in PROCESSES]],
            ).fetchall()
        )
        generator = Generator(args.seed, content_types, now)
        load(connection, generator, bounds, args.rows_per_month, figures)
        print(f"loaded {figures.rows}: {time.perf_counter() - started:.0f} s", flush=True)
        vacuums(connection, bounds, now, figures)
        print(f"vacuumed: {time.perf_counter() - started:.0f} s", flush=True)
        sizes(connection, figures)
        single_inserts(connection, args.inserts, now, figures)
        print(f"inserted: {time.perf_counter() - started:.0f} s", flush=True)
        hot_paths(connection, generator.sample, bounds, now, args.runs, figures)
        archive_year(connection, bounds, figures)
        retention(connection, bounds, figures)
    if not args.keep:
        base, name = args.database_url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    figures.notes.append(
        f"\nWhole run {time.perf_counter() - started:.0f} s; end"
        f" {datetime.datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load {os.getloadavg()}."
    )
    print(report(figures, args.rows_per_month, args.years))


if __name__ == "__main__":
    main()
