"""The working-day calendar of a kabupaten/kota: the one source of every deadline.

A day is a working day when it is Monday to Friday and not a national holiday or cuti bersama
(collective leave) from the ``holidays`` package (categories ``public`` and ``government``), unless
an override says otherwise. Overrides (:class:`~mpp.regions.models.CalendarOverride`) come in two
levels: national (set by the ministry, ``region`` empty) and regional; a regional override beats a
national one for the same date, and any override beats the package and the weekday rule.

Time zones: a deadline is counted from the *local* date in the region's zone (WIB, WITA or WIT).
"End of a day" is 23:59:59.999999 local time; a moment ``x`` has breached a deadline when
``x > due``.

Working days versus calendar days: every function here counts working days except
:func:`add_calendar_days` and :func:`due_at_calendar_days` (for rules such as "a complaint is
resolved within 60 days").

Office hours: limits in hours (adminduk "1 jam") count only the time an MPP is open
(:class:`OfficeHours`, from its opening hours and their breaks) on the days it may open
(:meth:`RegionCalendar.may_open`: any weekday it has hours for, Saturday included, unless a
holiday, cuti bersama or an override closes it). Something submitted while the MPP is closed starts
counting when it next opens. The queue's slots ask the same question
(:func:`opening_intervals`), so an MPP that books Saturday slots also counts Saturday on its clock.

Cost: the package's holidays are cached in-process per year; the overrides for a region are read
in one query per call (for a whole range), never one per day. For many deadlines in one region
(a nightly sweep, say), load a :class:`RegionCalendar` once and call its methods.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import holidays
from django.db.models import Q

from mpp.regions.models import CalendarOverride, Region

if TYPE_CHECKING:
    from mpp.tenancy.models import CounterHours, OpeningHours

HOLIDAY_CATEGORIES = ("public", "government")
END_OF_DAY = datetime.time(23, 59, 59, 999999)
# Generous first guess of how many calendar days hold N working days (weekends plus the longest
# run of holidays, Idul Fitri with its cuti bersama); a longer gap triggers another query.
_SLACK_DAYS = 31

RegionLike = Region | str


# --- The holidays package ---------------------------------------------------------------------


@lru_cache(maxsize=64)
def _package_holidays(year: int, language: str = "id") -> holidays.HolidayBase:
    return holidays.country_holidays(
        "ID", years=year, categories=HOLIDAY_CATEGORIES, language=language
    )


@lru_cache(maxsize=64)
def _collective_leave_days(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("ID", years=year, categories=("government",)))


def is_package_holiday(day: datetime.date) -> bool:
    """Is ``day`` a national holiday or cuti bersama according to the ``holidays`` package?"""
    return day in _package_holidays(day.year)


@dataclass(frozen=True)
class PackageHoliday:
    date: datetime.date
    name: str
    is_collective_leave: bool  # cuti bersama (category "government") rather than a public holiday


def package_holidays(year: int, language: str = "id") -> list[PackageHoliday]:
    """The package's national holidays and cuti bersama of ``year``, with names in ``language``
    (``"id"`` or ``"en_US"``), in date order. Several names for one date are joined with "; "."""
    names = _package_holidays(year, language)
    leave = _collective_leave_days(year)
    return [
        PackageHoliday(date=day, name=names[day], is_collective_leave=day in leave)
        for day in sorted(names)
    ]


# --- Regions and overrides --------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _timezone_of_code(code: str) -> str:
    return Region.objects.values_list("timezone", flat=True).get(code=code)


def region_code(region: RegionLike) -> str:
    return region.code if isinstance(region, Region) else str(region)


def region_zone(region: RegionLike) -> ZoneInfo:
    """The region's time zone (a query the first time a bare code is seen in this process)."""
    name = region.timezone if isinstance(region, Region) else _timezone_of_code(region)
    return ZoneInfo(name)


def load_overrides(
    region: RegionLike | None, start: datetime.date, end: datetime.date
) -> dict[datetime.date, str]:
    """The effective override kinds between ``start`` and ``end`` inclusive, in ONE query.

    ``region`` None loads only national overrides. Where a national and a regional override share a
    date, the regional one wins.
    """
    if region is None:
        where = Q(region__isnull=True)
    else:
        where = Q(region_id=region_code(region)) | Q(region__isnull=True)
    rows = CalendarOverride.objects.filter(where, date__range=(start, end)).values_list(
        "region_id", "date", "kind"
    )
    national: dict[datetime.date, str] = {}
    regional: dict[datetime.date, str] = {}
    for row_region, day, kind in rows:
        (national if row_region is None else regional)[day] = kind
    return national | regional


