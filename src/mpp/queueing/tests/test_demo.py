from __future__ import annotations

import pytest

from mpp.accounts.tests.factories import load_demo
from mpp.queueing import demo, services
from mpp.queueing.models import Counter, ServiceQueue, Ticket

pytestmark = pytest.mark.django_db


def test_demo_queue_loads_twice_without_duplicates():
    load_demo()
    first = demo.load()
    assert set(first["queues"]) == {"A", "B", "C", "D"}
    tickets = Ticket.objects.count()
    demo.load()
    assert ServiceQueue.objects.count() == 4 and Counter.objects.count() == 4
    assert Ticket.objects.count() == tickets
    assert services.kiosk_for_token(demo.DEMO_KIOSK_TOKEN) == first["kiosk"]
