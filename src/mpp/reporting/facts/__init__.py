"""The daily facts mechanism: a registry of fact sources and the two ways facts are written.

Every process that dashboards count has one module ``mpp.reporting.facts.<process>`` defining a
module attribute ``source`` (a :class:`FactSource`). :func:`autodiscover` (called by
``ReportingConfig.ready``) imports every module of this package, registers its source and lets it
register its workflow hooks. A source:

* declares its ``metrics`` (the counters it writes) and its ``indicators`` (what dashboards show,
  computed from metric sums — they appear on every dashboard as soon as the source is registered);
* bumps counters from workflow hooks with :func:`bump` (an atomic upsert; hooks may be retried, so
  they bump only from their own committed transition);
* recomputes any range of days from its source rows (:meth:`FactSource.recompute`), which
  ``manage.py recompute_facts`` compares with the table and, with ``--fix``, writes back;
* optionally takes end-of-day snapshots (:meth:`FactSource.snapshot`, stored by the
  ``snapshot_facts`` task for yesterday and today so far).

See docs/reporting.md for the contract.
"""

from __future__ import annotations

import datetime
import importlib
import pkgutil
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from django.core.cache import cache
from django.db import connections, router, transaction
from django.utils.translation import gettext_lazy as _

from mpp.registry import Registry as BaseRegistry
from mpp.reporting.models import (
    DailyFact,
    MonthlyFact,
    MppDailyFact,
    ServiceMonthlyFact,
    ServiceYearlyFact,
    YearlyFact,
)


class Unit(NamedTuple):
    """Where a fact belongs: kab/kota code, MPP id, agency id, service id (None when unknown)."""

    region: str | None = None
    mpp: int | None = None
    agency: int | None = None
    service: int | None = None


class FactKey(NamedTuple):
    day: datetime.date
    unit: Unit
    metric: str


MetricKind = Literal["count", "sum", "snapshot"]


@dataclass(frozen=True)
class Metric:
    """One counter. ``count``/``sum`` add up over days; a ``snapshot`` is a state at the end of a
    day (open, overdue): over a period a dashboard reads its last day, never the sum."""

    key: str  # "<source>.<name>", at most 64 characters
    label: Any  # lazy gettext, Indonesian
    kind: MetricKind = "count"


@dataclass(frozen=True)
class Drill:
    """Where a number leads: a named URL with query parameters, shown only to a viewer for whom
    ``allowed(user, unit)`` holds (the list applies the viewer's scope itself as well)."""

    url_name: str
    params: Callable[[Unit, datetime.date, datetime.date], dict[str, str]]
    allowed: Callable[[Any, Unit], bool]


@dataclass(frozen=True)
class Indicator:
    """What a dashboard shows, computed from metric totals of a unit and period.

    ``count``: the numerator's total (or the snapshot's last day). ``ratio``: numerator /
    denominator as a percentage. ``mean``: numerator / denominator × ``scale`` (average working
    days, average wait in minutes, IKM). ``higher_is_better`` orders rankings.
    """

    key: str
    label: Any
    numerator: str
    denominator: str | None = None
    kind: Literal["count", "ratio", "mean"] = "count"
    scale: float = 1.0
    unit_label: Any = ""
    higher_is_better: bool = True
    drill: Drill | None = None
    headline: bool = True  # shown in the "at a glance" row
    order: int = 100

    @classmethod
    def minutes(
        cls, key: str, label: Any, seconds_sum: str, count: str, **options: Any
    ) -> Indicator:
        """An average duration: a sum of seconds over a count, shown in minutes, shorter is
        better (waits, service times)."""
        return cls(
            key,
            label,
            seconds_sum,
            count,
            kind="mean",
            scale=1 / 60,
            unit_label=_("menit"),
            higher_is_better=False,
            **options,
        )

    def metrics(self) -> tuple[str, ...]:
        return (self.numerator,) + ((self.denominator,) if self.denominator else ())

    def value(self, totals: Mapping[str, int]) -> float | None:
        numerator = totals.get(self.numerator, 0)
        if self.kind == "count":
            return numerator
        denominator = totals.get(self.denominator, 0) if self.denominator else 0
        if not denominator:
            return None
        if self.kind == "ratio":
            return 100.0 * numerator / denominator
        return self.scale * numerator / denominator


