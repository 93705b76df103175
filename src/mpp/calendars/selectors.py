"""Reads for the working-day calendar back office, scoped to what the user may manage."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mpp.accounts.policy import Perm, can, scope_filter
from mpp.regions import calendar
from mpp.regions.models import CalendarOverride, Region

WEEKDAYS = (_("Senin"), _("Selasa"), _("Rabu"), _("Kamis"), _("Jumat"), _("Sabtu"), _("Minggu"))


def calendar_regions_for(user) -> QuerySet[Region]:
    """The kab/kota whose calendar ``user`` may manage (all of them for the ministry)."""
    where = scope_filter(user, Perm.MANAGE_CALENDAR, agency=None, mpp=None, region="code")
    return Region.objects.filter(where).order_by("name")


def may_manage_national_calendar(user) -> bool:
    return can(user, Perm.MANAGE_CALENDAR, None)


def overrides_for(user) -> QuerySet[CalendarOverride]:
    """Overrides ``user`` may remove: regional ones in scope, national ones for the ministry."""
    where = scope_filter(user, Perm.MANAGE_CALENDAR, agency=None, mpp=None, region="region_id")
    if may_manage_national_calendar(user):
        where |= Q(region__isnull=True)
    return CalendarOverride.objects.filter(where)


@dataclass
class CalendarDay:
    """One listed date: what the package says, the overrides on it, and the outcome."""

    date: datetime.date
    holiday_names: list[str] = field(default_factory=list)
    is_collective_leave: bool = False
    national_override: CalendarOverride | None = None
    regional_override: CalendarOverride | None = None
    is_working_day: bool = False

    @property
    def weekday(self) -> str:
        return str(WEEKDAYS[self.date.weekday()])

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5


@dataclass
class YearCalendar:
    region: Region | None
    year: int
    days: list[CalendarDay]
    working_day_count: int


def year_calendar(region: Region | None, year: int) -> YearCalendar:
    """A year's holidays, cuti bersama and overrides for ``region`` (None: the national calendar).

    Two queries: the overrides with their authors, and the overrides' effect via the calendar.
    """
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    language = "en_US" if (get_language() or "id").startswith("en") else "id"
    days: dict[datetime.date, CalendarDay] = {}
    for holiday in calendar.package_holidays(year, language):
        days[holiday.date] = CalendarDay(
            date=holiday.date,
            holiday_names=[name.strip() for name in holiday.name.split(";")],
            is_collective_leave=holiday.is_collective_leave,
        )
    scope = Q(region__isnull=True) if region is None else Q(region=region) | Q(region__isnull=True)
    overrides = CalendarOverride.objects.filter(scope, date__range=(start, end)).select_related(
        "created_by"
    )
    for override in overrides:
        day = days.setdefault(override.date, CalendarDay(date=override.date))
        if override.region_id is None:
            day.national_override = override
        else:
            day.regional_override = override
    year_days = calendar.RegionCalendar(region, start - datetime.timedelta(days=1), end)
    for day in days.values():
        day.is_working_day = year_days.is_working_day(day.date)
    return YearCalendar(
        region=region,
        year=year,
        days=[days[date] for date in sorted(days)],
        working_day_count=year_days.working_days_between(start - datetime.timedelta(days=1), end),
    )
