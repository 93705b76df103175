"""Booking, walk-in numbers, check-in and the counter console, as a citizen or officer sees them."""

from __future__ import annotations

import datetime

import pytest

from mpp.cases.tests.factories import CitizenFactory
from mpp.queueing import selectors, services
from mpp.queueing.models import QueueRules, Ticket
from mpp.queueing.services import QueueError
from mpp.queueing.tests.conftest import (
    MONDAY,
    at,
    filed_application,
    make_counter,
    make_queue,
    sweep,
)
from mpp.workflows.models import TransitionRecord

pytestmark = pytest.mark.django_db
EIGHT = datetime.time(8)


def test_booking_takes_an_online_place_and_the_app_shows_it(queue, citizen):
    ticket = services.book(citizen, queue, MONDAY, EIGHT, now=at(7))
    assert ticket.status == "booked" and ticket.code == "A-001" and len(ticket.booking_code) == 8
    slot = services.availability(queue, MONDAY, now=at(7))[0]
    assert (slot.starts, slot.online_free, slot.walk_in_free) == (EIGHT, 1, 2)
    # Mon–Fri 08.00–16.00 by default: 16 half-hour slots.
    assert len(services.availability(queue, MONDAY, now=at(7))) == 16


@pytest.mark.parametrize(
    ("day", "starts", "now", "message"),
    [
        (MONDAY, EIGHT, at(9), "sudah lewat"),
        (MONDAY - datetime.timedelta(days=1), EIGHT, at(7), "sudah lewat"),
        (datetime.date(2026, 12, 12), EIGHT, at(7), "MPP tutup"),  # Saturday without hours
        (datetime.date(2026, 12, 25), EIGHT, at(7, day=datetime.date(2026, 12, 20)), "MPP tutup"),
        (MONDAY, datetime.time(17), at(7), "di luar jam layanan"),
        (MONDAY, datetime.time(8, 10), at(7), "di luar jam layanan"),
    ],
)
def test_bad_bookings_are_refused_with_a_clear_message(queue, citizen, day, starts, now, message):
    with pytest.raises(QueueError, match=message):
        services.book(citizen, queue, day, starts, now=now)
    assert not Ticket.objects.exists()


def test_full_slot_and_second_booking_are_refused(queue, citizen):
    services.book(citizen, queue, MONDAY, EIGHT, now=at(7))
    with pytest.raises(QueueError, match="sudah memiliki pemesanan aktif"):
        services.book(citizen, queue, MONDAY, datetime.time(9), now=at(7))
    services.book(CitizenFactory(), queue, MONDAY, EIGHT, now=at(7))
    with pytest.raises(QueueError, match="Slot ini sudah penuh"):
        services.book(CitizenFactory(), queue, MONDAY, EIGHT, now=at(7))
    assert services.availability(queue, MONDAY, now=at(7))[0].bookable is False


def test_day_quota_counts_every_slot(citizen):
    queue = make_queue(online_per_day=1)
    services.book(citizen, queue, MONDAY, EIGHT, now=at(7))
    with pytest.raises(QueueError, match="Kuota pemesanan daring"):
        services.book(CitizenFactory(), queue, MONDAY, datetime.time(10), now=at(7))
    assert all(slot.online_free == 0 for slot in services.availability(queue, MONDAY, now=at(7)))


def test_cancel_gives_the_place_back_and_allows_a_new_booking(queue, citizen):
    ticket = services.book(citizen, queue, MONDAY, EIGHT, now=at(7))
    services.cancel(ticket, user=citizen)
    assert services.availability(queue, MONDAY, now=at(7))[0].online_free == 2
    again = services.book(citizen, queue, MONDAY, EIGHT, now=at(7))
    assert again.status == "booked"


