"""The working-day rule pinned across weekends, holidays, cuti bersama, overrides and time zones."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from mpp.regions import calendar
from mpp.regions.models import CalendarOverride
from mpp.regions.tests.factories import CalendarOverrideFactory, region

pytestmark = pytest.mark.django_db

D = datetime.date
UTC = datetime.UTC
WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")
DAY_OFF = CalendarOverride.Kind.DAY_OFF
WORKING_DAY = CalendarOverride.Kind.WORKING_DAY


def test_the_package_has_the_2025_cuti_bersama_of_the_skb():
    leave = {h.date for h in calendar.package_holidays(2025) if h.is_collective_leave}
    assert leave == {
        D(2025, 1, 28), D(2025, 3, 28), D(2025, 4, 2), D(2025, 4, 3), D(2025, 4, 4),
        D(2025, 4, 7), D(2025, 5, 13), D(2025, 5, 30), D(2025, 6, 9), D(2025, 8, 18),
        D(2025, 12, 26),
    }  # fmt: skip
    public = [h for h in calendar.package_holidays(2025) if not h.is_collective_leave]
    assert len(public) == 17


def test_holiday_names_are_indonesian_by_default_and_english_on_request():
    names = {h.date: h.name for h in calendar.package_holidays(2025)}
    english = {h.date: h.name for h in calendar.package_holidays(2025, language="en_US")}
    assert names[D(2025, 8, 17)] == "Hari Kemerdekaan Republik Indonesia"
    assert english[D(2025, 8, 17)] == "Independence Day"


@pytest.mark.parametrize(
    ("start", "n", "expected", "why"),
    [
        (D(2025, 6, 13), 1, D(2025, 6, 16), "Friday + 1 → Monday"),
        (D(2025, 6, 14), 1, D(2025, 6, 16), "Saturday + 1 → Monday"),
        (D(2025, 6, 14), 5, D(2025, 6, 20), "Saturday + 5 → Friday"),
        (D(2025, 6, 10), 0, D(2025, 6, 10), "n = 0 is the start itself"),
        (D(2025, 6, 5), 1, D(2025, 6, 10), "Idul Adha Fri 6 Jun, cuti bersama Mon 9 Jun"),
        (D(2025, 3, 26), 1, D(2025, 3, 27), "day before the Idul Fitri break"),
        (
            D(2025, 3, 26),
            2,
            D(2025, 4, 8),
            "cuti 28 Mar, Nyepi, Idul Fitri 31 Mar–1 Apr, cuti 2–7 Apr",
        ),
        (D(2025, 3, 26), 5, D(2025, 4, 11), "across the whole Idul Fitri 2025 break"),
        (D(2025, 3, 27), 5, D(2025, 4, 14), "a SIP filed just before Idul Fitri 2025"),
        (D(2025, 4, 16), 2, D(2025, 4, 21), "Good Friday 18 Apr"),
        (D(2025, 5, 9), 2, D(2025, 5, 15), "Waisak 12 May + cuti bersama 13 May"),
        (D(2025, 8, 14), 1, D(2025, 8, 15), "Thursday + 1 → Friday"),
        (D(2025, 8, 15), 1, D(2025, 8, 19), "cuti bersama Mon 18 Aug after Independence Day"),
        (D(2025, 12, 23), 3, D(2025, 12, 30), "Christmas 25 Dec + cuti bersama 26 Dec 2025"),
        (D(2025, 12, 31), 1, D(2026, 1, 2), "New Year 2026"),
        (D(2025, 12, 31), 2, D(2026, 1, 5), "New Year 2026, then a weekend"),
        (D(2026, 2, 13), 1, D(2026, 2, 18), "cuti bersama 16 Feb + Imlek 17 Feb 2026"),
        (D(2026, 3, 17), 1, D(2026, 3, 25), "2026: cuti 18 Mar, Nyepi 19, cuti 20, 23, 24 Mar"),
        (D(2026, 3, 17), 5, D(2026, 3, 31), "across the whole Idul Fitri 2026 break"),
        (D(2026, 12, 23), 1, D(2026, 12, 28), "cuti bersama 24 Dec + Christmas 25 Dec 2026"),
    ],
)
def test_add_working_days(start, n, expected, why):
    assert calendar.add_working_days(region("2171"), start, n) == expected, why


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 6, 16), True),
        (D(2025, 6, 14), False),  # Saturday
        (D(2025, 6, 15), False),  # Sunday
        (D(2025, 4, 2), False),  # cuti bersama Idul Fitri
        (D(2025, 12, 25), False),  # Christmas
        (D(2026, 3, 24), False),  # cuti bersama Idul Fitri 2026
        (D(2026, 3, 25), True),
    ],
)
def test_is_working_day(day, expected):
    assert calendar.is_working_day("2171", day) is expected


def test_a_regional_day_off_applies_only_to_its_region():
    CalendarOverrideFactory(region=region("2171"), date=D(2026, 12, 18), kind=DAY_OFF)
    assert calendar.add_working_days("2171", D(2026, 12, 17), 1) == D(2026, 12, 21)
    assert calendar.add_working_days("3471", D(2026, 12, 17), 1) == D(2026, 12, 18)


def test_a_regional_working_day_override_makes_a_saturday_count():
    CalendarOverrideFactory(region=region("2171"), date=D(2026, 1, 10), kind=WORKING_DAY)
    assert calendar.add_working_days("2171", D(2026, 1, 9), 1) == D(2026, 1, 10)


def test_a_national_working_day_override_cancels_a_cuti_bersama_everywhere():
    assert calendar.add_working_days("2171", D(2025, 12, 24), 1) == D(2025, 12, 29)
    CalendarOverrideFactory(region=None, date=D(2025, 12, 26), kind=WORKING_DAY)
    assert calendar.add_working_days("2171", D(2025, 12, 24), 1) == D(2025, 12, 26)
    assert calendar.add_working_days("9171", D(2025, 12, 24), 1) == D(2025, 12, 26)


def test_a_regional_override_beats_a_national_one():
    CalendarOverrideFactory(region=None, date=D(2025, 12, 26), kind=WORKING_DAY)
    CalendarOverrideFactory(region=region("2171"), date=D(2025, 12, 26), kind=DAY_OFF)
    assert calendar.is_working_day("2171", D(2025, 12, 26)) is False
    assert calendar.is_working_day("3471", D(2025, 12, 26)) is True
    assert calendar.add_working_days("2171", D(2025, 12, 24), 1) == D(2025, 12, 29)
    assert calendar.add_working_days("3471", D(2025, 12, 24), 1) == D(2025, 12, 26)


@pytest.mark.parametrize(
    ("code", "submitted_at", "n", "due_local"),
    [
        # Batam (WIB): Friday afternoon, 1 working day → end of Monday.
        ("2171", datetime.datetime(2025, 6, 13, 15, 0, tzinfo=WIB), 1, D(2025, 6, 16)),
        # Late on Saturday night: the hour does not matter, only the local date.
        ("2171", datetime.datetime(2025, 6, 14, 23, 59, tzinfo=WIB), 1, D(2025, 6, 16)),
        # Brief example: 2 Jun 2025 23:30 WIT = 14:30 UTC.
        ("9171", datetime.datetime(2025, 6, 2, 14, 30, tzinfo=UTC), 1, D(2025, 6, 3)),
        # 3 Jun 00:30 WIT is still 2 Jun in UTC and in WIB: Jayapura counts from 3 Jun...
        ("9171", datetime.datetime(2025, 6, 2, 15, 30, tzinfo=UTC), 1, D(2025, 6, 4)),
        # ...while Batam, at the same moment (22:30 WIB on 2 Jun), counts from 2 Jun.
        ("2171", datetime.datetime(2025, 6, 2, 15, 30, tzinfo=UTC), 1, D(2025, 6, 3)),
        # Samarinda (WITA): Friday 00:10 WITA = Thursday 16:10 UTC; cuti bersama Mon 18 Aug.
        ("6472", datetime.datetime(2025, 8, 14, 16, 10, tzinfo=UTC), 1, D(2025, 8, 19)),
        ("2171", datetime.datetime(2025, 8, 14, 16, 10, tzinfo=UTC), 1, D(2025, 8, 15)),
        # SIP: 5 working days across Idul Fitri 2026.
        ("2171", datetime.datetime(2026, 3, 17, 9, 0, tzinfo=WIB), 5, D(2026, 3, 31)),
    ],
)
def test_due_at_is_the_end_of_the_nth_working_day_after_the_local_submission_date(
    code, submitted_at, n, due_local
):
    place = region(code)
    due = calendar.due_at(place, submitted_at, n)
    zone = ZoneInfo(place.timezone)
    assert due == datetime.datetime.combine(
        due_local, datetime.time(23, 59, 59, 999999), tzinfo=zone
    )
    assert due.astimezone(zone).date() == due_local


def test_due_at_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="aware"):
        calendar.due_at("2171", datetime.datetime(2025, 6, 2, 10, 0), 1)


def test_a_revision_request_keeps_the_remaining_working_days():
    batam = region("2171")
    submitted = datetime.datetime(2025, 6, 2, 10, 0, tzinfo=WIB)  # Monday
    due = calendar.due_at(batam, submitted, 5)  # 3, 4, 5, (Idul Adha 6, cuti 9), 10, 11 Jun
    assert due.date() == D(2025, 6, 11)
    paused_at = datetime.datetime(2025, 6, 4, 14, 0, tzinfo=WIB)
    remaining = calendar.remaining_working_days(batam, due, paused_at)
    assert remaining == 3  # 5, 10, 11 Jun
    resumed_at = datetime.datetime(2025, 6, 13, 9, 0, tzinfo=WIB)  # Friday
    new_due = calendar.resume_due_at(batam, resumed_at, remaining)
    assert new_due == datetime.datetime(2025, 6, 18, 23, 59, 59, 999999, tzinfo=WIB)


def test_a_clock_paused_on_or_after_its_due_day_has_nothing_left():
    batam = region("2171")
    due = calendar.due_at(batam, datetime.datetime(2025, 6, 2, 10, 0, tzinfo=WIB), 5)
    on_due_day = datetime.datetime(2025, 6, 11, 8, 0, tzinfo=WIB)
    assert calendar.remaining_working_days(batam, due, on_due_day) == 0
    late = due + datetime.timedelta(days=2)
    assert calendar.remaining_working_days(batam, due, late) == 0
    resumed = datetime.datetime(2025, 6, 13, 9, 0, tzinfo=WIB)
    assert calendar.resume_due_at(batam, resumed, 0).date() == D(2025, 6, 13)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2025, 3, 27), D(2025, 4, 8), 1),
        (D(2025, 4, 8), D(2025, 3, 27), -1),
        (D(2025, 6, 16), D(2025, 6, 16), 0),
        (D(2025, 6, 13), D(2025, 6, 16), 1),  # the start (Friday) does not count
        (D(2024, 12, 31), D(2025, 12, 31), 237),  # 261 weekdays − 24 weekday holidays
    ],
)
def test_working_days_between(start, end, expected):
    assert calendar.working_days_between("2171", start, end) == expected


def test_calendar_days_count_weekends_and_holidays():
    assert calendar.add_calendar_days(D(2025, 3, 27), 60) == D(2025, 5, 26)
    due = calendar.due_at_calendar_days(
        "6472", datetime.datetime(2025, 3, 26, 16, 30, tzinfo=UTC), 60
    )
    # 00:30 WITA on 27 Mar; 60 calendar days later is 26 May, end of day WITA.
    assert due == datetime.datetime(2025, 5, 26, 23, 59, 59, 999999, tzinfo=WITA)


def test_overrides_are_read_in_one_query_however_long_the_range(django_assert_num_queries):
    batam = region("2171")
    CalendarOverrideFactory(region=batam, date=D(2027, 6, 1), kind=DAY_OFF)
    CalendarOverrideFactory(region=None, date=D(2030, 6, 3), kind=DAY_OFF)
    with django_assert_num_queries(1):
        calendar.working_days_between(batam, D(2025, 1, 1), D(2034, 12, 31))
    with django_assert_num_queries(1):
        calendar.add_working_days(batam, D(2025, 1, 1), 500)
    with django_assert_num_queries(1):
        calendar.due_at(batam, datetime.datetime(2025, 1, 1, 9, 0, tzinfo=WIB), 20)


def test_a_loaded_region_calendar_answers_many_questions_with_one_query(
    django_assert_num_queries,
):
    batam = region("2171")
    with django_assert_num_queries(1):
        year = calendar.RegionCalendar(batam, D(2025, 1, 1), D(2025, 12, 31))
        dues = [year.add_working_days(D(2025, 1, 1) + datetime.timedelta(d), 5) for d in range(300)]
    assert dues[0] == D(2025, 1, 8)  # New Year; then 2, 3, 6, 7 and 8 Jan
