"""Reads of the dashboards: totals and breakdowns of daily facts, scoped to the viewer.

Every dashboard number comes from :class:`~mpp.reporting.models.DailyFact` through a fixed number of
grouped queries (independent of the number of units or days), read from the replica when one is
configured. Only aggregates leave this module, except :func:`overdue_list` and
:func:`officer_workload`, which are shown only to viewers who may open the case lists anyway.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, Literal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BigIntegerField, Count, F, Q, QuerySet, Sum
from django.db.models.functions import Cast, Substr
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode

from mpp.accounts.policy import Perm, can, scope_filter
from mpp.cases.models import Application
from mpp.cases.workflow import OPEN
from mpp.catalog.models import Service
from mpp.regions.models import Province, Region
from mpp.reporting.facts import Indicator, Unit, month_after, registry
from mpp.reporting.facts import generation as facts_generation
from mpp.reporting.facts.applications import may_open_list
from mpp.reporting.models import (
    DailyFact,
    MonthlyFact,
    MppDailyFact,
    ServiceMonthlyFact,
    ServiceYearlyFact,
    YearlyFact,
)
from mpp.reporting.periods import Period
from mpp.reporting.routers import reads_alias
from mpp.tenancy.models import MPP, Agency

Totals = dict[str, int]


# --- Who sees what --------------------------------------------------------------------------


def may_view_national(user) -> bool:
    return can(user, Perm.VIEW_STATISTICS)


def mpp_for(user, pk: int) -> MPP:
    """The MPP whose dashboard ``user`` may read (404 otherwise: its existence is not told)."""
    mpp = MPP.objects.select_related("region__province").filter(pk=pk).first()
    if mpp is None or not can(user, Perm.VIEW_STATISTICS, mpp):
        raise Http404
    return mpp


def region_for(user, code: str) -> Region:
    region = Region.objects.select_related("province").filter(code=code).first()
    if region is None or not can(user, Perm.VIEW_STATISTICS, region):
        raise Http404
    return region


def mpps_visible(user):
    """MPPs whose dashboards ``user`` may read (scope_filter: one query)."""
    where = scope_filter(user, Perm.VIEW_STATISTICS, agency=None, mpp="pk", region="region_id")
    return MPP.objects.filter(where, is_active=True).select_related("region").order_by("name")


def regions_visible(user):
    where = scope_filter(user, Perm.VIEW_STATISTICS, agency=None, mpp=None, region="code")
    return Region.objects.filter(where).order_by("name")


def _reach(user) -> Q:
    """The facts ``user`` may read (a guard under every dashboard query)."""
    return scope_filter(user, Perm.VIEW_STATISTICS, agency=None, mpp="mpp", region="region")


# --- Facts ----------------------------------------------------------------------------------------


def _facts(per_mpp: bool = False):
    """Daily facts per service, or (``per_mpp``) their sums per MPP and day: about forty times
    fewer rows for a reader whose units are kab/kota or MPPs."""
    return (MppDailyFact if per_mpp else DailyFact).objects.using(reads_alias())


def _counted_and_snapshots(
    wanted: Collection[str] | None = None,
) -> tuple[list[str], list[str]]:
    """The counted and the snapshot metrics (of ``wanted`` only, when given)."""
    chosen = [m for m in registry.metrics() if wanted is None or m.key in wanted]
    counted = [m.key for m in chosen if m.kind != "snapshot"]
    snapshots = [m.key for m in chosen if m.kind == "snapshot"]
    return counted, snapshots


def indicator_metrics() -> frozenset[str]:
    """The metrics the indicators are computed from: all a table or a ranking reads (the
    other metrics, such as assistance per kind, are read only where a page shows them)."""
    return frozenset(key for indicator in indicators() for key in indicator.metrics())


def _fetch(parts: list[QuerySet]) -> list[tuple]:
    """The rows of grouped reads joined by ``UNION ALL``, as plain tuples in the order of their
    ``values()``: the statement the ORM compiles, run on its cursor without the ORM's conversion
    of each row into a dict (a national breakdown returns thousands of rows, and that conversion
    cost more than the query)."""
    first, *rest = parts
    union = first.union(*rest, all=True) if rest else first
    try:
        sql, params = union.query.get_compiler(using=union.db).as_sql()
    except EmptyResultSet:
        return []
    with connections[union.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def split_months(
    period: Period,
) -> tuple[tuple[datetime.date, datetime.date] | None, list[tuple[datetime.date, datetime.date]]]:
    """The whole calendar months inside ``period`` (first and last month) and the edge days."""
    first_full = period.start if period.start.day == 1 else month_after(period.start)
    last_full_end = (
        period.end
        if month_after(period.end) - datetime.timedelta(days=1) == period.end
        else period.end.replace(day=1) - datetime.timedelta(days=1)
    )
    if first_full > last_full_end:
        return None, [(period.start, period.end)]
    edges = []
    if period.start < first_full:
        edges.append((period.start, first_full - datetime.timedelta(days=1)))
    if period.end > last_full_end:
        edges.append((last_full_end + datetime.timedelta(days=1), period.end))
    return (first_full, last_full_end.replace(day=1)), edges


def split_years(
    months: tuple[datetime.date, datetime.date],
) -> tuple[tuple[datetime.date, datetime.date] | None, list[tuple[datetime.date, datetime.date]]]:
    """The whole calendar years inside a range of months (first and last 1 January) and the
    months before and after them (first and last month of each)."""
    first, last = months
    first_year = first.year if first.month == 1 else first.year + 1
    last_year = last.year if last.month == 12 else last.year - 1
    if first_year > last_year:
        return None, [months]
    rest = []
    if first.year < first_year:
        rest.append((first, datetime.date(first.year, 12, 1)))
    if last.year > last_year:
        rest.append((datetime.date(last.year, 1, 1), last))
    return (datetime.date(first_year, 1, 1), datetime.date(last_year, 1, 1)), rest


# The grains a period is read at: per service (daily facts, service months and years) for agency
# and service tables; per MPP (MPP days, months, years) for kab/kota and MPP units; or days only.
Grain = Literal["service", "mpp"] | None


def _any_range(field_name: str, ranges: list[tuple[datetime.date, datetime.date]]) -> Q:
    where = Q(pk__in=[])
    for start, end in ranges:
        where |= Q(**{f"{field_name}__range": (start, end)})
    return where


def _sums(
    user,
    where: Q,
    period: Period,
    today: datetime.date,
    groups: tuple[str, ...],
    grain: Grain,
    metrics: Collection[str] | None = None,
) -> dict[Any, Totals]:
    """Group → metric → total over ``period``, in one query: whole years and whole months from
    their sums (per service or per MPP, by ``grain``), the edge days from the daily facts (their
    per-MPP day sums at the per-MPP grain); snapshots on the last day so far. The group is the
    value of the one field of ``groups``, a tuple of the values of several, or ``()`` for none.
    ``metrics``: only these (all when ``None``)."""
    counted, snapshots = _counted_and_snapshots(metrics)
    months, edges = split_months(period) if grain else (None, [(period.start, period.end)])
    daily = Q(day=period.clipped_end(today), metric__in=snapshots) | (
        _any_range("day", edges) & Q(metric__in=counted)
    )
    sources = [_facts(per_mpp=grain == "mpp").filter(daily)]
    if months is not None:
        monthly, yearly = (
            (ServiceMonthlyFact, ServiceYearlyFact)
            if grain == "service"
            else (MonthlyFact, YearlyFact)
        )
        years, rest = split_years(months)
        if rest:
            sources.append(_rows(monthly).filter(_any_range("month", rest), metric__in=counted))
        if years is not None:
            sources.append(_rows(yearly).filter(year__range=years, metric__in=counted))
    grouped_by = {
        f"group_{n}": Substr("region", 1, 2) if name == "province" else F(name)
        for n, name in enumerate(groups)
    }
    fields = (*grouped_by, "metric")
    # A sum of bigints is a numeric in PostgreSQL: cast back, so that the totals are ints.
    total = Cast(Sum("value"), BigIntegerField())
    parts = []
    for rows in sources:
        rows = rows.filter(_reach(user), where).annotate(**grouped_by)
        grouped = rows.values(*fields).annotate(total=total)
        parts.append(grouped.values_list(*fields, "total").order_by())
    width = len(groups)
    result: dict[Any, Totals] = defaultdict(lambda: defaultdict(int))
    for row in _fetch(parts):
        key = row[0] if width == 1 else row[:width]
        result[key][row[width]] += row[width + 1]
    return {key: dict(values) for key, values in result.items()}


def region_totals(
    region_code: str, start: datetime.date, end: datetime.date, metrics: list[str]
) -> dict[str, int]:
    """The totals of counted ``metrics`` of one kab/kota on days ``start``..``end`` (for reports
    of the region itself, not a viewer's dashboard): whole months from the monthly sums, the edge
    days from the per-MPP day sums — two grouped queries at most."""
    months, edges = split_months(Period("kustom", start, end))
    days = Q(pk__in=[])
    for first, last in edges:
        days |= Q(day__range=(first, last))
    result: dict[str, int] = dict.fromkeys(metrics, 0)
    readers = [_facts(per_mpp=True).filter(days)] if edges else []
    if months is not None:
        readers.append(MonthlyFact.objects.using(reads_alias()).filter(month__range=months))
    for rows in readers:
        grouped = (
            rows.filter(region=region_code, metric__in=metrics)
            .values("metric")
            .annotate(total=Sum("value"))
            .order_by()
        )
        for row in grouped:
            result[row["metric"]] += row["total"]
    return result


def _rows(model):
    return model.objects.using(reads_alias())


def totals(
    user,
    where: Q,
    period: Period,
    today: datetime.date,
    *,
    monthly: bool = False,
    metrics: Collection[str] | None = None,
) -> Totals:
    """Every metric's total (or only ``metrics``) over ``period`` for the units ``where``
    selects; snapshot metrics are their value on the period's last day so far. ``monthly``: the
    units are kab/kota or MPPs (whole months and years from their sums)."""
    grain: Grain = "mpp" if monthly else None
    return _sums(user, where, period, today, (), grain, metrics).get((), {})


GROUPS = {"agency", "service", "mpp", "region", "province"}


def breakdown(
    user,
    where: Q,
    period: Period,
    today: datetime.date,
    by: str,
    *,
    monthly: bool = False,
    metrics: Collection[str] | None = None,
) -> dict[Any, Totals]:
    """Totals (of ``metrics``, or all) per agency or service (whole years and months from the
    service years and months), or per MPP, kab/kota or province (``monthly``: whole months and
    years from the per-MPP sums)."""
    if by not in GROUPS:
        raise ValueError(by)
    grain: Grain = "service" if by in ("agency", "service") else ("mpp" if monthly else None)
    found = _sums(user, where, period, today, (by,), grain, metrics)
    found.pop(None, None)
    return found


def agency_and_service_breakdown(
    user, where: Q, period: Period, today: datetime.date, *, metrics: Collection[str] | None = None
) -> tuple[dict[Any, Totals], dict[Any, Totals]]:
    """:func:`breakdown` per agency and per service at once, in one query grouped by both: an
    agency's totals are the sums of its rows per service (and without one), a service's the
    sums of its rows (a service belongs to one agency)."""
    by_agency: dict[Any, Totals] = defaultdict(lambda: defaultdict(int))
    by_service: dict[Any, Totals] = defaultdict(lambda: defaultdict(int))
    pairs = _sums(user, where, period, today, ("agency", "service"), "service", metrics)
    for (agency, service), values in pairs.items():
        for into, key in ((by_agency, agency), (by_service, service)):
            if key is not None:
                sums = into[key]
                for metric, value in values.items():
                    sums[metric] += value
    return (
        {key: dict(values) for key, values in by_agency.items()},
        {key: dict(values) for key, values in by_service.items()},
    )


def series(
    user, where: Q, period: Period, metrics: list[str], *, monthly: bool = False
) -> list[tuple[datetime.date, datetime.date, Totals]]:
    """Per chart bucket (day, or month beyond two months) the totals of ``metrics``: whole
    months from the monthly sums when ``monthly`` (units are kab/kota or MPPs only), the rest from
    daily facts (their per-MPP day sums when ``monthly``); one query."""
    # Monthly sums only when the chart's bars are months (periods beyond two months).
    by_month = monthly and period.days > 62
    months, edges = split_months(period) if by_month else (None, [(period.start, period.end)])
    by_day: dict[datetime.date, Totals] = defaultdict(lambda: defaultdict(int))
    parts = [_facts(per_mpp=monthly).filter(_any_range("day", edges)).annotate(bucket=F("day"))]
    if months is not None:
        parts.append(_rows(MonthlyFact).filter(month__range=months).annotate(bucket=F("month")))
    first, *rest = [
        rows.filter(_reach(user), where, metric__in=metrics)
        .values("bucket", "metric")
        .annotate(total=Sum("value"))
        .order_by()
        for rows in parts
    ]
    for row in first.union(*rest, all=True) if rest else first:
        by_day[row["bucket"]][row["metric"]] += row["total"]
    out = []
    for start, end in period.buckets():
        bucket: Totals = defaultdict(int)
        for day, values in by_day.items():
            if start <= day <= end:
                for metric, value in values.items():
                    bucket[metric] += value
        out.append((start, end, dict(bucket)))
    return out


@dataclass(frozen=True)
class NationalFigures:
    now: Totals
    before: Totals
    by_province: dict[Any, Totals]
    by_region: dict[Any, Totals]


def national_figures(
    user, period: Period, today: datetime.date, province: str = ""
) -> NationalFigures:
    """The national dashboard's sums of the indicators' metrics (the period and the one before,
    per province, per kab/kota of ``province`` or of the country), shared between national
    viewers for ``MPP_DASHBOARD_CACHE_SECONDS`` under the facts' generation, so any write of facts
    makes them stale at once. Only for viewers who may read the national figures (all units).

    Two queries: the period per kab/kota (the country's and each province's totals are its sums,
    the rows without a kab/kota counted in the country's), and the period before."""
    if not may_view_national(user):
        raise PermissionError("national figures")
    key = f"reporting:national:{facts_generation()}:{period.start}:{period.end}:{today}:{province}"
    seconds = settings.MPP_DASHBOARD_CACHE_SECONDS
    found = cache.get(key) if seconds else None
    if found is None:
        shown = indicator_metrics()
        per_region = _sums(user, Q(), period, today, ("region",), "mpp", shown)
        now: Totals = defaultdict(int)
        by_province: dict[Any, Totals] = defaultdict(lambda: defaultdict(int))
        for code, values in per_region.items():
            into = (now,) if code is None else (now, by_province[code[:2]])
            for sums in into:
                for metric, value in values.items():
                    sums[metric] += value
        found = NationalFigures(
            dict(now),
            totals(user, Q(), period.previous(), today, monthly=True, metrics=shown),
            {code: dict(values) for code, values in by_province.items()},
            {
                code: values
                for code, values in per_region.items()
                if code is not None and code.startswith(province)
            },
        )
        if seconds:
            cache.set(key, found, seconds)
    return found


# --- Indicators -----------------------------------------------------------------------------------


@dataclass
class Cell:
    indicator: Indicator
    value: float | None
    previous: float | None = None
    url: str = ""

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def better(self) -> bool | None:
        delta = self.delta
        if not delta:
            return None
        return (delta > 0) == self.indicator.higher_is_better


def indicators(headline_only: bool = False) -> list[Indicator]:
    """The registered indicators whose metrics all exist (data-driven: a new source adds rows)."""
    return [i for i in registry.indicators() if i.headline or not headline_only]


def drill_url(user, indicator: Indicator, unit: Unit, period: Period, memo=None) -> str:
    """The list behind a number, or "" when the viewer may not open it for this unit.

    ``memo``: a dict the caller keeps for one page, so that the policy is asked once per unit
    and check, and a list's address is built once per unit (a national table has hundreds of
    rows of eight indicators sharing one check; several indicators share one list)."""
    drill = indicator.drill
    if drill is None:
        return ""
    if memo is None:
        memo = {}
    key = (drill.allowed, unit)
    if key not in memo:
        memo[key] = drill.allowed(user, unit)
    if not memo[key]:
        return ""
    address = (drill, unit, period.start, period.end)
    if address not in memo:
        if drill.url_name not in memo:
            memo[drill.url_name] = reverse(drill.url_name)
        query = urlencode(drill.params(unit, period.start, period.end))
        memo[address] = f"{memo[drill.url_name]}?{query}"
    return memo[address]


def cells(
    user,
    totals_now: Totals,
    period: Period,
    unit: Unit,
    totals_before: Totals | None = None,
    *,
    headline_only: bool = False,
) -> list[Cell]:
    out = []
    for indicator in indicators(headline_only):
        out.append(
            Cell(
                indicator,
                indicator.value(totals_now),
                indicator.value(totals_before) if totals_before is not None else None,
                drill_url(user, indicator, unit, period),
            )
        )
    return out


# --- Tables ---------------------------------------------------------------------------------------


@dataclass
class Row:
    key: Any
    label: str
    cells: list[Cell]
    url: str = ""


@dataclass
class Table:
    name: str
    caption: Any
    first_column: Any
    columns: list[Indicator]
    rows: list[Row] = field(default_factory=list)


def table(
    user,
    name: str,
    caption,
    first_column,
    groups: dict[Any, Totals],
    labels: dict[Any, str],
    period: Period,
    unit_of,
    url_of=None,
    sort_by: str | None = None,
) -> Table:
    """The rows of ``labels`` (sorted by ``sort_by`` when given), a cell per indicator. A cell
    links to the list behind it only when it has a value (no list behind a zero)."""
    columns = indicators()
    rows = []
    memo: dict = {}
    for key, label in labels.items():
        values = groups.get(key, {})
        unit = unit_of(key)
        row_cells = []
        for indicator in columns:
            value = indicator.value(values)
            url = drill_url(user, indicator, unit, period, memo) if value else ""
            row_cells.append(Cell(indicator, value, None, url))
        rows.append(Row(key, label, row_cells, url_of(key) if url_of else ""))
    if sort_by:
        index = next((n for n, i in enumerate(columns) if i.key == sort_by), None)
        if index is not None:
            better = columns[index].higher_is_better
            rows.sort(key=lambda row: _rank(row.cells[index].value, better, row.label))
    return Table(name, caption, first_column, columns, rows)


def _rank(value: float | None, better: bool, label: str) -> tuple:
    """Best first (by ``higher_is_better``), units without a value last, then by name."""
    return (value is None, -(value or 0) if better else (value or 0), label)


def ranked(groups: dict[Any, Totals], labels: dict[Any, str], indicator: Indicator) -> list[Any]:
    """The keys of ``labels`` in the order :func:`table` sorts them by ``indicator``, without
    building their cells (a page of a long ranking builds only its own rows)."""
    better = indicator.higher_is_better
    return sorted(
        labels,
        key=lambda key: _rank(indicator.value(groups.get(key, {})), better, labels[key]),
    )


def agency_names(ids) -> dict[int, str]:
    return dict(
        Agency.objects.using(reads_alias())
        .filter(pk__in=list(ids))
        .order_by("name")
        .values_list("pk", "name")
    )


def service_names(where: Q) -> dict[int, str]:
    return {
        pk: name
        for pk, name in Service.objects.using(reads_alias())
        .filter(where)
        .exclude(agency__isnull=True)
        .order_by("name", "pk")
        .values_list("pk", "name")
    }


def mpp_names(where: Q) -> dict[int, str]:
    return dict(
        MPP.objects.using(reads_alias()).filter(where).order_by("name").values_list("pk", "name")
    )


def region_names(where: Q | None = None) -> dict[str, str]:
    rows = Region.objects.using(reads_alias())
    if where is not None:
        rows = rows.filter(where)
    return dict(rows.order_by("name").values_list("code", "name"))


def province_names() -> dict[str, str]:
    return dict(Province.objects.using(reads_alias()).order_by("name").values_list("code", "name"))


# --- Lists a manager may open anyway ----------------------------------------------------------------


def overdue_list(user, mpp: MPP, now: datetime.datetime, limit: int = 10) -> list[dict]:
    """The MPP's overdue open applications, soonest deadline first, without applicant data:
    tracking number, service, agency, deadline, officer (one query)."""
    if not may_open_list(user, Unit(mpp.region_id, mpp.pk)):
        return []
    return list(
        Application.objects.using(reads_alias())
        .filter(mpp=mpp, status__in=OPEN)
        .breached(now)
        .order_by("due_at", "pk")
        .values(
            "pk",
            "tracking_number",
            "due_at",
            "service_version__name",
            "agency__name",
            "assigned_to__name",
        )[:limit]
    )


def officer_workload(user, mpp: MPP, now: datetime.datetime) -> list[dict]:
    """Open applications per officer at the MPP, with how many are overdue (one query)."""
    if not may_open_list(user, Unit(mpp.region_id, mpp.pk)):
        return []
    from mpp.deadlines.models import breached_condition

    return list(
        Application.objects.using(reads_alias())
        .filter(mpp=mpp, status__in=OPEN)
        .values("assigned_to", "assigned_to__name")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=breached_condition(now)))
        .order_by("-open", "assigned_to__name")
    )


def indicator_choice(key: str | None, choices: list[Indicator]) -> Indicator:
    """The indicator picked for the map and rankings (on-time rate when none or unknown)."""
    by_key = {i.key: i for i in choices}
    return by_key.get(key or "") or by_key.get("applications.on_time_rate") or choices[0]


def regions_for_map() -> dict[str, tuple[str, float | None, float | None]]:
    """Every kab/kota: name and its capital's coordinates (one query)."""
    return {
        code: (
            name,
            float(lat) if lat is not None else None,
            float(lon) if lon is not None else None,
        )
        for code, name, lat, lon in Region.objects.using(reads_alias())
        .order_by("name")
        .values_list("code", "name", "latitude", "longitude")
    }