def test_reschedule_moves_the_place(queue, citizen):
    ticket = services.book(citizen, queue, MONDAY, EIGHT, now=at(7))
    services.reschedule(ticket, MONDAY, datetime.time(10), user=citizen, now=at(7))
    slots = {slot.starts: slot for slot in services.availability(queue, MONDAY, now=at(7))}
    assert slots[EIGHT].online_free == 2 and slots[datetime.time(10)].online_free == 1
    ticket.refresh_from_db()
    assert ticket.slot_starts == datetime.time(10)
    assert TransitionRecord.objects.filter(action="reschedule", object_id=str(ticket.pk)).exists()


def test_no_show_rule_is_off_by_default_and_suspends_when_set(queue, citizen):
    missed = services.book(citizen, queue, MONDAY, EIGHT, now=at(7))
    counts = services.sweep(now=at(9, day=MONDAY + datetime.timedelta(days=1)))
    assert counts["no_show"] == 1
    missed.refresh_from_db()
    assert missed.status == "no_show"
    tuesday = MONDAY + datetime.timedelta(days=1)
    services.book(citizen, queue, tuesday, datetime.time(14), now=at(9, day=tuesday))
    QueueRules.objects.create(mpp=queue.mpp, no_show_limit=1, no_show_days=30)
    with pytest.raises(QueueError, match="ditangguhkan"):
        services.book(
            citizen, queue, tuesday + datetime.timedelta(days=1), EIGHT, now=at(9, day=tuesday)
        )


def test_walk_in_quota_and_online_quota_are_separate(queue, citizen, kiosk):
    for _ in range(2):
        services.book(CitizenFactory(), queue, MONDAY, datetime.time(9), now=at(7))
    # The 09.00 slot is full online, yet walk-ins at 09.10 still get their own places.
    first = services.issue_walk_in(kiosk, queue, now=at(9, 10))
    services.issue_walk_in(kiosk, queue, now=at(9, 11))
    assert first.code == "A-003" and first.status == "waiting"
    with pytest.raises(QueueError, match="jam ini sudah habis"):
        services.issue_walk_in(kiosk, queue, now=at(9, 12))
    # Walk-ins using up their places leave the online places of later slots untouched.
    slots = {slot.starts: slot for slot in services.availability(queue, MONDAY, now=at(9, 12))}
    assert slots[datetime.time(9)].walk_in_free == 0
    assert slots[datetime.time(10)].online_free == 2


def test_walk_in_refused_when_closed(queue, kiosk):
    with pytest.raises(QueueError, match="sudah tutup hari ini"):
        services.issue_walk_in(kiosk, queue, now=at(17))


def test_check_in_on_time_and_late(queue, kiosk, officer):
    on_time = services.book(CitizenFactory(), queue, MONDAY, datetime.time(9), now=at(7))
    late = services.book(CitizenFactory(), queue, MONDAY, EIGHT, now=at(7))
    walk_in = services.issue_walk_in(kiosk, queue, now=at(8, 20))
    services.check_in(on_time, now=at(8, 50), user=None, kinds=("kiosk",))
    # 08.00 slot, 15 minutes' grace: at 08.40 the citizen joins the walk-in line.
    services.check_in(late, now=at(8, 40), user=None, kinds=("kiosk",))
    counter = make_counter(queue)
    order = []
    for minute in range(3):
        ticket = services.call_next(counter, officer=officer, now=at(9, minute))
        order.append(ticket.code)
        services.start(ticket, counter, officer=officer, now=at(9, minute))
        services.finish(
            ticket,
            counter,
            officer=officer,
            now=at(
                9,
                minute,
            ),
        )
    assert order == [on_time.code, walk_in.code, late.code]


def test_check_in_other_day_is_refused(queue, citizen, counter, officer):
    ticket = services.book(citizen, queue, MONDAY + datetime.timedelta(days=1), EIGHT, now=at(7))
    with pytest.raises(QueueError, match="bukan hari ini"):
        services.check_in(ticket, user=officer, counter=counter, now=at(8))
    with pytest.raises(QueueError, match="tidak ditemukan"):
        services.find_booking(queue.mpp, "ZZZZZZZZ")
    assert services.find_booking(queue.mpp, ticket.booking_code.lower()) == ticket


