"""One visit, several services (issue 28): one number carries the services in the visitor's order;
finishing one puts the ticket in the next service's line, keeping its number and its priority."""

from __future__ import annotations

import datetime

import pytest

from mpp.accounts.models import Role, RoleGrant
from mpp.cases.tests.factories import CitizenFactory, StaffFactory
from mpp.catalog.tests.factories import PublishedServiceFactory
from mpp.queueing import selectors, services
from mpp.queueing.models import DayCount, QueueRules, Ticket, TicketLeg
from mpp.queueing.services import QueueError
from mpp.queueing.tests.conftest import MONDAY, at, make_counter, make_queue
from mpp.reporting.facts import queueing as queue_facts
from mpp.workflows.models import TransitionRecord

pytestmark = pytest.mark.django_db
EIGHT = datetime.time(8)


@pytest.fixture
def other(queue):
    """KTP-el of another agency at the same MPP, with its own counter and officer."""
    service = PublishedServiceFactory(mpp=queue.mpp)
    return make_queue(service, prefix="B")


@pytest.fixture
def other_counter(other):
    return make_counter(other, 2)


@pytest.fixture
def other_officer(other):
    user = StaffFactory()
    RoleGrant.objects.create(user=user, role=Role.OFFICER, agency=other.agency, mpp=other.mpp)
    return user


def _serve(ticket, counter, officer, called, started, finished):
    called_ticket = services.call_next(counter, officer=officer, now=called)
    assert called_ticket is not None and called_ticket.pk == ticket.pk
    services.start(called_ticket, counter, officer=officer, now=started)
    return services.finish(called_ticket, counter, officer=officer, now=finished)