@dataclass
class FactSource:
    """The facts of one process. Subclass it (or instantiate with callables) in
    ``mpp/reporting/facts/<process>.py`` as the module attribute ``source``."""

    name: str
    label: Any
    metrics: tuple[Metric, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    order: int = 100

    def register_hooks(self, registry) -> None:
        """Register workflow hooks (by workflow name) on ``registry`` that call :func:`bump`."""

    def recompute(self, start: datetime.date, end: datetime.date) -> dict[FactKey, int]:
        """Every non-snapshot fact of days ``start``..``end`` (inclusive), from the source rows."""
        return {}

    def snapshot(
        self, day: datetime.date, now: datetime.datetime | None = None
    ) -> dict[FactKey, int]:
        """The snapshot metrics at the end of local ``day`` — or at ``now`` when that is earlier
        (today so far) — from the source rows (empty when the source has none)."""
        return {}

    def snapshot_metrics(self) -> tuple[str, ...]:
        return tuple(m.key for m in self.metrics if m.kind == "snapshot")

    def counted_metrics(self) -> tuple[str, ...]:
        return tuple(m.key for m in self.metrics if m.kind != "snapshot")


class Registry:
    """Fact sources by name, listed by ``(order, name)``; a metric key belongs to one source
    (:mod:`mpp.registry`'s duplicate rule for the names, plus that one)."""

    def __init__(self) -> None:
        self.registry: BaseRegistry[str, FactSource] = BaseRegistry(
            "daily fact sources", describe_entry=lambda s: f"{s.label} ({len(s.metrics)} metrics)"
        )

    def register(self, source: FactSource, *, replace: bool = False) -> FactSource:
        for metric in source.metrics:
            if len(metric.key) > 64:
                raise ValueError(f"metric key {metric.key!r} is longer than 64 characters")
            owner = self.metric_owner(metric.key)
            if owner is not None and owner is not source and owner.name != source.name:
                raise ValueError(f"metric {metric.key!r} already belongs to {owner.name!r}")
        return self.registry.add(source.name, source, replace=replace)

    def __contains__(self, name: object) -> bool:
        return name in self.registry

    def unregister(self, name: str) -> None:
        self.registry.remove(name)

    def sources(self) -> list[FactSource]:
        return sorted(self.registry.entries(), key=lambda s: (s.order, s.name))

    def get(self, name: str) -> FactSource:
        return self.registry.get(name)

    def metric_owner(self, key: str) -> FactSource | None:
        return next(
            (s for s in self.registry.entries() if any(m.key == key for m in s.metrics)), None
        )

    def metrics(self) -> list[Metric]:
        return [m for s in self.sources() for m in s.metrics]

    def metric(self, key: str) -> Metric:
        return next(m for m in self.metrics() if m.key == key)

    def indicators(self) -> list[Indicator]:
        found = [i for s in self.sources() for i in s.indicators]
        return sorted(found, key=lambda i: i.order)

    def indicator(self, key: str) -> Indicator | None:
        return next((i for i in self.indicators() if i.key == key), None)


registry = Registry()


def autodiscover(hook_registry=None) -> None:
    """Import every ``mpp.reporting.facts.<module>``, register its ``source`` and its hooks."""
    if hook_registry is None:
        from mpp.workflows.hooks import hooks as hook_registry
    package = importlib.import_module(__name__)
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        source = getattr(module, "source", None)
        if isinstance(source, FactSource) and source.name not in registry:
            registry.register(source)
            source.register_hooks(hook_registry)


# --- The generation of the facts (for caches of what is read from them) ---------------------------

GENERATION_KEY = "reporting:facts:generation"


def generation() -> int:
    """A number raised after every write of facts: a cache key that carries it is stale as soon
    as the facts change (the old entries expire on their own)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY) or time.time_ns()
    return value


def _raise_generation() -> None:
    current = cache.get(GENERATION_KEY) or 0
    cache.set(GENERATION_KEY, max(time.time_ns(), current + 1), timeout=None)


def changed() -> None:
    """Facts were written: stale from now and again once the transaction commits, so that what was
    read from the old rows in between is not kept."""
    _raise_generation()
    transaction.on_commit(_raise_generation, using=_db())


# --- Writing -------------------------------------------------------------------------------------


def _db() -> str:
    return router.db_for_write(DailyFact)


def bump(metric: str, day: datetime.date, unit: Unit, delta: int = 1) -> None:
    """Add ``delta`` to one counter, atomically, creating the row when missing."""
    bump_many({FactKey(day, Unit(*unit), metric): delta})


# The sums kept with every daily fact: table, the columns of its key (the period column first).
def _sum_tables() -> list[tuple[str, tuple[str, ...]]]:
    return [
        (MonthlyFact._meta.db_table, ("month", "region", "mpp", "metric")),
        (ServiceMonthlyFact._meta.db_table, SERVICE_MONTH_KEY),
        (YearlyFact._meta.db_table, ("year", "region", "mpp", "metric")),
        (ServiceYearlyFact._meta.db_table, ("year", *SERVICE_MONTH_KEY[1:])),
        (MppDailyFact._meta.db_table, ("day", "region", "mpp", "metric")),
    ]


SERVICE_MONTH_KEY = ("month", "region", "mpp", "agency", "service", "metric")


def _sum_deltas(rows: list[tuple[FactKey, int]]) -> list[dict[tuple, int]]:
    """Each delta added to its month, service month, year, service year and MPP day (in
    ``_sum_tables`` order); snapshot metrics have only MPP days."""
    sums: list[dict[tuple, int]] = [defaultdict(int) for _ in range(5)]
    for key, delta in rows:
        unit = key.unit
        sums[4][(key.day, unit.region, unit.mpp, key.metric)] += delta
        if _is_snapshot(key.metric):
            continue
        month = key.day.replace(day=1)
        year = month.replace(month=1)
        service = (unit.region, unit.mpp, unit.agency, unit.service, key.metric)
        sums[0][(month, unit.region, unit.mpp, key.metric)] += delta
        sums[1][(month, *service)] += delta
        sums[2][(year, unit.region, unit.mpp, key.metric)] += delta
        sums[3][(year, *service)] += delta
    return [{k: d for k, d in found.items() if d} for found in sums]


def bump_many(deltas: Mapping[FactKey, int]) -> None:
    """Add each delta to its counter, and to its MPP's day, month and year sums and its service's
    month and year, in one statement on PostgreSQL (``INSERT … ON CONFLICT DO UPDATE SET value =
    value + delta``, the sums in ``WITH``); on SQLite an UPDATE, then an INSERT when no row
    matched, for each, inside the database's single write lock."""
    rows = [(k, d) for k, d in deltas.items() if d]
    if not rows:
        return
    changed()
    sums = _sum_deltas(rows)
    using = _db()
    connection = connections[using]
    table = DailyFact._meta.db_table
    targets = [(t, columns, found) for (t, columns), found in zip(_sum_tables(), sums, strict=True)]
    # The SQL below is built only from the models' table names and fixed column names; every
    # value is a parameter. On PostgreSQL it is one statement, atomic by itself: no savepoint in
    # the caller's transaction (two statements fewer per bump).
    savepoint = connection.vendor != "postgresql"
    with transaction.atomic(using=using, savepoint=savepoint), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            statements, params = [], []
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(rows))
            statements.append(
                f"INSERT INTO {table} (day, region, mpp, agency, service, metric, value) "  # noqa: S608
                f"VALUES {values} ON CONFLICT (day, region, mpp, agency, service, metric) "
                f"DO UPDATE SET value = {table}.value + EXCLUDED.value"
            )
            for key, delta in rows:
                params += [key.day, *key.unit, key.metric, delta]
            for target, columns, found in targets:
                if not found:
                    continue
                names = ", ".join(columns)
                row = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
                statements.append(
                    f"INSERT INTO {target} ({names}, value) VALUES "  # noqa: S608
                    f"{', '.join([row] * len(found))} ON CONFLICT ({names}) "
                    f"DO UPDATE SET value = {target}.value + EXCLUDED.value"
                )
                params += [x for key, delta in found.items() for x in (*key, delta)]
            *first, last = statements
            ctes = ", ".join(f"w{n} AS ({sql})" for n, sql in enumerate(first))
            cursor.execute(f"WITH {ctes} {last}" if ctes else last, params)
            return
        for key, delta in rows:
            where, where_params = _match(key)
            cursor.execute(
                f"UPDATE {table} SET value = value + %s WHERE {where}",  # noqa: S608
                [delta, *where_params],
            )
            if cursor.rowcount == 0:
                cursor.execute(
                    f"INSERT INTO {table} (day, region, mpp, agency, service, metric, value) "  # noqa: S608
                    "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    [key.day, *key.unit, key.metric, delta],
                )
        for target, columns, found in targets:
            for unit_key, delta in found.items():
                parts, params = [], []
                for column, value in zip(columns, unit_key, strict=True):
                    if value is None:
                        parts.append(f"{column} IS NULL")
                    else:
                        parts.append(f"{column} = %s")
                        params.append(value)
                cursor.execute(
                    f"UPDATE {target} SET value = value + %s WHERE {' AND '.join(parts)}",  # noqa: S608
                    [delta, *params],
                )
                if cursor.rowcount == 0:
                    cursor.execute(
                        f"INSERT INTO {target} ({', '.join(columns)}, value) "  # noqa: S608
                        f"VALUES ({', '.join(['%s'] * (len(columns) + 1))})",
                        [*unit_key, delta],
                    )