def test_priority_is_called_first_then_bookings_then_walk_ins(queue, kiosk, counter, officer):
    plain = services.issue_walk_in(kiosk, queue, now=at(9, 0))
    booking = services.book(CitizenFactory(), queue, MONDAY, datetime.time(9, 30), now=at(7))
    services.check_in(booking, now=at(9, 5), kinds=("kiosk",))
    elderly = services.issue_walk_in(kiosk, queue, priority_group="lansia", now=at(9, 10))
    called = []
    while (ticket := services.call_next(counter, officer=officer, now=at(9, 20))) is not None:
        called.append(ticket.code)
        services.skip(ticket, counter, officer=officer)
    assert called == [elderly.code, booking.code, plain.code]


def test_a_counter_calls_nobody_while_its_citizen_is_called_or_served(
    queue, kiosk, counter, officer
):
    first = services.issue_walk_in(kiosk, queue, now=at(9))
    second = services.issue_walk_in(kiosk, queue, now=at(9, 1))
    other_counter = make_counter(queue, 2)
    first = services.call_next(counter, officer=officer, now=at(9, 5))
    assert first.code == "A-001"
    for step in (None, services.start):
        if step:
            step(first, counter, officer=officer, now=at(9, 6))
        with pytest.raises(QueueError, match="terlebih dahulu") as refused:
            services.call_next(counter, officer=officer, now=at(9, 7))
        assert refused.value.status == 409
        second.refresh_from_db()
        assert second.status == "waiting"
    # Another counter is free: it calls the one waiting.
    assert services.call_next(other_counter, officer=officer, now=at(9, 8)) == second
    services.finish(first, counter, officer=officer, now=at(9, 9))
    assert services.call_next(counter, officer=officer, now=at(9, 10)) is None
    call = TransitionRecord.objects.get(
        workflow="queue_ticket", object_id=str(first.pk), action="call"
    )
    assert (call.mpp_id, call.region_id) == (queue.mpp_id, queue.mpp.region_id)
    assert call.data == {"counter": counter.number}


def test_console_lifecycle_records_history_and_skm_subject(queue, kiosk, counter, officer):
    ticket = services.issue_walk_in(kiosk, queue, now=at(9))
    assert selectors.estimate(queue, ticket=ticket, now=at(9)).ahead == 0
    called = services.call_next(counter, officer=officer, now=at(9, 5))
    with pytest.raises(QueueError, match="terlebih dahulu"):
        services.call_next(counter, officer=officer, now=at(9, 6))
    services.recall(called, counter, officer=officer, now=at(9, 6))
    services.start(called, counter, officer=officer, now=at(9, 7))
    filed_application(queue, "2171-2026-0001")
    services.finish(
        called, counter, officer=officer, application_ref="2171-2026-0001", now=at(9, 19)
    )
    called.refresh_from_db()
    assert called.status == "served" and called.application_ref == "2171-2026-0001"
    actions = list(
        TransitionRecord.objects.filter(
            workflow="queue_ticket", object_id=str(ticket.pk)
        ).values_list("action", flat=True)
    )
    assert actions == ["call", "recall", "start", "finish"]
    subject = called.skm_subject()
    assert subject["officer_id"] == officer.pk and subject["mpp_id"] == queue.mpp_id
    assert subject["finished_at"] == at(9, 19)
    # Today's service took 12 minutes: the next walk-in waits 12 minutes per person ahead.
    services.issue_walk_in(kiosk, queue, now=at(9, 31))
    services.issue_walk_in(kiosk, queue, now=at(9, 32))
    assert selectors.estimate(queue, now=at(9, 33)) == selectors.Estimate(2, 24)
    stats = selectors.statistics(officer, queue.mpp, MONDAY, MONDAY)
    assert stats["by_counter"] == []  # an officer oversees nothing