# --- The calendar -----------------------------------------------------------------------------


class RegionCalendar:
    """One region's calendar with its overrides for a range of dates already loaded.

    Methods asked about dates outside the loaded range load the missing span (one more query).
    """

    def __init__(self, region: RegionLike | None, start: datetime.date, end: datetime.date) -> None:
        self.region = region
        self.start = start
        self.end = end
        self.overrides = load_overrides(region, start, end)

    @classmethod
    def for_range(
        cls, region: RegionLike | None, start: datetime.date, end: datetime.date
    ) -> RegionCalendar:
        return cls(region, min(start, end), max(start, end))

    def _ensure(self, start: datetime.date, end: datetime.date) -> None:
        if start < self.start:
            self.overrides |= load_overrides(self.region, start, self.start - _ONE_DAY)
            self.start = start
        if end > self.end:
            self.overrides |= load_overrides(self.region, self.end + _ONE_DAY, end)
            self.end = end

    def is_working_day(self, day: datetime.date) -> bool:
        self._ensure(day, day)
        kind = self.overrides.get(day)
        if kind is not None:
            return kind == CalendarOverride.Kind.WORKING_DAY
        return day.weekday() < 5 and not is_package_holiday(day)

    def may_open(self, day: datetime.date) -> bool:
        """May an MPP of the region open on ``day``, whatever its weekday? Its opening hours then
        decide (an MPP with Saturday hours serves on Saturday). An override decides first (a
        regional holiday closes, a working day opens); else a national holiday or cuti bersama
        closes."""
        self._ensure(day, day)
        kind = self.overrides.get(day)
        if kind is not None:
            return kind == CalendarOverride.Kind.WORKING_DAY
        return not is_package_holiday(day)

    def opening_intervals(self, hours: OfficeHours, day: datetime.date) -> tuple[Interval, ...]:
        """When an MPP with ``hours`` serves on ``day`` (local intervals, breaks left out); empty
        when it is closed that day. The one answer to "is the MPP open on this day", asked by the
        queue's slots and by the hour clock alike."""
        return hours.on(day) if self.may_open(day) else ()

    def working_days(self, start: datetime.date, end: datetime.date) -> Iterable[datetime.date]:
        """The working days in (start, end], in order."""
        self._ensure(start + _ONE_DAY, end)
        day = start + _ONE_DAY
        while day <= end:
            if self.is_working_day(day):
                yield day
            day += _ONE_DAY

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        """The n-th working day after ``start`` (``start`` itself never counts); n = 0 → start."""
        if n < 0:
            raise ValueError("n must be zero or more")
        if n == 0:
            return start
        day, counted = start, 0
        horizon = start + datetime.timedelta(days=2 * n + _SLACK_DAYS)
        self._ensure(start + _ONE_DAY, horizon)
        while True:
            day += _ONE_DAY
            if day > self.end:
                self._ensure(day, day + datetime.timedelta(days=2 * (n - counted) + _SLACK_DAYS))
            if self.is_working_day(day):
                counted += 1
                if counted == n:
                    return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """The number of working days in (start, end]; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for _ in self.working_days(start, end))


_ONE_DAY = datetime.timedelta(days=1)


def _local_date(region: RegionLike, moment: datetime.datetime) -> datetime.date:
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return moment.astimezone(region_zone(region)).date()


def end_of_day(region: RegionLike, day: datetime.date) -> datetime.datetime:
    """The last representable moment of ``day`` in the region's zone (23:59:59.999999 local)."""
    return datetime.datetime.combine(day, END_OF_DAY, tzinfo=region_zone(region))


# --- Public functions -------------------------------------------------------------------------


def is_working_day(region: RegionLike, day: datetime.date) -> bool:
    """Is ``day`` a working day in ``region``?"""
    return RegionCalendar(region, day, day).is_working_day(day)


def add_working_days(region: RegionLike, start: datetime.date, n: int) -> datetime.date:
    """The n-th working day AFTER ``start`` in ``region`` (``start`` does not count; n = 0 → start)."""
    if n == 0:
        return start
    horizon = start + datetime.timedelta(days=2 * max(n, 0) + _SLACK_DAYS)
    return RegionCalendar(region, start, horizon).add_working_days(start, n)


