"""Issue 23: one answer to "is this queue open now" for the kiosk, check-in and the console, and
slots inside both the MPP's opening hours and its agency's counter hours."""

from __future__ import annotations

import datetime

import pytest

from mpp.cases.tests.factories import CitizenFactory
from mpp.queueing import services
from mpp.queueing.services import QueueError
from mpp.queueing.tests.conftest import MONDAY, at, make_counter, make_queue
from mpp.queueing.workflow import KIOSK
from mpp.tenancy.models import AgencyPresence, CounterHours, OpeningHours

FRIDAY = datetime.date(2026, 12, 11)


def _mpp_hours(mpp) -> None:
    """08.00–16.00 Monday to Friday, Friday prayers 11.30–13.00."""
    for weekday in range(5):
        OpeningHours.objects.create(
            mpp=mpp,
            weekday=weekday,
            opens=datetime.time(8),
            closes=datetime.time(16),
            break_starts=datetime.time(11, 30) if weekday == 4 else None,
            break_ends=datetime.time(13) if weekday == 4 else None,
        )


def _counter_hours(queue, opens=datetime.time(9), closes=datetime.time(15)) -> None:
    presence, _ = AgencyPresence.objects.get_or_create(agency=queue.agency, mpp=queue.mpp)
    for weekday in range(5):
        CounterHours.objects.create(presence=presence, weekday=weekday, opens=opens, closes=closes)


@pytest.fixture
def dukcapil(queue):
    """An agency serving 09.00–15.00 in an MPP open 08.00–16.00 (Batam's Disdukcapil)."""
    _mpp_hours(queue.mpp)
    _counter_hours(queue)
    return queue


def test_slots_lie_within_the_mpp_and_the_agency_hours(dukcapil):
    monday = [f"{starts:%H.%M}" for starts, _ends in services.slot_times(dukcapil, MONDAY)]
    assert monday[0] == "09.00" and monday[-1] == "14.30"
    friday = [f"{starts:%H.%M}" for starts, _ends in services.slot_times(dukcapil, FRIDAY)]
    assert "11.00" in friday and "11.30" not in friday and "12.30" not in friday
    assert friday[0] == "09.00" and friday[-1] == "14.30" and "13.00" in friday


def test_a_booking_outside_the_counter_hours_is_refused(dukcapil, citizen):
    with pytest.raises(QueueError, match="di luar jam layanan"):
        services.book(citizen, dukcapil, MONDAY, datetime.time(8), now=at(7))
    with pytest.raises(QueueError, match="di luar jam layanan"):
        services.book(citizen, dukcapil, MONDAY, datetime.time(15), now=at(7))
    assert services.book(citizen, dukcapil, MONDAY, datetime.time(9), now=at(7)).code


def test_an_agency_without_counter_hours_serves_the_mpp_hours(queue):
    _mpp_hours(queue.mpp)
    times = services.slot_times(queue, MONDAY)
    assert (times[0][0], times[-1][1]) == (datetime.time(8), datetime.time(16))


def test_before_the_counters_open_kiosk_and_check_in_say_when_they_open(dukcapil, kiosk):
    booking = services.book(CitizenFactory(), dukcapil, MONDAY, datetime.time(9), now=at(7))
    with pytest.raises(QueueError, match=r"kembali pukul 09\.00 WIB") as walk_in:
        services.issue_walk_in(kiosk, dukcapil, now=at(8, 30))
    with pytest.raises(QueueError, match=r"kembali pukul 09\.00 WIB") as check_in:
        services.check_in(booking, user=None, kinds=(KIOSK,), now=at(8, 30))
    assert walk_in.value.status == check_in.value.status == 409
    booking.refresh_from_db()
    assert booking.status == "booked"
    assert services.open_now(dukcapil, at(8, 30)) is None
    assert services.open_now(dukcapil, at(9)) == (datetime.time(9), datetime.time(15))


def test_after_the_counters_close_nobody_joins_but_those_waiting_are_served(
    dukcapil, kiosk, officer
):
    counter = make_counter(dukcapil)
    booked = services.book(CitizenFactory(), dukcapil, MONDAY, datetime.time(14, 30), now=at(7))
    waiting = services.issue_walk_in(kiosk, dukcapil, now=at(14, 50))
    # The MPP is still open at 15.30, the agency's counters are not: one answer for all three.
    with pytest.raises(QueueError, match="sudah tutup hari ini"):
        services.issue_walk_in(kiosk, dukcapil, now=at(15, 30))
    with pytest.raises(QueueError, match="sudah tutup hari ini"):
        services.check_in(booked, user=None, kinds=(KIOSK,), now=at(15, 30))
    with pytest.raises(QueueError, match="sudah tutup hari ini"):
        services.check_in(booked, user=officer, counter=counter, now=at(15, 30))
    called = services.call_next(counter, officer=officer, now=at(15, 30))
    assert called.pk == waiting.pk
    services.start(called, counter, officer=officer, now=at(15, 31))
    services.finish(called, counter, officer=officer, now=at(15, 40))
    called.refresh_from_db()
    booked.refresh_from_db()
    assert (called.status, booked.status) == ("served", "booked")


