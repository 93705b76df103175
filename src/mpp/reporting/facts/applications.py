"""Daily facts of applications (permohonan): received, decided, on time, open and overdue.

Counted by hooks on both application workflows (``application`` and
``application_without_approval``) and recomputed from ``cases.Application`` rows with the same
rules, so ``recompute_facts`` finds no difference when every hook ran:

* received (and per channel) on the local day of ``submitted_at``;
* decided (approved, approved automatically, rejected, or issued straight from review) on the local
  day of ``decided_at``, on time when ``decided_at <= due_at`` (no deadline counts as on time), with
  the time from submission to decision in the service's own unit (sum and count, for the average):
  working days for a limit in working days, seconds of the MPP's office time for a limit in hours
  (a 1-hour service decided in 35 minutes once averaged "0,0 hari kerja");
* issued on the local day of ``issuing_started_at``; rejected on the day of ``decided_at``;
* open and overdue at the end of each local day (snapshots, taken by the ``snapshot_facts`` task).

"Local day" is the day in the time zone of the MPP's kab/kota.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from mpp.accounts.policy import Perm, can
from mpp.cases.models import Application
from mpp.deadlines.models import ClockUnit
from mpp.regions.calendar import RegionCalendar, office_time_between
from mpp.regions.models import TimeZone
from mpp.reporting.facts import (
    Drill,
    FactKey,
    FactSource,
    Indicator,
    Metric,
    Unit,
    bump_many,
)
from mpp.tenancy.scope import Scope

WORKFLOWS = ("application", "application_without_approval")
DECIDED = ("approved", "issued", "rejected")
CHANNELS = ("online", "counter")

RECEIVED = "applications.received"
DECIDED_METRIC = "applications.decided"
ISSUED = "applications.issued"
REJECTED = "applications.rejected"
ON_TIME = "applications.on_time"
LATE = "applications.late"
DAYS_SUM = "applications.decision_days_sum"
DAYS_COUNT = "applications.decision_days_count"
OFFICE_SECONDS_SUM = "applications.decision_office_seconds_sum"
OFFICE_SECONDS_COUNT = "applications.decision_office_seconds_count"
OPEN = "applications.open"
OVERDUE = "applications.overdue"


def received_channel(channel: str) -> str:
    return f"{RECEIVED}.{channel}"


class _UnitScope:
    """A unit as the policy reads it (``policy.can`` on a dashboard cell)."""

    def __init__(self, unit: Unit) -> None:
        self.unit = unit

    def policy_scope(self) -> Scope:
        return Scope(
            region_codes=frozenset({self.unit.region} if self.unit.region else ()),
            mpp_ids=frozenset({self.unit.mpp} if self.unit.mpp else ()),
            agency_id=self.unit.agency,
        )


def may_open_list(user, unit: Unit) -> bool:
    """The case lists are for holders of VIEW_CASES or OVERSEE_CASES covering the whole unit."""
    scoped = _UnitScope(unit)
    return can(user, Perm.VIEW_CASES, scoped) or can(user, Perm.OVERSEE_CASES, scoped)


def _params(**fixed: str):
    def build(unit: Unit, start: datetime.date, end: datetime.date) -> dict[str, str]:
        params = {k: v for k, v in fixed.items()}
        for name in ("mpp", "agency", "service"):
            value = getattr(unit, name)
            if value:
                params[name] = str(value)
        if unit.region and not unit.mpp:
            params["region"] = unit.region
        if "period" in fixed:
            params.pop("period")
            params[fixed["period"] + "_from"] = start.isoformat()
            params[fixed["period"] + "_to"] = end.isoformat()
        return params

    return build


def _drill(**fixed: str) -> Drill:
    return Drill("cases:inbox", _params(**fixed), may_open_list)


# The applications decided in the period, whatever the decision.
DECIDED_DRILL = _drill(status="all", decided="any", period="decided")


METRICS = (
    Metric(RECEIVED, _("Permohonan diterima")),
    *(Metric(received_channel(c), _("Permohonan diterima per saluran")) for c in CHANNELS),
    Metric(DECIDED_METRIC, _("Permohonan diputus")),
    Metric(ISSUED, _("Dokumen diterbitkan")),
    Metric(REJECTED, _("Permohonan ditolak")),
    Metric(ON_TIME, _("Diputus tepat waktu")),
    Metric(LATE, _("Diputus terlambat")),
    Metric(DAYS_SUM, _("Jumlah hari kerja sampai keputusan"), kind="sum"),
    Metric(DAYS_COUNT, _("Keputusan dengan hari kerja terhitung")),
    Metric(
        OFFICE_SECONDS_SUM,
        _("Jumlah detik jam layanan sampai keputusan (layanan dalam jam)"),
        kind="sum",
    ),
    Metric(OFFICE_SECONDS_COUNT, _("Keputusan layanan dalam jam dengan waktu terhitung")),
    Metric(OPEN, _("Permohonan terbuka pada akhir hari"), kind="snapshot"),
    Metric(OVERDUE, _("Permohonan melewati batas waktu pada akhir hari"), kind="snapshot"),
)

INDICATORS = (
    Indicator(
        "applications.received",
        _("Permohonan diterima"),
        RECEIVED,
        drill=_drill(status="all", period="submitted"),
        order=10,
    ),
    Indicator(
        "applications.decided",
        _("Permohonan diputus"),
        DECIDED_METRIC,
        drill=DECIDED_DRILL,
        order=20,
    ),
    Indicator(
        "applications.overdue",
        _("Melewati batas waktu"),
        OVERDUE,
        higher_is_better=False,
        drill=_drill(due="overdue"),
        order=30,
    ),
    Indicator(
        "applications.on_time_rate",
        _("Tepat waktu"),
        ON_TIME,
        DECIDED_METRIC,
        kind="ratio",
        unit_label="%",
        drill=_drill(status="all", decided="late", period="decided"),
        order=40,
    ),
    Indicator(
        "applications.decision_days",
        _("Rata-rata hari kerja sampai keputusan (layanan dalam hari kerja)"),
        DAYS_SUM,
        DAYS_COUNT,
        kind="mean",
        unit_label=_("hari kerja"),
        higher_is_better=False,
        drill=DECIDED_DRILL,
        order=50,
    ),
    Indicator.minutes(
        "applications.decision_minutes",
        _("Rata-rata waktu layanan sampai keputusan (layanan dalam jam)"),
        OFFICE_SECONDS_SUM,
        OFFICE_SECONDS_COUNT,
        headline=False,
        drill=DECIDED_DRILL,
        order=55,
    ),
    Indicator(
        "applications.open",
        _("Permohonan terbuka"),
        OPEN,
        higher_is_better=False,
        headline=False,
        drill=_drill(),
        order=60,
    ),
    Indicator(
        "applications.issued",
        _("Dokumen diterbitkan"),
        ISSUED,
        headline=False,
        drill=_drill(status="issued", period="decided"),
        order=70,
    ),
    Indicator(
        "applications.rejected",
        _("Permohonan ditolak"),
        REJECTED,
        higher_is_better=False,
        headline=False,
        drill=_drill(status="rejected", period="decided"),
        order=80,
    ),
)


def _unit(application: Application) -> Unit:
    return Unit(
        application.mpp.region_id, application.mpp_id, application.agency_id, application.service_id
    )


def _local_day(moment: datetime.datetime, zone: str) -> datetime.date:
    return moment.astimezone(ZoneInfo(zone)).date()


# The cache key under which a recompute names the whole range of days its calendars will need.
CALENDAR_RANGE = "__range__"


def _calendar(region: str, submitted: datetime.date, decided: datetime.date, cache):
    """One calendar per region for the whole recompute (one query), widened only for an
    application submitted before the range."""
    calendar = cache.get(region)
    if calendar is None:
        low, high = cache.get(CALENDAR_RANGE, (submitted, decided))
        calendar = cache[region] = RegionCalendar.for_range(
            region, min(low, submitted), max(high, decided)
        )
    return calendar


def _decision_days(region: str, submitted: datetime.date, decided: datetime.date, cache) -> int:
    calendar = _calendar(region, submitted, decided, cache)
    return max(calendar.working_days_between(submitted, decided), 0)


def _decision_office_seconds(
    application: Application,
    submitted_at: datetime.datetime,
    decided_at: datetime.datetime,
    cache,
) -> int:
    """Seconds of the MPP's office time (opening hours on working days) from submission to
    decision: what a limit in hours counts."""
    key = ("office_hours", application.mpp_id)
    hours = cache.get(key)
    if hours is None:
        hours = cache[key] = application.clock_office_hours()
    region = application.mpp.region
    zone = ZoneInfo(region.timezone)
    calendar = _calendar(
        region.pk,
        submitted_at.astimezone(zone).date(),
        decided_at.astimezone(zone).date(),
        cache,
    )
    spent = office_time_between(region, hours, submitted_at, decided_at, calendar=calendar)
    return int(spent.total_seconds())


def decision_facts(application: Application, cache=None) -> dict[FactKey, int]:
    """The facts one decided application contributes on its decision day (none before it is
    decided)."""
    decided_at = application.decided_at
    if decided_at is None:
        return {}
    zone = application.mpp.region.timezone
    day = _local_day(decided_at, zone)
    unit = _unit(application)
    late = application.due_at is not None and decided_at > application.due_at
    facts = {
        FactKey(day, unit, DECIDED_METRIC): 1,
        FactKey(day, unit, LATE if late else ON_TIME): 1,
    }
    if application.status == "rejected":
        facts[FactKey(day, unit, REJECTED)] = 1
    cache = {} if cache is None else cache
    submitted_at = application.submitted_at
    if submitted_at is None:
        return facts
    if application.clock_unit == ClockUnit.HOURS:
        facts[FactKey(day, unit, OFFICE_SECONDS_SUM)] = _decision_office_seconds(
            application, submitted_at, decided_at, cache
        )
        facts[FactKey(day, unit, OFFICE_SECONDS_COUNT)] = 1
    else:
        submitted = _local_day(submitted_at, zone)
        facts[FactKey(day, unit, DAYS_SUM)] = _decision_days(
            application.mpp.region_id, submitted, day, cache
        )
        facts[FactKey(day, unit, DAYS_COUNT)] = 1
    return facts


# --- Hooks (after each committed transition) ----------------------------------------------------


def count_received(application: Application, record) -> None:
    zone = application.mpp.region.timezone
    day = _local_day(application.submitted_at or record.at, zone)
    unit = _unit(application)
    bump_many(
        {
            FactKey(day, unit, RECEIVED): 1,
            FactKey(day, unit, received_channel(application.channel)): 1,
        }
    )


def count_decision(application: Application, record) -> None:
    if record.to_state == "issued" and record.from_state == "approved":
        return  # decided when approved
    bump_many(decision_facts(application))


def count_issued(application: Application, record) -> None:
    zone = application.mpp.region.timezone
    day = _local_day(application.issuing_started_at or record.at, zone)
    bump_many({FactKey(day, _unit(application), ISSUED): 1})


# --- The source -----------------------------------------------------------------------------------


def _bounds(zone: str, start: datetime.date, end: datetime.date):
    tz = ZoneInfo(zone)
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
    )


UNIT_FIELDS = ("mpp__region_id", "mpp_id", "agency_id", "service_id")


def _row_unit(row: dict) -> Unit:
    return Unit(row["mpp__region_id"], row["mpp_id"], row["agency_id"], row["service_id"])


class ApplicationFacts(FactSource):
    def register_hooks(self, registry) -> None:
        for workflow in WORKFLOWS:
            registry.register(workflow, count_received, action="submit")
            for target in DECIDED:
                registry.register(workflow, count_decision, target=target)
            registry.register(workflow, count_issued, target="issued")

    def recompute(self, start: datetime.date, end: datetime.date) -> dict[FactKey, int]:
        totals: dict[FactKey, int] = defaultdict(int)
        for zone in TimeZone.values:
            low, high = _bounds(zone, start, end)
            rows = Application.objects.filter(mpp__region__timezone=zone)
            tz = ZoneInfo(zone)
            received = (
                rows.filter(submitted_at__gte=low, submitted_at__lt=high)
                .annotate(d=TruncDate("submitted_at", tzinfo=tz))
                .values("d", "channel", *UNIT_FIELDS)
                .annotate(n=Count("id"))
                .order_by()
            )
            for row in received:
                unit = _row_unit(row)
                totals[FactKey(row["d"], unit, RECEIVED)] += row["n"]
                totals[FactKey(row["d"], unit, received_channel(row["channel"]))] += row["n"]
            issued = (
                rows.filter(
                    status="issued", issuing_started_at__gte=low, issuing_started_at__lt=high
                )
                .annotate(d=TruncDate("issuing_started_at", tzinfo=tz))
                .values("d", *UNIT_FIELDS)
                .annotate(n=Count("id"))
                .order_by()
            )
            for row in issued:
                totals[FactKey(row["d"], _row_unit(row), ISSUED)] += row["n"]
            # Decisions in the range; most were submitted within a year before it.
            cache: dict = {CALENDAR_RANGE: (start - datetime.timedelta(days=366), end)}
            decided = (
                rows.filter(status__in=DECIDED, decided_at__gte=low, decided_at__lt=high)
                .select_related("mpp__region")
                .only(
                    "status",
                    "decided_at",
                    "submitted_at",
                    "due_at",
                    "clock_unit",
                    "mpp_id",
                    "mpp__region__timezone",
                    "mpp__region_id",
                    "agency_id",
                    "service_id",
                )
            )
            for application in decided.iterator(chunk_size=2000):
                for key, value in decision_facts(application, cache).items():
                    totals[key] += value
        return {k: v for k, v in totals.items() if v}

    def snapshot(self, day: datetime.date, now: datetime.datetime | None = None):
        totals: dict[FactKey, int] = {}
        for zone in TimeZone.values:
            _, moment = _bounds(zone, day, day)
            if now is not None:
                moment = min(moment, now)
            rows = (
                Application.objects.filter(mpp__region__timezone=zone, submitted_at__lt=moment)
                .exclude(status="draft")
                .filter(Q(clock_stopped_at__isnull=True) | Q(clock_stopped_at__gte=moment))
            )
            overdue = Q(due_at__isnull=False) & (Q(due_at__lt=moment) | Q(breached_at__lt=moment))
            grouped = (
                rows.values(*UNIT_FIELDS)
                .annotate(open=Count("id"), overdue=Count("id", filter=overdue))
                .order_by()
            )
            for row in grouped:
                unit = _row_unit(row)
                if row["open"]:
                    totals[FactKey(day, unit, OPEN)] = row["open"]
                if row["overdue"]:
                    totals[FactKey(day, unit, OVERDUE)] = row["overdue"]
        return totals


source = ApplicationFacts(
    name="applications",
    label=_("Permohonan"),
    metrics=METRICS,
    indicators=INDICATORS,
    order=10,
)