def working_days_between(region: RegionLike, start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end] in ``region``; negative when ``end`` is before ``start``."""
    return RegionCalendar.for_range(region, start, end).working_days_between(start, end)


def due_at(
    region: RegionLike, submitted_at: datetime.datetime, working_days: int
) -> datetime.datetime:
    """The deadline for something submitted at ``submitted_at`` with a limit of N working days.

    Submitted on local date D (the region's zone): due at the end (23:59:59.999999 local) of the
    N-th working day after D; D itself never counts, whatever the hour or weekday. N = 0 gives the
    end of D itself. ``submitted_at`` must be aware.
    """
    day = _local_date(region, submitted_at)
    return end_of_day(region, add_working_days(region, day, working_days))


def remaining_working_days(
    region: RegionLike, due: datetime.datetime, at: datetime.datetime
) -> int:
    """The working days left at moment ``at`` before the deadline ``due`` (0 once it has passed).

    Counted as the working days in (local date of ``at``, local date of ``due``]: the day the clock
    stops has been used. Keep the result while the clock is paused (a revision request) and give it
    to :func:`resume_due_at` when it restarts.
    """
    if at > due:
        return 0
    return max(0, working_days_between(region, _local_date(region, at), _local_date(region, due)))


def resume_due_at(
    region: RegionLike, resumed_at: datetime.datetime, remaining: int
) -> datetime.datetime:
    """The new deadline when a paused clock restarts on local date E with R working days left:
    the end of the R-th working day after E (R = 0: the end of E)."""
    return due_at(region, resumed_at, remaining)


def add_calendar_days(start: datetime.date, days: int) -> datetime.date:
    """``start`` plus ``days`` calendar days (weekends and holidays count): for rules in plain days."""
    return start + datetime.timedelta(days=days)


def due_at_calendar_days(
    region: RegionLike, submitted_at: datetime.datetime, days: int
) -> datetime.datetime:
    """The end of the local day ``days`` calendar days after the local submission date, e.g. a
    complaint "resolved within 60 days of a complete file"."""
    return end_of_day(region, add_calendar_days(_local_date(region, submitted_at), days))


# --- Office hours -------------------------------------------------------------------------------

Interval = tuple[datetime.time, datetime.time]
# Longest search for the next office hour (a region with no working day in a year is misconfigured).
_OFFICE_HORIZON_DAYS = 366


@dataclass(frozen=True)
class OfficeHours:
    """When an MPP serves, per weekday (0 = Monday), as sorted local ``(start, end)`` intervals.

    A weekday with a break (Friday prayers 11.30–13.00, say) has two intervals; a weekday without
    intervals is closed. Office hours count only on days the region's calendar lets an MPP open
    (:meth:`RegionCalendar.may_open`): Saturday too when the MPP has Saturday hours.
    """

    weekly: dict[int, tuple[Interval, ...]]

    @classmethod
    def from_opening_hours(cls, rows: Iterable[OpeningHours | CounterHours]) -> OfficeHours:
        """From ``OpeningHours`` or ``CounterHours`` rows (``weekday``, ``opens``, ``closes`` and
        optionally ``break_starts``/``break_ends``). An MPP that recorded no hours gets
        :data:`STANDARD_OFFICE_HOURS`, so an hour limit is never left without a clock."""
        weekly: dict[int, list[Interval]] = {}
        for row in rows:
            starts, ends = getattr(row, "break_starts", None), getattr(row, "break_ends", None)
            if starts and ends and row.opens < starts < ends < row.closes:
                pieces = [(row.opens, starts), (ends, row.closes)]
            else:
                pieces = [(row.opens, row.closes)]
            weekly.setdefault(row.weekday, []).extend(pieces)
        if not weekly:
            return STANDARD_OFFICE_HOURS
        return cls({day: tuple(sorted(pieces)) for day, pieces in weekly.items()})

    def on(self, day: datetime.date) -> tuple[Interval, ...]:
        return self.weekly.get(day.weekday(), ())

    def within(self, other: OfficeHours) -> OfficeHours:
        """The hours inside both ``self`` and ``other``, per weekday: an agency's counter hours
        (Dukcapil 09.00–15.00) inside the MPP's (08.00–16.00 with a break) give 09.00–15.00 with
        the break. A weekday either of them does not serve is closed."""
        weekly: dict[int, tuple[Interval, ...]] = {}
        for day, pieces in self.weekly.items():
            common = [
                (max(a_start, b_start), min(a_end, b_end))
                for a_start, a_end in pieces
                for b_start, b_end in other.weekly.get(day, ())
                if max(a_start, b_start) < min(a_end, b_end)
            ]
            if common:
                weekly[day] = tuple(sorted(common))
        return OfficeHours(weekly)


STANDARD_OFFICE_HOURS = OfficeHours(
    {day: ((datetime.time(8), datetime.time(16)),) for day in range(5)}
)
"""Monday to Friday 08.00–16.00: used for an MPP that has not recorded its opening hours."""


def opening_intervals(
    region: RegionLike, hours: OfficeHours, day: datetime.date
) -> tuple[Interval, ...]:
    """When an MPP (or one agency's counters in it) with ``hours`` serves on ``day``: its hours
    that weekday unless the calendar closes the day (national holiday, cuti bersama, a regional
    or national "day off" override); empty when closed. A "working day" override opens a day that
    has hours (a Saturday without hours stays closed)."""
    return RegionCalendar(region, day, day).opening_intervals(hours, day)


def open_interval_at(
    region: RegionLike, hours: OfficeHours, moment: datetime.datetime
) -> Interval | None:
    """The opening interval (local times) that holds ``moment``, or None when the MPP is closed
    then (before opening, during a break, after closing, on a closed day)."""
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is required")
    local = moment.astimezone(region_zone(region))
    for opens, closes in opening_intervals(region, hours, local.date()):
        if opens <= local.time() < closes:
            return opens, closes
    return None


def _office_segments(
    calendar: RegionCalendar,
    hours: OfficeHours,
    zone: ZoneInfo,
    start: datetime.datetime,
) -> Iterator[tuple[datetime.datetime, datetime.datetime]]:
    """The office-hour segments ``(from, to)`` (aware, local) from ``start`` onwards, in order."""
    if not hours.weekly:
        raise ValueError("the MPP has no opening hours")
    local = start.astimezone(zone)
    day = local.date()
    for _offset in range(_OFFICE_HORIZON_DAYS):
        for opens, closes in calendar.opening_intervals(hours, day):
            begin = datetime.datetime.combine(day, opens, tzinfo=zone)
            end = datetime.datetime.combine(day, closes, tzinfo=zone)
            begin = max(begin, local)
            if begin < end:
                yield begin, end
        day += _ONE_DAY
    raise ValueError("no office hours within a year")


def add_office_time(
    region: RegionLike,
    hours: OfficeHours,
    start: datetime.datetime,
    duration: datetime.timedelta,
) -> datetime.datetime:
    """The moment ``duration`` of office time after ``start``: counted only while the MPP is open
    on working days. A limit that ends exactly at closing time is due at closing time."""
    if start.tzinfo is None:
        raise ValueError("an aware datetime is required")
    zone = region_zone(region)
    local_day = start.astimezone(zone).date()
    calendar = RegionCalendar(region, local_day, local_day + datetime.timedelta(days=_SLACK_DAYS))
    remaining = duration
    for begin, end in _office_segments(calendar, hours, zone, start):
        if remaining <= end - begin:
            return begin + remaining
        remaining -= end - begin
    raise AssertionError("unreachable: _office_segments raises when exhausted")


def office_time_between(
    region: RegionLike,
    hours: OfficeHours,
    start: datetime.datetime,
    end: datetime.datetime,
    calendar: RegionCalendar | None = None,
) -> datetime.timedelta:
    """The office time in [start, end) (zero when ``end`` is not after ``start``): what is left of
    an hour-based limit when its clock is paused. A caller that asks for many spans of one region
    (a recompute of the facts) passes the region's ``calendar`` once loaded; it is widened as
    needed."""
    if end <= start:
        return datetime.timedelta(0)
    zone = region_zone(region)
    if calendar is None:
        calendar = RegionCalendar.for_range(
            region, start.astimezone(zone).date(), end.astimezone(zone).date()
        )
    total = datetime.timedelta(0)
    for begin, close in _office_segments(calendar, hours, zone, start):
        if begin >= end:
            break
        total += min(close, end) - begin
    return total