def test_two_services_move_through_two_counters_on_one_number(
    queue, other, kiosk, counter, officer, other_counter, other_officer
):
    ticket = services.issue_walk_in(kiosk, queue, then=[other], now=at(9))
    assert (ticket.code, ticket.leg, ticket.legs, ticket.next_queue) == ("A-001", 1, 2, other)
    # The second service holds a walk-in place of its day, without a number of its own.
    assert DayCount.objects.get(queue=other, date=MONDAY).walk_in == 1
    assert DayCount.objects.get(queue=other, date=MONDAY).last_number == 0
    # The other agency's counter does not see it yet.
    assert services.call_next(other_counter, officer=other_officer, now=at(9, 1)) is None

    _serve(ticket, counter, officer, at(9, 5), at(9, 6), at(9, 20))
    ticket.refresh_from_db()
    assert (ticket.status, ticket.code, ticket.leg, ticket.queue, ticket.next_queue) == (
        "waiting",
        "A-001",
        2,
        other,
        None,
    )
    assert ticket.agency_id == other.agency_id and ticket.counter is None
    # The first counter's line is empty now; the second counter calls the same number.
    assert services.call_next(counter, officer=officer, now=at(9, 21)) is None
    _serve(ticket, other_counter, other_officer, at(9, 30), at(9, 31), at(9, 40))
    ticket.refresh_from_db()
    assert ticket.status == "served" and ticket.counter == other_counter
    first = TicketLeg.objects.get(ticket=ticket, position=1)
    assert (first.queue, first.counter, first.officer) == (queue, counter, officer)
    assert (first.joined_at, first.called_at, first.finished_at) == (at(9), at(9, 5), at(9, 20))
    actions = list(
        TransitionRecord.objects.filter(workflow="queue_ticket", object_id=str(ticket.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["call", "start", "next_service", "call", "start", "finish"]


def test_the_next_line_keeps_priority_and_the_first_ticket_time(
    queue, other, kiosk, counter, officer, other_counter, other_officer
):
    early = services.issue_walk_in(kiosk, other, now=at(8, 30))
    elderly = services.issue_walk_in(kiosk, queue, then=[other], priority_group="lansia", now=at(9))
    plain = services.issue_walk_in(kiosk, queue, then=[other], now=at(9, 1))
    later = services.issue_walk_in(kiosk, other, now=at(9, 2))
    _serve(elderly, counter, officer, at(9, 3), at(9, 4), at(9, 10))
    _serve(plain, counter, officer, at(9, 11), at(9, 12), at(9, 15))
    # Priority first; then by the time each first joined a line: the early walk-in (08.30), the
    # visitor who came at 09.01 and finished the first service at 09.15, then the 09.02 walk-in.
    called = []
    for n in range(4):
        ticket = services.call_next(other_counter, officer=other_officer, now=at(9, 16 + n))
        called.append(ticket.pk)
        services.skip(ticket, other_counter, officer=other_officer)
    assert called == [elderly.pk, early.pk, plain.pk, later.pk]


def test_each_service_wait_is_counted_from_joining_its_line(
    queue, other, kiosk, counter, officer, other_counter, other_officer
):
    manager = StaffFactory()
    RoleGrant.objects.create(user=manager, role=Role.MPP_MANAGER, mpp=queue.mpp)
    ticket = services.issue_walk_in(kiosk, queue, then=[other], now=at(9))
    _serve(ticket, counter, officer, at(9, 10), at(9, 10), at(9, 30))  # waited 10, served 20
    _serve(ticket, other_counter, other_officer, at(9, 34), at(9, 34), at(9, 40))  # 4 and 6
    stats = selectors.statistics(manager, queue.mpp, MONDAY, MONDAY)
    by_agency = {row["agency__name"]: row for row in stats["by_agency"]}
    assert (by_agency[queue.agency.name]["mean_wait"], by_agency[queue.agency.name]["served"]) == (
        10.0,
        1,
    )
    assert by_agency[other.agency.name]["mean_wait"] == 4.0
    assert by_agency[other.agency.name]["mean_service"] == 6.0
    by_counter = {row["counter__number"]: row["mean_service"] for row in stats["by_counter"]}
    assert by_counter == {1: 20.0, 2: 6.0}
    (day,) = stats["by_day"]
    assert (day["served"], day["mean_wait"], day["mean_service"]) == (2, 7.0, 13.0)
    # The dashboard's facts, recomputed from the rows, count the same two services.
    facts = queue_facts.source.recompute(MONDAY, MONDAY)
    served = {
        key.unit.agency: value for key, value in facts.items() if key.metric == "queue.served"
    }
    assert served == {queue.agency_id: 1, other.agency_id: 1}
    waits = {
        key.unit.agency: value for key, value in facts.items() if key.metric == queue_facts.WAIT_SUM
    }
    assert waits == {queue.agency_id: 600, other.agency_id: 240}


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("too_many", "paling banyak untuk 2 layanan"),
        ("twice", "cukup dipilih satu kali"),
        ("other_mpp", "tidak tersedia di MPP ini"),
        ("full", "Kuota"),
    ],
)
def test_a_visit_that_cannot_be_served_is_refused_and_nothing_is_counted(
    queue, other, kiosk, setup, message
):
    QueueRules.objects.create(mpp=queue.mpp, max_services=2)
    third = make_queue(PublishedServiceFactory(mpp=queue.mpp), prefix="C")
    then = {
        "too_many": [other, third],
        "twice": [queue],
        "other_mpp": [make_queue(prefix="Z")],
        "full": [other],
    }[setup]
    if setup == "full":
        other.walk_in_per_day = 0
        other.save()
    with pytest.raises(QueueError, match=message):
        services.issue_walk_in(kiosk, queue, then=then, now=at(9))
    assert not Ticket.objects.exists() and not TicketLeg.objects.exists()
    assert not DayCount.objects.filter(walk_in__gt=0).exists()


def test_a_service_closed_that_day_cannot_be_added(queue, kiosk):
    from mpp.tenancy.models import AgencyPresence, CounterHours

    closed = make_queue(PublishedServiceFactory(mpp=queue.mpp), prefix="C")
    presence, _created = AgencyPresence.objects.get_or_create(mpp=queue.mpp, agency=closed.agency)
    # This agency serves on Tuesdays only.
    CounterHours.objects.create(presence=presence, weekday=1, opens="08:00", closes="12:00")
    with pytest.raises(QueueError, match="tidak melayani pada hari itu"):
        services.issue_walk_in(kiosk, queue, then=[closed], now=at(9))
    assert not Ticket.objects.exists()


def test_a_booking_gains_a_service_and_gives_both_places_back_when_cancelled(queue, other):
    citizen = CitizenFactory()
    ticket = services.book(citizen, queue, MONDAY, EIGHT, now=at(7))
    services.add_service(ticket, other, user=citizen, now=at(7))
    ticket.refresh_from_db()
    assert (ticket.legs, ticket.next_queue, ticket.code) == (2, other, "A-001")
    assert DayCount.objects.get(queue=other, date=MONDAY).online == 1
    # The added service is booked for that day: a second booking of it is refused.
    with pytest.raises(QueueError, match="sudah memiliki pemesanan aktif"):
        services.book(citizen, other, MONDAY, datetime.time(10), now=at(7))
    with pytest.raises(QueueError, match="cukup dipilih satu kali"):
        services.add_service(ticket, other, user=citizen, now=at(7))
    services.cancel(ticket, user=citizen)
    assert DayCount.objects.get(queue=other, date=MONDAY).online == 0
    assert DayCount.objects.get(queue=queue, date=MONDAY).online == 0


def test_a_booking_with_two_services_is_checked_in_and_moves_on(
    queue, other, counter, officer, other_counter, other_officer
):
    citizen = CitizenFactory()
    ticket = services.book(citizen, queue, MONDAY, EIGHT, then=[other], now=at(7))
    services.check_in(ticket, user=officer, counter=counter, now=at(8))
    _serve(ticket, counter, officer, at(8, 1), at(8, 2), at(8, 20))
    ticket.refresh_from_db()
    assert (ticket.status, ticket.queue, ticket.lane) == ("waiting", other, 0)
    _serve(ticket, other_counter, other_officer, at(8, 21), at(8, 22), at(8, 30))
    ticket.refresh_from_db()
    assert ticket.status == "served"


def test_a_no_show_on_a_service_ends_the_visit(
    queue, other, kiosk, counter, officer, other_counter, other_officer
):
    ticket = services.issue_walk_in(kiosk, queue, then=[other], now=at(9))
    called = services.call_next(counter, officer=officer, now=at(9, 5))
    services.skip(called, counter, officer=officer)
    services.record_no_show(Ticket.objects.get(pk=ticket.pk), counter, officer=officer)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.leg) == ("no_show", 1)
    assert services.call_next(other_counter, officer=other_officer, now=at(9, 6)) is None