def _is_snapshot(metric: str) -> bool:
    owner = registry.metric_owner(metric)
    if owner is None:
        return False
    return any(m.key == metric and m.kind == "snapshot" for m in owner.metrics)


_TRUNC = {
    ("postgresql", "month"): "date_trunc('month', {})::date",
    ("postgresql", "year"): "date_trunc('year', {})::date",
    ("sqlite", "month"): "date({}, 'start of month')",
    ("sqlite", "year"): "date({}, 'start of year')",
}


def rebuild_months(start: datetime.date, end: datetime.date, metrics: Iterable[str]) -> None:
    """Recompute the monthly and service-monthly sums of ``metrics`` for every month touching
    ``start``..``end`` from the daily facts, then the yearly and service-yearly sums of those
    years from the monthly and service-monthly sums (a DELETE and an INSERT … SELECT … GROUP BY
    each, in the database)."""
    counted = [m for m in metrics if not _is_snapshot(m)]
    if not counted:
        return
    changed()
    using = _db()
    connection = connections[using]
    first = start.replace(day=1)
    last = month_after(end) - datetime.timedelta(days=1)
    years = (first.replace(month=1), last.replace(month=12, day=31))
    placeholders = ", ".join(["%s"] * len(counted))
    month = _TRUNC[(connection.vendor, "month")].format("day")
    year = _TRUNC[(connection.vendor, "year")].format("month")
    daily = DailyFact._meta.db_table
    monthly, by_service, yearly, service_yearly = (
        m._meta.db_table for m in (MonthlyFact, ServiceMonthlyFact, YearlyFact, ServiceYearlyFact)
    )
    # Built only from the models' table names, fixed column names and the vendor's date function;
    # every value is a parameter.
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for target, period, source, column, (low, high), units, trunc in (
            (monthly, "month", daily, "day", (first, last), "region, mpp", month),
            (by_service, "month", daily, "day", (first, last), SERVICE_UNITS, month),
            (yearly, "year", monthly, "month", years, "region, mpp", year),
            (service_yearly, "year", by_service, "month", years, SERVICE_UNITS, year),
        ):
            cursor.execute(
                f"DELETE FROM {target} WHERE {period} BETWEEN %s AND %s "  # noqa: S608
                f"AND metric IN ({placeholders})",
                [low, high, *counted],
            )
            cursor.execute(
                f"INSERT INTO {target} ({period}, {units}, metric, value) "  # noqa: S608
                f"SELECT {trunc}, {units}, metric, SUM(value) FROM {source} "
                f"WHERE {column} BETWEEN %s AND %s AND metric IN ({placeholders}) "
                f"GROUP BY {trunc}, {units}, metric HAVING SUM(value) <> 0",
                [low, high, *counted],
            )


