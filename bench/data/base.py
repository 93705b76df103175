"""What every generator module shares: the scale, the seeded random source, ids and COPY.

Rows are streamed into PostgreSQL with ``COPY ... FROM STDIN`` (psycopg 3 ``cursor.copy``) into
the migrated schema: every constraint and index of the models holds while the rows go in (foreign
keys are checked at commit: Django creates them ``DEFERRABLE INITIALLY DEFERRED``).
"""

from __future__ import annotations

import datetime
import json
import random
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

# The number of applications per scale; everything else follows from it (see docs/performance.md).
SCALES = {
    "tiny": 2_000,  # CI: query counts do not depend on the data size
    "small": 50_000,
    "medium": 1_000_000,
    "national": 10_000_000,
}
MPP_COUNT = 300  # MPPs in 2025 (the two demo MPPs included); the regions table holds all 514
BENCH_PEPPER = "bench-only-pepper-not-for-any-real-installation"


@dataclass
class Context:
    """The state one generation run shares between the modules (filled in module order)."""

    scale: str
    seed: int
    anchor: datetime.datetime  # "now" of the data set: applications spread over the 730 days before
    progress: Any
    cursor: Any = None
    applications: int = 0
    # The queue, complaint and survey modules size themselves by this number (default: the
    # applications'); ``--others-as`` lowers it at the national scale (see docs/performance.md).
    others_as: int = 0
    modules: list[str] = field(default_factory=list)  # the modules this run generates
    facts: dict[str, Any] = field(default_factory=dict)  # what a module leaves for the next ones
    counts: dict[str, int] = field(default_factory=dict)  # rows written per table
    # What a later ``--add`` run needs and cannot read back from the rows (kept in ``bench_state``).
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def process_volume(self) -> int:
        """The number of applications the other processes' rows are sized by."""
        return self.others_as or self.applications

    @property
    def invitation_days(self) -> int:
        """Days back from the anchor that survey invitations cover: all 730, or the same share
        of them as ``others_as`` is of the applications (the recent days)."""
        if not self.others_as or self.others_as >= self.applications:
            return 730
        return max(30, round(730 * self.others_as / self.applications))

    def analyze(self, *tables: str) -> None:
        """Statistics for tables just filled in this run's transaction: without them PostgreSQL
        plans a module's reads of the earlier modules' rows as if the tables were empty (nested
        loops over millions of rows). ``ANALYZE`` samples, so it takes seconds at any scale."""
        self.cursor.execute(f"ANALYZE {', '.join(tables)}")

    def rng(self, name: str) -> random.Random:
        """A random source of its own per module: adding a module does not change the others."""
        return random.Random(f"{self.seed}:{name}")  # noqa: S311 - not cryptography

    def next_id(self, table: str) -> int:
        self.cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")  # noqa: S608
        return self.cursor.fetchone()[0]

    def copy(
        self, model, columns: list[str], rows: Iterable[tuple], *, total: int, label: str
    ) -> int:
        """COPY ``rows`` (tuples in the order of ``columns``, model attnames) into ``model``'s table."""
        table = model._meta.db_table
        check_columns(model, columns)
        names = ", ".join(f'"{model._meta.get_field(_field_name(c)).column}"' for c in columns)
        task = self.progress.add_task(label, total=total)
        written = 0
        with self.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
                if written % 5000 == 0:
                    self.progress.update(task, completed=written)
        self.progress.update(task, completed=written, total=written)
        self.counts[table] = self.counts.get(table, 0) + written
        return written


def replace_counters(
    ctx: Context, model, columns: list[str], counters: dict[tuple, int], *, label: str
) -> None:
    """Replace the rows of a sequence table (tracking numbers, document numbers) with
    ``counters`` (key tuple → last value used), so the product continues after the generated
    numbers; the key's columns first, the value's last in ``columns``."""
    ctx.cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
    ctx.copy(
        model,
        columns,
        ((*key, value) for key, value in sorted(counters.items())),
        total=len(counters),
        label=label,
    )


def copy_rows(cursor, model, columns: list[str], rows: Iterable[tuple]) -> int:
    """COPY ``rows`` into ``model``'s table without a progress bar of its own (a module that
    writes several tables in slices, one COPY after the other, counts them itself)."""
    check_columns(model, columns)
    column_of = {f.attname: f.column for f in model._meta.concrete_fields}
    names = ", ".join(f'"{column_of[c]}"' for c in columns)
    written = 0
    with cursor.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            written += 1
    return written


def _field_name(attname: str) -> str:
    return attname[:-3] if attname.endswith("_id") and attname != "object_id" else attname


def check_columns(model, columns: list[str]) -> None:
    """Refuse a COPY that leaves out a NOT NULL column without a database default."""
    from django.db.models import NOT_PROVIDED

    attnames = {f.attname for f in model._meta.concrete_fields}
    unknown = set(columns) - attnames
    if unknown:
        raise SystemExit(f"{model.__name__}: no such columns {sorted(unknown)}")
    for f in model._meta.concrete_fields:
        if f.attname in columns or f.null or f.get_internal_type().endswith("AutoField"):
            continue
        if getattr(f, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
            continue
        raise SystemExit(f"{model.__name__}.{f.attname} is NOT NULL and not in the COPY")


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def token(rng: random.Random, nbytes: int = 18) -> str:
    """A URL-safe random string from the seeded source (like ``secrets.token_urlsafe``)."""
    import base64

    return base64.urlsafe_b64encode(rng.getrandbits(nbytes * 8).to_bytes(nbytes, "big")).decode()


def weighted_index(cumulative: list[float], rng: random.Random) -> int:
    import bisect

    return bisect.bisect_right(cumulative, rng.random() * cumulative[-1])


def cumulate(weights: Iterable[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


class PlainProgress:
    """A progress line on stderr (rate and time left) when ``rich`` is missing or not on a terminal."""

    def __init__(self) -> None:
        self.tasks: dict[int, list] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        sys.stderr.write("\n")

    def add_task(self, label: str, total: int) -> int:
        self.tasks[len(self.tasks)] = [label, total, 0, time.monotonic(), 0.0]
        return len(self.tasks) - 1

    def update(self, task: int, completed: int, total: int | None = None) -> None:
        entry = self.tasks[task]
        entry[2] = completed
        if total is not None:
            entry[1] = total
        now = time.monotonic()
        if now - entry[4] < 1 and completed < entry[1]:
            return
        entry[4] = now
        elapsed = now - entry[3]
        rate = completed / elapsed if elapsed else 0
        left = (entry[1] - completed) / rate if rate else 0
        sys.stderr.write(
            f"\r{entry[0]}: {completed:,}/{entry[1]:,} ({rate:,.0f}/s, "
            f"{left:,.0f} s left)          "
        )
        if completed >= entry[1]:
            sys.stderr.write("\n")
        sys.stderr.flush()


def progress_bar():
    """rich's bar with the time left when on a terminal, else :class:`PlainProgress`."""
    if sys.stderr.isatty():
        try:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
        except ImportError:
            return PlainProgress()
        return Progress(
            TextColumn("{task.description:<34}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )
    return PlainProgress()


def chunks(iterator: Iterator, size: int) -> Iterator[list]:
    batch = []
    for item in iterator:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
