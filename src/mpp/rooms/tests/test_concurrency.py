"""No double booking under real concurrency: threads with their own PostgreSQL connections and
transactions race for the same room at the same time."""

from __future__ import annotations

import datetime

from tests.concurrency import RACE, at_once

from mpp.cases.tests.factories import CitizenFactory
from mpp.rooms import services
from mpp.rooms.models import Booking, RoomSlot
from mpp.rooms.services import RoomError
from mpp.rooms.tests.factories import MONDAY, ask, at, make_room, manager_of

pytestmark = RACE
NOW = at(8, day=MONDAY - datetime.timedelta(days=7))
ROUNDS = 8


def _outcome(call):
    try:
        call()
    except RoomError as error:
        assert error.status == 409 and "sudah dipakai" in error.message
        return "refused"
    return "approved"


def _request_and_approve(room, citizen, group, starts, ends, manager):
    """One community asks for the room and the manager approves at once: approved or refused."""

    def call():
        booking = ask(room, citizen, group=group, starts=starts, ends=ends, now=NOW)
        services.decide(booking, "approve", actor=manager, now=NOW)

    return lambda: _outcome(call)


def test_two_communities_asking_for_the_same_slot_at_once_end_with_exactly_one_approved():
    room = make_room()
    manager = manager_of(room.mpp)
    communities = [CitizenFactory(), CitizenFactory()]
    for round_ in range(ROUNDS):
        starts, ends = datetime.time(8 + round_), datetime.time(9 + round_)
        contenders = [
            _request_and_approve(room, communities[0], "Komunitas Literasi", starts, ends, manager),
            _request_and_approve(room, communities[1], "Karang Taruna", starts, ends, manager),
        ]
        results, errors = at_once(lambda contender: contender(), contenders)
        assert errors == []
        assert sorted(results) == ["approved", "refused"]
    approved = Booking.objects.filter(room=room, status="approved")
    assert approved.count() == ROUNDS
    assert RoomSlot.objects.filter(room=room).count() == ROUNDS * 2


def test_two_managers_approving_overlapping_requests_at_once_approve_exactly_one():
    room = make_room()
    managers = [manager_of(room.mpp), manager_of(room.mpp)]
    for round_ in range(ROUNDS):
        day = MONDAY + datetime.timedelta(days=7 * (round_ + 1))
        first = ask(room, group="Komunitas A", day=day, now=NOW)
        second = ask(room, group="Komunitas B", day=day, starts=datetime.time(10),
                     ends=datetime.time(12), now=NOW)  # fmt: skip

        def approve(booking, manager):
            return lambda: _outcome(
                lambda: services.decide(booking, "approve", actor=manager, now=NOW)
            )

        contenders = [approve(first, managers[0]), approve(second, managers[1])]
        results, errors = at_once(lambda contender: contender(), contenders)
        assert errors == []
        assert sorted(results) == ["approved", "refused"]
        statuses = sorted(Booking.objects.filter(pk__in=[first.pk, second.pk])
                          .values_list("status", flat=True))  # fmt: skip
        assert statuses == ["approved", "requested"]