SERVICE_UNITS = "region, mpp, agency, service"


def month_after(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def rebuild_mpp_days(start: datetime.date, end: datetime.date, metrics: Iterable[str]) -> None:
    """Recompute the per-MPP day sums of ``metrics`` on ``start``..``end`` from the daily facts
    (one DELETE and one INSERT … SELECT … GROUP BY, in the database)."""
    metrics = list(metrics)
    if not metrics:
        return
    changed()
    using = _db()
    table, mpp_table = DailyFact._meta.db_table, MppDailyFact._meta.db_table
    placeholders = ", ".join(["%s"] * len(metrics))
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {mpp_table} WHERE day BETWEEN %s AND %s "  # noqa: S608
            f"AND metric IN ({placeholders})",
            [start, end, *metrics],
        )
        cursor.execute(
            f"INSERT INTO {mpp_table} (day, region, mpp, metric, value) "  # noqa: S608
            f"SELECT day, region, mpp, metric, SUM(value) FROM {table} "
            f"WHERE day BETWEEN %s AND %s AND metric IN ({placeholders}) "
            "GROUP BY day, region, mpp, metric HAVING SUM(value) <> 0",
            [start, end, *metrics],
        )


def _match(key: FactKey) -> tuple[str, list]:
    parts, params = ["day = %s", "metric = %s"], [key.day, key.metric]
    for column, value in zip(Unit._fields, key.unit, strict=True):
        if value is None:
            parts.append(f"{column} IS NULL")
        else:
            parts.append(f"{column} = %s")
            params.append(value)
    return " AND ".join(parts), params


