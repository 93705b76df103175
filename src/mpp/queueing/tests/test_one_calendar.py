"""Issue 24: one answer to "is the MPP open on this day". The queue's slots and the hour clock of
deadlines both ask ``regions.calendar``, so an MPP that books Saturday slots also counts Saturday
on its clock, and a day the calendar closes has neither slots nor clock time."""

from __future__ import annotations

import datetime

import pytest

from mpp.queueing import services
from mpp.queueing.tests.conftest import WIB, make_queue
from mpp.regions import calendar
from mpp.regions.models import CalendarOverride
from mpp.tenancy.models import OpeningHours

FRIDAY = datetime.date(2026, 12, 4)
SATURDAY = datetime.date(2026, 12, 5)
MONDAY = datetime.date(2026, 12, 7)
TUESDAY = datetime.date(2026, 12, 8)
WEDNESDAY = datetime.date(2026, 12, 9)
CHRISTMAS_EVE = datetime.date(2026, 12, 24)  # cuti bersama (Thursday)
CHRISTMAS = datetime.date(2026, 12, 25)  # national holiday (Friday)
BOXING_SATURDAY = datetime.date(2026, 12, 26)
WEEKDAYS = range(5)


def _hours(mpp, weekdays, *, saturday: bool) -> None:
    for weekday in weekdays:
        OpeningHours.objects.create(
            mpp=mpp, weekday=weekday, opens=datetime.time(8), closes=datetime.time(16)
        )
    if saturday:
        OpeningHours.objects.create(
            mpp=mpp, weekday=5, opens=datetime.time(8), closes=datetime.time(12)
        )


def _override(kind):
    def make(mpp, day):
        CalendarOverride.objects.create(
            region_id=mpp.region_id, date=day, kind=kind, reason="Uji kalender"
        )

    return make


def _local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=WIB)


# (MPP open on Saturday?, an override of the day asked about, the day asked about, its first and
#  last slot (None: closed), a one-hour limit started at this moment, and when it is due).
CASES = [
    pytest.param(
        True,
        None,
        SATURDAY,
        ("08:00", "11:30"),
        _local(FRIDAY, 15, 30),
        _local(SATURDAY, 8, 30),
        id="open-on-saturday-books-and-counts-saturday",
    ),
    pytest.param(
        False,
        None,
        SATURDAY,
        None,
        _local(FRIDAY, 15, 30),
        _local(MONDAY, 8, 30),
        id="closed-on-saturday-neither",
    ),
    pytest.param(
        False,
        _override(CalendarOverride.Kind.DAY_OFF),
        TUESDAY,
        None,
        _local(MONDAY, 15, 30),
        _local(WEDNESDAY, 8, 30),
        id="regional-day-off-on-a-working-day-neither",
    ),
    pytest.param(
        False,
        _override(CalendarOverride.Kind.WORKING_DAY),
        SATURDAY,
        None,
        _local(FRIDAY, 15, 30),
        _local(MONDAY, 8, 30),
        id="working-day-override-on-a-saturday-without-hours-stays-closed",
    ),
    pytest.param(
        True,
        _override(CalendarOverride.Kind.DAY_OFF),
        SATURDAY,
        None,
        _local(FRIDAY, 15, 30),
        _local(MONDAY, 8, 30),
        id="saturday-mpp-closed-by-the-region-that-saturday",
    ),
    pytest.param(
        True,
        None,
        CHRISTMAS,
        None,
        _local(datetime.date(2026, 12, 23), 15, 30),
        _local(BOXING_SATURDAY, 8, 30),
        id="holiday-and-cuti-bersama-closed-then-saturday-open",
    ),
]


@pytest.mark.parametrize(("saturday", "override", "day", "slots", "started", "due"), CASES)
def test_slots_and_the_hour_clock_give_one_answer(db, saturday, override, day, slots, started, due):
    queue = make_queue()
    _hours(queue.mpp, WEEKDAYS, saturday=saturday)
    if override is not None:
        override(queue.mpp, day)

    times = services.slot_times(queue, day)
    if slots is None:
        assert times == []
    else:
        assert (f"{times[0][0]:%H:%M}", f"{times[-1][0]:%H:%M}") == slots

    clock_hours = calendar.OfficeHours.from_opening_hours(queue.mpp.opening_hours.all())
    assert (
        calendar.add_office_time(
            queue.mpp.region, clock_hours, started, datetime.timedelta(hours=1)
        )
        == due
    )


def test_open_days_are_the_calendars(db):
    """The queue is open on the calendar's open days: Saturday, never Christmas or Sunday."""
    queue = make_queue()
    _hours(queue.mpp, WEEKDAYS, saturday=True)
    days = services.open_intervals
    assert days(queue, SATURDAY) == ((datetime.time(8), datetime.time(12)),)
    assert days(queue, CHRISTMAS) == ()
    assert days(queue, CHRISTMAS_EVE) == ()
    assert days(queue, datetime.date(2026, 12, 6)) == ()  # Sunday