def test_the_walk_in_wait_is_shared_by_the_active_counters_only(queue, kiosk, counter):
    other = make_queue(beside=queue, prefix="B")
    make_counter(queue, 2)
    closed = make_counter(queue, 3)
    closed.is_active = False
    closed.save()
    make_counter(other, 4)  # serves another service: no help for this line
    services.issue_walk_in(kiosk, queue, now=at(9, 1))
    services.issue_walk_in(kiosk, queue, now=at(9, 2))
    # Two waiting, ten minutes each (nothing served yet), two open counters: ten minutes.
    assert selectors.estimate(queue, now=at(9, 3)) == selectors.Estimate(2, 10)


def test_transfer_to_another_service_keeps_the_place(queue, kiosk, counter, officer):
    other = make_queue(beside=queue, prefix="B")
    other_counter = make_counter(other, 2)
    early = services.issue_walk_in(kiosk, queue, now=at(9))
    services.issue_walk_in(kiosk, other, now=at(9, 1))
    ticket = services.call_next(counter, officer=officer, now=at(9, 2))
    services.transfer(ticket, counter, officer=officer, to_queue=other)
    again = services.call_next(other_counter, officer=officer, now=at(9, 3))
    assert again == early and again.code == "A-001"
    with pytest.raises(QueueError, match="Pilih loket atau layanan"):
        services.transfer(again, other_counter, officer=officer)


def test_wrong_service_booking_moves_the_same_day(queue, citizen, counter, officer):
    other = make_queue(beside=queue, prefix="B")
    ticket = services.book(citizen, queue, MONDAY, datetime.time(10), now=at(7))
    moved = services.move_service(ticket, other, officer=officer, counter=counter, now=at(9))
    assert moved.service_id == other.service_id and moved.code == "B-001"
    slots = {s.starts: s for s in services.availability(queue, MONDAY, now=at(9))}
    assert slots[datetime.time(10)].online_free == 2
    services.check_in(moved, user=officer, counter=counter, now=at(9, 55))
    assert services.call_next(make_counter(other, 2), officer=officer, now=at(10)) == moved


def test_reminders_are_sent_once(queue, citizen):
    from mpp.notifications.models import Notification

    services.book(
        citizen,
        queue,
        MONDAY,
        datetime.time(10),
        now=at(7, day=MONDAY - datetime.timedelta(days=3)),
    )
    assert sweep(now=at(11, day=MONDAY - datetime.timedelta(days=1)))["reminded_day"] == 1
    assert sweep(now=at(11, day=MONDAY - datetime.timedelta(days=1)))["reminded_day"] == 0
    assert sweep(now=at(9, 5))["reminded_hour"] == 1
    assert sweep(now=at(9, 10))["reminded_hour"] == 0
    kinds = list(Notification.objects.filter(recipient=citizen).values_list("kind", flat=True))
    assert sorted(kinds) == ["queue.reminder_day", "queue.reminder_hour"]


def test_one_active_booking_is_a_database_constraint(queue, citizen):
    from django.db import IntegrityError, transaction

    ticket = services.book(citizen, queue, MONDAY, EIGHT, now=at(7))
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.create(
            mpp=ticket.mpp, agency=ticket.agency, service=ticket.service, queue=queue,
            channel="online", date=MONDAY, number=99, code="A-099", citizen=citizen,
            booking_code="XXXXXXXX", token="t" * 40, status="booked",
        )  # fmt: skip


def test_call_next_costs_a_fixed_number_of_queries(
    queue, kiosk, counter, officer, django_assert_max_num_queries
):
    for minute in range(2):
        services.issue_walk_in(kiosk, queue, now=at(9, minute))
    first = services.call_next(counter, officer=officer, now=at(9, 5))
    services.skip(first, counter, officer=officer)
    counter = type(counter).objects.select_related("mpp__region").get(pk=counter.pk)
    # The counter's queues, the pick (which also asks whether the counter is free), the ticket's
    # update, its history row and the call for the hall display, and the savepoint pair of the
    # call's transaction inside the test's own (none in a request): nothing else.
    with django_assert_max_num_queries(7):
        services.call_next(counter, officer=officer, now=at(9, 6))
