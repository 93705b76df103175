from __future__ import annotations

import pytest

from mpp.accounts.tests.factories import load_demo
from mpp.catalog.models import Service
from mpp.devices.tests.factories import device_with_token
from mpp.queueing import demo, services
from mpp.queueing.models import Counter, ServiceQueue, Ticket

pytestmark = pytest.mark.django_db


def test_demo_queue_loads_twice_without_duplicates():
    load_demo()
    first = demo.load()
    assert {"A", "B", "C", "D"} <= set(first["queues"])
    queues, counters = ServiceQueue.objects.count(), Counter.objects.count()
    tickets = Ticket.objects.count()
    demo.load()
    assert ServiceQueue.objects.count() == queues and Counter.objects.count() == counters
    # Every service of the MPP served at a counter can be booked (issue 23: only 4 of 42 could),
    # and every queue is served by a counter of its agency.
    assert not (
        Service.objects.published()
        .filter(mpp__slug="mpp-kota-batam", channel__in=("counter", "both"), queue__isnull=True)
        .exists()
    )
    assert queues > 20
    assert not ServiceQueue.objects.filter(counters__isnull=True).exists()
    assert Ticket.objects.count() == tickets
    assert device_with_token(demo.DEMO_KIOSK_TOKEN) == first["kiosk"]
    # The demo citizen's booking is a visit of two services: KTP-el, then KK on the same number.
    booking = Ticket.objects.get(citizen__nik="2171011508900003")
    assert (booking.queue.prefix, booking.legs, booking.next_queue.prefix) == ("A", 2, "B")


def test_the_demo_books_batams_disdukcapil_within_its_counter_hours():
    """Issue 23: Disdukcapil serves 09.00–15.00 in an MPP open 08.00–16.00; its slots said
    08.00–16.00."""
    import datetime

    load_demo()
    queues = demo.load()["queues"]
    monday = datetime.date(2026, 12, 7)
    dukcapil = services.slot_times(queues["A"], monday)
    assert (dukcapil[0][0], dukcapil[-1][1]) == (datetime.time(9), datetime.time(15))
    # Dinas Kesehatan recorded no counter hours: the MPP's.
    dinkes = services.slot_times(queues["D"], monday)
    assert (dinkes[0][0], dinkes[-1][1]) == (datetime.time(8), datetime.time(16))
