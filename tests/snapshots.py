"""Demo data for transactional tests, loaded once and copied back (PostgreSQL).

A transactional test (a browser test, a race test) cannot share data loaded in a rolled-back
transaction (``*_once`` in the root ``conftest.py``): its data is committed, and the database is
emptied after it. Most of them load the same demo first — the regions, ``load_demo``, an app's
``demo.load()``, or ``manage.py load_demo`` (8 s) — and loading it was the largest share of their
set-up. So, on PostgreSQL, each loader a test calls is *recorded*: the first time a chain of loaders
runs from a given starting database (in an xdist worker), the rows of every table, the sequences,
the media files and what the loader returned are kept after each step; the next test that calls
the same chain from the same start gets the rows copied back (``COPY``, with foreign-key triggers
off, a tenth of a second) instead of running the loaders. A test sees exactly what the loaders
would have written (the same rows, ids and files); ``docs/testing.md``, "Demo data".

A loader's result depends on more than its arguments, so the key of a step also holds the active
language, the clock's hour (a test that moves the clock gets its own copy) and every setting but
the test's own directories. A step is replayed only while the test has written nothing itself
(each statement of the test's connection is watched): once it has, the loaders run as written.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "SET", "SHOW", "BEGIN", "COMMIT")
# The test's own directories differ from test to test and do not change what is loaded.
OWN_PATHS = {"MEDIA_ROOT", "VAR_DIR"}


@dataclass
class Snapshot:
    tables: dict[str, bytes]  # COPY text of every table with rows
    sequences: dict[str, int]  # every sequence's last value
    media: Path | None  # a copy of MEDIA_ROOT after the step
    result: Any  # what the loader returned (deep-copied for each test)


class Recorder:
    """The steps taken by this worker's tests, and where the current test stands."""

    def __init__(self) -> None:
        self.steps: dict[tuple, Snapshot] = {}
        self.state: tuple | None = None  # the steps taken since the test started; None: unknown
        self.depth = 0  # > 0 while a recorded loader runs (its nested loaders just run)
        self.store = Path(tempfile.mkdtemp(prefix="mpp-demo-steps-"))

    @contextmanager
    def test(self) -> Iterator[None]:
        """Watch one transactional test: its start is the first step of every chain."""
        self.state = (self._start(),)
        with connection.execute_wrapper(self._watch):
            try:
                yield
            finally:
                self.state = None

    def call(self, name: str, loader: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self.state is None or self.depth:
            return loader(*args, **kwargs)
        key = (*self.state, (name, _stable(args), _stable(sorted(kwargs.items())), _environment()))
        step = self.steps.get(key)
        if step is not None:
            self._restore(step)
            self.state = key
            return copy.deepcopy(step.result)
        self.depth += 1
        try:
            result = loader(*args, **kwargs)
        finally:
            self.depth -= 1
        self.steps[key] = self._take(result, len(self.steps))
        self.state = key
        return result

    # --- the database ---------------------------------------------------------------------------

    def _watch(self, execute, sql, params, many, context):
        if not self.depth and not sql.lstrip().upper().startswith(READS):
            self.state = None  # the test wrote something itself: the chain stops here
        return execute(sql, params, many, context)

    def _start(self) -> tuple:
        """The database a test starts from: the rows per table (freshly flushed, or migrated)."""
        connection.ensure_connection()
        return tuple(sorted(_row_counts().items()))

    def _take(self, result: Any, number: int) -> Snapshot:
        raw = connection.connection
        tables: dict[str, bytes] = {}
        for table in _filled_tables():
            buffer = io.BytesIO()
            with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" TO STDOUT') as copy_out:
                for data in copy_out:
                    buffer.write(data)
            tables[table] = buffer.getvalue()
        with raw.cursor() as cursor:
            cursor.execute(
                "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences "
                "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
            )
            sequences = dict(cursor.fetchall())
        media = None
        root = Path(settings.MEDIA_ROOT)
        if root.is_dir():
            media = self.store / str(number)
            shutil.copytree(root, media)
        return Snapshot(tables, sequences, media, copy.deepcopy(result))

    def _restore(self, step: Snapshot) -> None:
        from django.contrib.contenttypes.models import ContentType
        from django.db import transaction

        with transaction.atomic(), connection.cursor() as django_cursor:
            raw = django_cursor.cursor  # the test's connection, through Django's wrapper
            raw.execute("SET session_replication_role = replica")  # no FK triggers, no cascades
            try:
                for table in _filled_tables():
                    raw.execute(f'DELETE FROM "{table}"')  # noqa: S608 — table names from the catalog
                for table, data in step.tables.items():
                    with raw.copy(f'COPY "{table}" FROM STDIN') as copy_in:
                        copy_in.write(data)
                for sequence, value in step.sequences.items():
                    raw.execute(
                        "SELECT setval(%s, GREATEST(%s, (SELECT coalesce(last_value, 0) "
                        "FROM pg_sequences WHERE schemaname || '.' || sequencename = %s)))",
                        [sequence, value, sequence],
                    )
            finally:
                raw.execute("SET session_replication_role = origin")
        ContentType.objects.clear_cache()  # the restored content types may have other ids
        if step.media is not None:
            shutil.copytree(step.media, Path(settings.MEDIA_ROOT), dirs_exist_ok=True)


def _tables() -> list[str]:
    return sorted(
        name
        for name in connection.introspection.table_names(include_views=False)
        if name != "django_migrations"
    )


def _union(select: str) -> str:
    return " UNION ALL ".join(select.format(table=table) for table in _tables())


def _filled_tables() -> list[str]:
    with connection.connection.cursor() as cursor:
        cursor.execute(_union("SELECT '{table}' WHERE EXISTS (SELECT 1 FROM \"{table}\")"))
        return [row[0] for row in cursor.fetchall()]


def _row_counts() -> dict[str, int]:
    with connection.connection.cursor() as cursor:
        cursor.execute(_union("SELECT '{table}', count(*) FROM \"{table}\""))
        return {table: count for table, count in cursor.fetchall() if count}


def _stable(value: Any) -> str:
    """``repr`` without the addresses of objects (a command, its output stream)."""
    return re.sub(r" at 0x[0-9a-f]+", "", repr(value))


def _environment() -> str:
    """What else a loader's rows depend on: the language, the clock's hour, the settings."""
    from django.utils import timezone, translation

    values = [translation.get_language(), timezone.now().strftime("%Y-%m-%d %H")]
    for name in sorted(n for n in dir(settings) if n.isupper() and n not in OWN_PATHS):
        values.append(f"{name}={getattr(settings, name)!r}")
    return hashlib.sha256("\n".join(values).encode()).hexdigest()


RECORDER = Recorder()

# The loaders transactional tests call: (module, attribute). Each is replaced by one that records.
LOADERS = [
    ("mpp.regions.data", "load_regions"),
    ("mpp.accounts.tests.factories", "load_demo"),
    ("mpp.web.management.commands.load_demo", "Command.handle"),
    ("mpp.documents.services", "create_demo_pki"),
    *(
        (f"mpp.{app}.demo", "load")
        for app in (
            "accounts",
            "activities",
            "catalog",
            "complaints",
            "documents",
            "integrations",
            "onboarding",
        )
    ),
]


def install() -> None:
    """Replace every loader of ``LOADERS`` by one that goes through ``RECORDER``."""
    from importlib import import_module

    for module_name, attribute in LOADERS:
        owner: Any = import_module(module_name)
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part)
        loader = getattr(owner, name)
        if getattr(loader, "recorded", False):
            continue
        setattr(owner, name, _recorded(f"{module_name}.{attribute}", loader))


def _recorded(name: str, loader: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(loader)
    def recorded(*args: Any, **kwargs: Any) -> Any:
        return RECORDER.call(name, loader, *args, **kwargs)

    recorded.recorded = True  # type: ignore[attr-defined]
    return recorded
