"""Daily facts: one long table of counters per day and unit, read by every dashboard.

A row is one metric's value on one local day for one unit: the finest unit a fact source knows
(usually a service at an agency at an MPP in a kab/kota). Units a source does not know stay empty
(NULL), e.g. a queue wait of an MPP without a service. Dashboards add rows up over days and units;
they never read the process tables. Rows are written only by :mod:`mpp.reporting.facts`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FactRow(models.Model):
    """The columns every fact table shares: a unit (kab/kota and MPP) and one metric's value."""

    # Plain ids, not foreign keys: facts outlive renames and are never joined on write.
    # NULL, not "": an unknown unit, one value under NULLS NOT DISTINCT like the integer ids.
    region = models.CharField(  # noqa: DJ001
        _("kabupaten/kota"), max_length=4, null=True, blank=True
    )
    mpp = models.IntegerField(_("MPP"), null=True, blank=True)
    metric = models.CharField(_("ukuran"), max_length=64)
    value = models.BigIntegerField(_("nilai"), default=0)

    class Meta:
        abstract = True


def rollup_keys(period: str, name: str) -> tuple[list[models.BaseConstraint], list[models.Index]]:
    """A summed table's keys: one row per period, unit and metric (an empty unit is one unit, as
    in :class:`DailyFact`), read per metric over all units or per kab/kota."""
    unique = models.UniqueConstraint(
        fields=[period, "region", "mpp", "metric"], name=f"{name}_unique", nulls_distinct=False
    )
    return [unique], [
        models.Index(fields=["metric", period], name=f"{name}_metric_{period}"),
        models.Index(fields=["region", "metric", period], name=f"{name}_region"),
    ]


class ServiceFactRow(FactRow):
    """A summed table at the grain of the daily facts: a service with its agency."""

    agency = models.IntegerField(_("instansi"), null=True, blank=True)
    service = models.IntegerField(_("layanan"), null=True, blank=True)

    class Meta:
        abstract = True


def service_rollup_keys(
    period: str, name: str
) -> tuple[list[models.BaseConstraint], list[models.Index]]:
    """A summed table per service's keys: one row per period, service (with its agency, MPP and
    kab/kota) and metric, read per MPP and metric (an MPP's dashboard)."""
    unique = models.UniqueConstraint(
        fields=[period, "region", "mpp", "agency", "service", "metric"],
        name=f"{name}_unique",
        nulls_distinct=False,
    )
    return [unique], [models.Index(fields=["mpp", "metric", period], name=f"{name}_mpp")]


class DailyFact(FactRow):
    day = models.DateField(_("hari"))
    agency = models.IntegerField(_("instansi"), null=True, blank=True)
    service = models.IntegerField(_("layanan"), null=True, blank=True)

    class Meta:
        verbose_name = _("fakta harian")
        verbose_name_plural = _("fakta harian")
        constraints = [
            # NULLS NOT DISTINCT (PostgreSQL 15): an empty unit is one unit, so the upsert's
            # ON CONFLICT finds the row. SQLite ignores the option; the SQLite path of
            # ``facts.bump`` does update-or-insert inside its write lock instead.
            models.UniqueConstraint(
                fields=["day", "region", "mpp", "agency", "service", "metric"],
                name="daily_fact_unique",
                nulls_distinct=False,
            )
        ]
        indexes = [
            # National: all units over a period, per metric; regional/MPP: one unit over a period.
            models.Index(fields=["metric", "day"], name="daily_fact_metric_day"),
            models.Index(fields=["region", "metric", "day"], name="daily_fact_region"),
            models.Index(fields=["mpp", "metric", "day"], name="daily_fact_mpp"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric}={self.value}"


class MonthlyFact(FactRow):
    """The daily facts of counted metrics summed per calendar month, kab/kota and MPP (no agency or
    service): national and regional dashboards read whole months here and only the partial months
    at a period's edges from :class:`DailyFact`. Kept by :mod:`mpp.reporting.facts` with every
    write of daily facts (snapshot metrics are not summed, so they have no monthly rows)."""

    month = models.DateField(_("bulan"))  # the first day of the month

    class Meta:
        verbose_name = _("fakta bulanan")
        verbose_name_plural = _("fakta bulanan")
        constraints, indexes = rollup_keys("month", "monthly_fact")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.metric}={self.value}"


class MppDailyFact(FactRow):
    """The daily facts summed per day, kab/kota and MPP (no agency or service), every metric
    (snapshots too: an MPP's open backlog is the sum of its services'). National and regional
    dashboards read the days of a period here instead of one row per service and day (about 40
    times fewer rows nationally). Kept by :mod:`mpp.reporting.facts` with every write of daily
    facts, like :class:`MonthlyFact`."""

    day = models.DateField(_("hari"))

    class Meta:
        verbose_name = _("fakta harian MPP")
        verbose_name_plural = _("fakta harian MPP")
        constraints, indexes = rollup_keys("day", "mpp_daily_fact")

    def __str__(self) -> str:
        return f"{self.day} {self.mpp} {self.metric}={self.value}"


class ServiceMonthlyFact(ServiceFactRow):
    """The daily facts of counted metrics summed per calendar month and service (with its agency,
    MPP and kab/kota): an MPP's dashboard reads its per-agency and per-service tables of whole
    months here (a year is twelve rows per service and metric instead of 365). Kept with every
    write of daily facts, like :class:`MonthlyFact`."""

    month = models.DateField(_("bulan"))  # the first day of the month

    class Meta:
        verbose_name = _("fakta bulanan layanan")
        verbose_name_plural = _("fakta bulanan layanan")
        constraints, indexes = service_rollup_keys("month", "service_monthly_fact")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.service} {self.metric}={self.value}"


class ServiceYearlyFact(ServiceFactRow):
    """The service months summed per calendar year and service (with its agency, MPP and
    kab/kota): an MPP dashboard's per-agency and per-service tables read a whole year here (one
    row per service and metric instead of twelve). Kept with every write of daily facts, like
    :class:`MonthlyFact`."""

    year = models.DateField(_("tahun"))  # 1 January of the year

    class Meta:
        verbose_name = _("fakta tahunan layanan")
        verbose_name_plural = _("fakta tahunan layanan")
        constraints, indexes = service_rollup_keys("year", "service_yearly_fact")

    def __str__(self) -> str:
        return f"{self.year:%Y} {self.service} {self.metric}={self.value}"


class YearlyFact(FactRow):
    """The monthly sums summed per calendar year, kab/kota and MPP: national and regional
    dashboards read whole years here (a year nationally is one row per MPP and metric instead of
    twelve). Kept with every write of daily facts, like :class:`MonthlyFact`."""

    year = models.DateField(_("tahun"))  # 1 January of the year

    class Meta:
        verbose_name = _("fakta tahunan")
        verbose_name_plural = _("fakta tahunan")
        constraints, indexes = rollup_keys("year", "yearly_fact")

    def __str__(self) -> str:
        return f"{self.year:%Y} {self.metric}={self.value}"
