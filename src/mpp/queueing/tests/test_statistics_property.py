"""Queue statistics can never be negative and agree with the dashboard, whatever the order of
events and however two web nodes' clocks disagree (issue 23: the statistics page showed an average
wait of −100.3 minutes while the dashboard said 2.0)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mpp.accounts.models import Role, RoleGrant
from mpp.cases.tests.factories import StaffFactory
from mpp.queueing import selectors, services
from mpp.queueing.models import Ticket
from mpp.queueing.services import QueueError
from mpp.queueing.tests.conftest import MONDAY, at
from mpp.reporting.facts import queueing as queue_facts

pytestmark = pytest.mark.django_db

OPERATIONS = ("walk_in", "call", "recall", "skip", "requeue", "start", "finish", "no_show")


def _play(kiosk, queue, counter, officer, events) -> None:
    moment = at(9)
    for operation, minutes in events:
        moment += datetime.timedelta(minutes=minutes)  # may go back: clocks of two nodes
        current = services.current_ticket(counter, MONDAY)
        skipped = Ticket.objects.filter(queue=queue, status="skipped").first()
        try:
            if operation == "walk_in":
                services.issue_walk_in(kiosk, queue, now=moment)
            elif operation == "call":
                services.call_next(counter, officer=officer, now=moment)
            elif operation in {"requeue", "no_show"} and skipped is not None:
                if operation == "requeue":
                    services.requeue(skipped, counter, officer=officer, now=moment)
                else:
                    services.record_no_show(skipped, counter, officer=officer)
            elif current is not None and operation == "recall":
                services.recall(current, counter, officer=officer, now=moment)
            elif current is not None and operation == "skip":
                services.skip(current, counter, officer=officer)
            elif current is not None and operation == "start":
                services.start(current, counter, officer=officer, now=moment)
            elif current is not None and operation == "finish":
                services.finish(current, counter, officer=officer, now=moment)
        except QueueError:
            pass  # not allowed in this state: the person sees a message, nothing changes


def _dashboard_means(mpp) -> tuple[float | None, float | None]:
    """The dashboard's averages, from the same fact rows its hooks write."""
    sums: dict[str, int] = {}
    for ticket in Ticket.objects.filter(mpp=mpp, status="served"):
        for key, value in queue_facts.served_facts(ticket).items():
            sums[key.metric] = sums.get(key.metric, 0) + value

    def mean(total: str, count: str) -> float | None:
        return round(sums[total] / sums[count] / 60, 1) if sums.get(count) else None

    return (
        mean(queue_facts.WAIT_SUM, queue_facts.WAIT_COUNT),
        mean(queue_facts.SERVICE_SUM, queue_facts.SERVICE_COUNT),
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    events=st.lists(
        st.tuples(st.sampled_from(OPERATIONS), st.integers(min_value=-15, max_value=20)),
        min_size=1,
        max_size=30,
    )
)
def test_waits_are_never_negative_and_agree_with_the_dashboard(
    queue, kiosk, counter, officer, events
):
    manager = StaffFactory()
    RoleGrant.objects.create(user=manager, role=Role.MPP_MANAGER, mpp=queue.mpp)
    _play(kiosk, queue, counter, officer, events)
    stats = selectors.statistics(manager, queue.mpp, MONDAY, MONDAY)
    for group in ("by_day", "by_counter", "by_agency"):
        for row in stats[group]:
            for key in ("mean_wait", "mean_service"):
                assert row[key] is None or row[key] >= 0, (group, key, row)
    (day,) = stats["by_day"] or [{"mean_wait": None, "mean_service": None}]
    assert (day["mean_wait"], day["mean_service"]) == _dashboard_means(queue.mpp)


def test_a_call_stamped_before_the_check_in_is_not_counted(queue, kiosk, counter, officer):
    """The probe's case: a ticket issued at 08.02 (stamped ahead) and called at 04.37."""
    manager = StaffFactory()
    RoleGrant.objects.create(user=manager, role=Role.MPP_MANAGER, mpp=queue.mpp)
    services.issue_walk_in(kiosk, queue, now=at(10))
    ticket = services.call_next(counter, officer=officer, now=at(8, 20))
    services.start(ticket, counter, officer=officer, now=at(10, 1))
    services.finish(ticket, counter, officer=officer, now=at(10, 5))
    (day,) = selectors.statistics(manager, queue.mpp, MONDAY, MONDAY)["by_day"]
    assert day["mean_wait"] is None and day["mean_service"] == 4.0