def read(start: datetime.date, end: datetime.date, metrics: Iterable[str]) -> dict[FactKey, int]:
    """The stored facts of ``metrics`` on days ``start``..``end`` (zero rows left out), read from
    the primary (the recompute compares with what was written, not with a lagging replica)."""
    rows = DailyFact.objects.using(_db()).filter(day__range=(start, end), metric__in=list(metrics))
    return {
        FactKey(r.day, Unit(r.region, r.mpp, r.agency, r.service), r.metric): r.value
        for r in rows.iterator()
        if r.value
    }


@dataclass(frozen=True)
class Difference:
    key: FactKey
    stored: int
    expected: int


def diff(stored: Mapping[FactKey, int], expected: Mapping[FactKey, int]) -> list[Difference]:
    keys = set(stored) | set(expected)
    found = [
        Difference(k, stored.get(k, 0), expected.get(k, 0))
        for k in keys
        if stored.get(k, 0) != expected.get(k, 0)
    ]
    return sorted(found, key=lambda d: (d.key.day, d.key.metric, tuple(str(x) for x in d.key.unit)))


def put(
    start: datetime.date,
    end: datetime.date,
    metrics: Iterable[str],
    values: Mapping[FactKey, int],
) -> None:
    """Replace the stored facts of ``metrics`` on ``start``..``end`` with ``values``."""
    metrics = list(metrics)
    using = _db()
    with transaction.atomic(using=using):
        DailyFact.objects.using(using).filter(day__range=(start, end), metric__in=metrics).delete()
        DailyFact.objects.using(using).bulk_create(
            [
                DailyFact(day=k.day, **k.unit._asdict(), metric=k.metric, value=v)
                for k, v in values.items()
                if v and k.metric in metrics and start <= k.day <= end
            ],
            batch_size=2000,
        )
        rebuild_months(start, end, metrics)
        rebuild_mpp_days(start, end, metrics)


def add_up(rows: Iterable[tuple[FactKey, int]]) -> dict[FactKey, int]:
    """Sum (key, value) pairs into a dict (a helper for ``recompute`` implementations)."""
    totals: dict[FactKey, int] = defaultdict(int)
    for key, value in rows:
        totals[key] += value
    return dict(totals)
