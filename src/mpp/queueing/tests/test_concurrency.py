"""Quotas and calling under real concurrency: threads with their own PostgreSQL connections."""

from __future__ import annotations

import datetime
import threading

from tests.concurrency import RACE, at_once

from mpp.accounts.models import Role, RoleGrant
from mpp.cases.tests.factories import CitizenFactory, StaffFactory
from mpp.devices.tests.factories import register_queue_kiosk
from mpp.queueing import services
from mpp.queueing.models import SlotCount, Ticket
from mpp.queueing.services import QueueError
from mpp.queueing.tests.conftest import MONDAY, at, make_counter, make_queue

pytestmark = RACE
NINE = datetime.time(9)
WORKERS = 25  # concurrent connections (the server allows 100, shared with other test runs)


def test_200_citizens_race_for_the_last_10_places_of_a_slot():
    queue = make_queue(online_per_slot=12, online_per_day=500)
    for _ in range(2):
        services.book(CitizenFactory(), queue, MONDAY, NINE, now=at(7))
    citizens = [CitizenFactory() for _ in range(200)]

    def attempt(citizen):
        try:
            services.book(citizen, queue, MONDAY, NINE, now=at(7))
        except QueueError as error:
            assert "penuh" in error.message
            return False
        return True

    results, errors = at_once(attempt, citizens, threads=WORKERS)
    assert errors == []
    assert results.count(True) == 10 and results.count(False) == 190
    assert Ticket.objects.filter(queue=queue, slot_starts=NINE).count() == 12
    assert SlotCount.objects.get(queue=queue, date=MONDAY, starts=NINE).online == 12
    codes = list(Ticket.objects.values_list("code", flat=True))
    assert len(set(codes)) == 12


def test_walk_ins_racing_never_exceed_their_quota_nor_touch_online_places():
    queue = make_queue(walk_in_per_slot=10, walk_in_per_day=500, online_per_slot=3)
    kiosk, _raw = register_queue_kiosk(queue.mpp, "Anjungan")

    def attempt(_index):
        try:
            services.issue_walk_in(kiosk, queue, now=at(9, 5))
        except QueueError:
            return False
        return True

    results, errors = at_once(attempt, list(range(100)), threads=WORKERS)
    assert errors == []
    assert results.count(True) == 10
    slot = services.availability(queue, MONDAY, now=at(9, 5))
    assert {s.starts: s for s in slot}[NINE].online_free == 3


def test_counters_calling_at_the_same_moment_never_get_the_same_ticket():
    queue = make_queue(walk_in_per_slot=400, walk_in_per_day=400)
    kiosk, _raw = register_queue_kiosk(queue.mpp, "Anjungan")
    for minute in range(60):
        services.issue_walk_in(kiosk, queue, now=at(8, 0) + datetime.timedelta(seconds=minute * 20))
    counters = [make_counter(queue, number) for number in range(1, 11)]
    officer = StaffFactory()
    RoleGrant.objects.create(user=officer, role=Role.OFFICER, agency=queue.agency, mpp=queue.mpp)
    called: list[int] = []
    lock = threading.Lock()

    def work(counter):
        got = []
        for _round in range(6):
            ticket = services.call_next(counter, officer=officer, now=at(10))
            if ticket is None:
                break
            got.append(ticket.pk)
            services.skip(ticket, counter, officer=officer)
        with lock:
            called.extend(got)
        return len(got)

    barrier_jobs = counters + [None] * (WORKERS - len(counters))
    _results, errors = at_once(
        lambda c: work(c) if c is not None else 0, barrier_jobs, threads=WORKERS
    )
    assert errors == []
    assert len(called) == 60 and len(set(called)) == 60
    assert not Ticket.objects.filter(status="waiting").exists()


def test_one_account_booking_in_parallel_never_passes_the_cap(settings):
    settings.QUEUE_BOOKINGS_PER_SERVICE = 2
    queue = make_queue(online_per_slot=5, online_per_day=50)
    citizen = CitizenFactory()
    weekdays = [0, 1, 2, 3, 4, 7, 8, 9, 10, 11]
    days = [MONDAY + datetime.timedelta(days=weekdays[n % 10]) for n in range(WORKERS)]

    def attempt(day):
        try:
            services.book(citizen, queue, day, NINE, now=at(7))
        except QueueError as error:
            assert "pemesanan aktif" in error.message
            return False
        return True

    results, errors = at_once(attempt, days, threads=WORKERS)
    assert errors == []
    assert results.count(True) == 2
    assert Ticket.objects.filter(citizen=citizen, status="booked").count() == 2


def test_counters_of_two_services_never_take_the_same_visit_at_once():
    """Issue 28: visits of two services on one number. The first service's counters finish
    tickets into the second service's line while its counters call from it: each ticket is called
    once for each of its services, never by two counters."""
    from mpp.catalog.tests.factories import PublishedServiceFactory

    first = make_queue(walk_in_per_slot=400, walk_in_per_day=400)
    second = make_queue(PublishedServiceFactory(mpp=first.mpp), prefix="B", walk_in_per_day=400)
    kiosk, _raw = register_queue_kiosk(first.mpp, "Anjungan")
    for index in range(24):
        moment = at(8, 0) + datetime.timedelta(seconds=index * 20)
        services.issue_walk_in(kiosk, first, then=[second], now=moment)
    officers = {}
    for queue in (first, second):
        officers[queue.pk] = StaffFactory()
        RoleGrant.objects.create(
            user=officers[queue.pk], role=Role.OFFICER, agency=queue.agency, mpp=queue.mpp
        )
    counters = [make_counter(first, number) for number in (1, 2, 3, 4)]
    counters += [make_counter(second, number) for number in (5, 6, 7, 8)]
    called: list[tuple[int, int]] = []
    lock = threading.Lock()

    def work(counter):
        queue = counter.queues.get()
        officer = officers[queue.pk]
        got = []
        while True:
            ticket = services.call_next(counter, officer=officer, now=at(10))
            if ticket is None:
                # The second service's counters go on while visits may still come to them.
                if queue == first or not Ticket.objects.exclude(status="served").exists():
                    break
                continue
            got.append((ticket.pk, ticket.leg))
            services.start(ticket, counter, officer=officer, now=at(10))
            services.finish(ticket, counter, officer=officer, now=at(10, 1))
        with lock:
            called.extend(got)
        return len(got)

    jobs = counters + [None] * (WORKERS - len(counters))
    _results, errors = at_once(lambda c: work(c) if c is not None else 0, jobs, threads=WORKERS)
    assert errors == []
    assert len(called) == 48 and len(set(called)) == 48
    assert Ticket.objects.filter(status="served", queue=second, leg=2).count() == 24
