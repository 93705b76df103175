"""Queue facts: the workflow hooks and the recompute from tickets agree."""

from __future__ import annotations

import datetime

import pytest

from mpp.accounts.models import Role, RoleGrant
from mpp.cases.tests.factories import CitizenFactory, StaffFactory
from mpp.devices.tests.factories import register_queue_kiosk
from mpp.queueing import services
from mpp.queueing.tests.conftest import MONDAY, at, make_counter, make_queue
from mpp.reporting.facts import queueing as queue_facts
from mpp.reporting.models import DailyFact

pytestmark = pytest.mark.django_db


def _stored() -> dict:
    return {
        (row.day, row.region, row.mpp, row.agency, row.service, row.metric): row.value
        for row in DailyFact.objects.filter(metric__startswith="queue.")
    }


def test_hooks_count_served_waits_and_no_shows_like_the_recompute(
    django_capture_on_commit_callbacks,
):
    queue = make_queue()
    counter = make_counter(queue)
    officer = StaffFactory()
    RoleGrant.objects.create(user=officer, role=Role.OFFICER, agency=queue.agency, mpp=queue.mpp)
    kiosk, _raw = register_queue_kiosk(queue.mpp, "Anjungan")
    booking = services.book(CitizenFactory(), queue, MONDAY, datetime.time(9), now=at(7))
    services.book(CitizenFactory(), queue, MONDAY, datetime.time(10), now=at(7))
    with django_capture_on_commit_callbacks(execute=True):
        services.check_in(booking, user=officer, counter=counter, now=at(8, 55))
        walk_in = services.issue_walk_in(kiosk, queue, now=at(9))
        for minute in (4, 20):
            ticket = services.call_next(counter, officer=officer, now=at(9, minute))
            services.start(ticket, counter, officer=officer, now=at(9, minute))
            services.finish(ticket, counter, officer=officer, now=at(9, minute + 10))
        services.sweep(now=at(9, day=MONDAY + datetime.timedelta(days=1)))
    stored = _stored()
    unit = (MONDAY, queue.mpp.region_id, queue.mpp_id, queue.agency_id, queue.service_id)
    assert stored[(*unit, "queue.served")] == 2
    assert stored[(*unit, "queue.no_show_online")] == 1
    # The booking waited 09.04 - 08.55 = 9 minutes, the walk-in 09.20 - 09.00 = 20 minutes.
    assert stored[(*unit, "queue.wait_seconds_sum")] == (9 + 20) * 60
    assert stored[(*unit, "queue.service_seconds_sum")] == 2 * 10 * 60
    recomputed = {
        (key.day, *key.unit, key.metric): value
        for key, value in queue_facts.source.recompute(MONDAY, MONDAY).items()
    }
    assert recomputed == stored
    assert walk_in.code == "A-003"
