"""Limits in hours count office hours: closing time, breaks, weekends, holidays, cuti bersama,
regional overrides, in WIB, WITA and WIT."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from mpp.regions import calendar
from mpp.regions.calendar import OfficeHours
from mpp.regions.models import CalendarOverride
from mpp.regions.tests.factories import CalendarOverrideFactory, region

pytestmark = pytest.mark.django_db

T = datetime.time
ZONES = {"2171": ZoneInfo("Asia/Jakarta"), "6472": ZoneInfo("Asia/Makassar"),
         "9171": ZoneInfo("Asia/Jayapura")}  # fmt: skip
# Monday–Thursday 08.00–16.00; Friday 08.00–15.00 with Friday prayers 11.30–13.00.
HOURS = OfficeHours(
    {
        **{day: ((T(8), T(16)),) for day in range(4)},
        4: ((T(8), T(11, 30)), (T(13), T(15))),
    }
)


def local(code: str, *args: Any) -> datetime.datetime:
    return datetime.datetime(*args).replace(tzinfo=ZONES[code])


@pytest.mark.parametrize(
    ("code", "start", "hours", "due", "why"),
    [
        ("2171", (2025, 6, 13, 14, 30), 1, (2025, 6, 16, 8, 30),
         "Friday 14.30, closes 15.00: 30 minutes after Monday's opening"),
        ("2171", (2025, 6, 10, 9, 0), 1, (2025, 6, 10, 10, 0), "within the day"),
        ("2171", (2025, 6, 12, 15, 0), 1, (2025, 6, 12, 16, 0), "ends exactly at closing time"),
        ("2171", (2025, 6, 12, 15, 30), 1, (2025, 6, 13, 8, 30), "across closing time"),
        ("2171", (2025, 6, 10, 1, 42), 1, (2025, 6, 10, 9, 0),
         "submitted at night: counts from opening"),
        ("2171", (2025, 6, 13, 11, 0), 1, (2025, 6, 13, 13, 30), "across the Friday prayers break"),
        ("2171", (2025, 6, 13, 12, 0), 1, (2025, 6, 13, 14, 0), "submitted during the break"),
        ("2171", (2025, 6, 14, 10, 0), 1, (2025, 6, 16, 9, 0), "Saturday: Monday from opening"),
        ("2171", (2025, 6, 16, 8, 0), 10, (2025, 6, 17, 10, 0), "ten hours over two days"),
        ("2171", (2025, 6, 5, 15, 30), 1, (2025, 6, 10, 8, 30),
         "Idul Adha Friday 6 June, weekend, cuti bersama Monday 9 June"),
        ("2171", (2025, 8, 15, 14, 30), 1, (2025, 8, 19, 8, 30), "cuti bersama Monday 18 August"),
        ("6472", (2025, 6, 13, 14, 30), 1, (2025, 6, 16, 8, 30), "WITA: the same rule, local"),
        ("6472", (2025, 5, 28, 15, 0), 2, (2025, 6, 2, 9, 0),
         "WITA: Ascension Thursday 29 May and cuti bersama Friday 30 May"),
        ("9171", (2025, 6, 12, 15, 30), 2, (2025, 6, 13, 9, 30), "WIT: across closing time"),
        ("9171", (2025, 12, 24, 15, 0), 3, (2025, 12, 29, 10, 0),
         "WIT: Christmas Thursday and cuti bersama Friday 26 December"),
    ],
)  # fmt: skip
def test_hour_limits_count_office_hours(code, start, hours, due, why):
    moment = local(code, *start)
    assert calendar.add_office_time(code, HOURS, moment, datetime.timedelta(hours=hours)) == local(
        code, *due
    ), why


def test_a_regional_day_off_is_skipped_and_only_in_that_region():
    CalendarOverrideFactory(
        region=region("2171"), date=datetime.date(2025, 6, 17), kind=CalendarOverride.Kind.DAY_OFF
    )
    start = datetime.timedelta(hours=1)
    assert calendar.add_office_time(
        "2171", HOURS, local("2171", 2025, 6, 16, 15, 30), start
    ) == local("2171", 2025, 6, 18, 8, 30)
    assert calendar.add_office_time(
        "6472", HOURS, local("6472", 2025, 6, 16, 15, 30), start
    ) == local("6472", 2025, 6, 17, 8, 30)


def test_a_regional_working_saturday_counts_only_if_the_mpp_opens_then():
    saturday = datetime.date(2025, 6, 14)
    CalendarOverrideFactory(
        region=region("2171"), date=saturday, kind=CalendarOverride.Kind.WORKING_DAY
    )
    with_saturday = OfficeHours({**HOURS.weekly, 5: ((T(8), T(12)),)})
    start = local("2171", 2025, 6, 13, 14, 30)
    one_hour = datetime.timedelta(hours=1)
    assert calendar.add_office_time("2171", with_saturday, start, one_hour) == local(
        "2171", 2025, 6, 14, 8, 30
    )
    assert calendar.add_office_time("2171", HOURS, start, one_hour) == local(
        "2171", 2025, 6, 16, 8, 30
    )


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        ((2025, 6, 13, 14, 30), (2025, 6, 16, 8, 30), 60),
        ((2025, 6, 13, 11, 0), (2025, 6, 13, 13, 30), 60),
        ((2025, 6, 16, 8, 0), (2025, 6, 17, 10, 0), 600),
        ((2025, 6, 16, 10, 0), (2025, 6, 16, 9, 0), 0),
    ],
)
def test_the_office_time_left_is_what_adding_it_back_gives(start, end, minutes):
    begin, finish = local("2171", *start), local("2171", *end)
    left = calendar.office_time_between("2171", HOURS, begin, finish)
    assert left == datetime.timedelta(minutes=minutes)
    if minutes:
        assert calendar.add_office_time("2171", HOURS, begin, left) == finish


def test_opening_hours_rows_with_a_break_become_two_intervals_and_none_become_the_standard():
    class Row:
        def __init__(self, weekday, opens, closes, break_starts=None, break_ends=None):
            self.weekday, self.opens, self.closes = weekday, opens, closes
            self.break_starts, self.break_ends = break_starts, break_ends

    hours = OfficeHours.from_opening_hours(
        [Row(0, T(8), T(16)), Row(4, T(8), T(15), T(11, 30), T(13))]
    )
    assert hours.weekly == {0: ((T(8), T(16)),), 4: ((T(8), T(11, 30)), (T(13), T(15)))}
    assert OfficeHours.from_opening_hours([]) == calendar.STANDARD_OFFICE_HOURS