def test_the_tail_of_the_day_shorter_than_a_slot_is_open_for_everyone(queue, kiosk, officer):
    """Counters open until 15.10 with 30-minute slots: the last slot starts at 14.30, and at 15.05
    the kiosk still gives a number (counted in that slot) as check-in still works."""
    _mpp_hours(queue.mpp)
    _counter_hours(queue, closes=datetime.time(15, 10))
    booking = services.book(CitizenFactory(), queue, MONDAY, datetime.time(14, 30), now=at(7))
    ticket = services.issue_walk_in(kiosk, queue, now=at(15, 5))
    assert ticket.slot_starts == datetime.time(14, 30)
    services.check_in(booking, user=None, kinds=(KIOSK,), now=at(15, 5))
    booking.refresh_from_db()
    assert booking.status == "waiting"
    with pytest.raises(QueueError, match="sudah tutup hari ini"):
        services.issue_walk_in(kiosk, queue, now=at(15, 10))


def test_the_day_is_read_once_and_a_change_of_hours_or_calendar_counts_at_once(
    dukcapil, django_assert_num_queries
):
    """Every console refresh asks whether the counters are open: the day's hours are read once and
    kept, and a change of the counter hours or of the calendar is seen by the next question."""
    from mpp.catalog.services import SYSTEM, DayHours, set_counter_hours
    from mpp.regions.models import CalendarOverride

    assert services.open_now(dukcapil, at(9, 30)) == (datetime.time(9), datetime.time(15))
    with django_assert_num_queries(0):
        assert services.open_now(dukcapil, at(10)) == (datetime.time(9), datetime.time(15))
    presence = AgencyPresence.objects.get(agency=dukcapil.agency, mpp=dukcapil.mpp)
    later = DayHours(datetime.time(10), datetime.time(15))
    set_counter_hours(presence, {day: later for day in range(5)} | {5: None, 6: None}, actor=SYSTEM)
    assert services.open_now(dukcapil, at(9, 30)) is None
    assert services.open_now(dukcapil, at(10)) == (datetime.time(10), datetime.time(15))
    CalendarOverride.objects.create(
        region=dukcapil.mpp.region, date=MONDAY, kind="day_off", reason="Hari jadi kota"
    )
    assert services.open_now(dukcapil, at(11)) is None
    # The next day is read afresh.
    assert services.open_now(dukcapil, at(11, day=MONDAY + datetime.timedelta(days=1)))


def test_the_console_shows_the_head_of_a_long_line_and_counts_all_of_it(dukcapil, kiosk):
    from mpp.queueing import selectors

    dukcapil.walk_in_per_slot = dukcapil.walk_in_per_day = 50
    dukcapil.save()
    counter = make_counter(dukcapil)
    issued = [services.issue_walk_in(kiosk, dukcapil, now=at(9, minute)) for minute in range(14)]
    other = make_queue(beside=dukcapil, prefix="B")
    services.issue_walk_in(kiosk, other, now=at(9, 30))  # another counter's line
    head, length = selectors.line_head(counter, MONDAY)
    assert length == 14
    assert [ticket.code for ticket in head] == [ticket.code for ticket in issued[:10]]
    assert head[0].service.name == dukcapil.service.name
    assert selectors.line_head(make_counter(dukcapil, 2), MONDAY + datetime.timedelta(1)) == ([], 0)


def test_the_counter_calls_the_next_ticket_with_a_plan_made_for_today(queue, kiosk, officer):
    """Fifteen calls in a row prepare nothing for the pick: on PostgreSQL a generic plan (made
    without knowing the day) read and sorted the MPP's whole line for each call (mpp.plans)."""
    from mpp.web.tests.prepared import only_on_postgresql, prepared_like

    only_on_postgresql()
    queue.walk_in_per_slot = queue.walk_in_per_day = 50
    queue.save()
    counter = make_counter(queue)
    for minute in range(15):
        services.issue_walk_in(kiosk, queue, now=at(9, minute))
    for minute in range(15):
        called = services.call_next(counter, officer=officer, now=at(10, minute))
        assert called is not None
        services.start(called, counter, officer=officer, now=at(10, minute))
        services.finish(called, counter, officer=officer, now=at(10, minute))
    assert prepared_like("%SKIP LOCKED%") == 0
