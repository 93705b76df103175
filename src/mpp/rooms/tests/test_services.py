"""Room bookings from the services' side: a request, the manager's decision, no double booking,
withdrawal, cancellation with notice, the decision clock and its escalation."""

from __future__ import annotations

import datetime

import pytest

from mpp.cases.tests.factories import CitizenFactory, StaffFactory
from mpp.catalog.tests.factories import MPPFactory
from mpp.deadlines.services import sweep
from mpp.notifications.models import Notification
from mpp.rooms import selectors, services
from mpp.rooms.models import RoomSlot
from mpp.rooms.services import RoomError
from mpp.rooms.tests.factories import MONDAY, ask, at, make_room, manager_of
from mpp.tenancy.models import OpeningHours

pytestmark = pytest.mark.django_db
REQUESTED_AT = at(8, day=MONDAY - datetime.timedelta(days=7))  # Monday 7 December 2026


def kinds_sent(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_request_waits_for_the_manager_who_is_told(django_capture_on_commit_callbacks):
    room = make_room()
    manager = manager_of(room.mpp)
    with django_capture_on_commit_callbacks(execute=True):
        booking = ask(room)
    assert booking.status == "requested"
    assert booking.starts_at == at(9) and booking.ends_at == at(11)
    # Three working days of Kota Batam from Monday 7 December: the end of Thursday 10 December.
    assert booking.due_at.astimezone(at(0).tzinfo).date() == datetime.date(2026, 12, 10)
    assert kinds_sent(manager) == ["rooms.requested"]


def test_approval_with_a_condition_holds_the_slots_and_tells_the_requester(
    django_capture_on_commit_callbacks,
):
    room = make_room()
    manager = manager_of(room.mpp)
    citizen = CitizenFactory()
    booking = ask(room, citizen)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(
            booking, "approve_with_conditions", actor=manager,
            note="Bawa petugas kebersihan sendiri.", now=REQUESTED_AT,
        )  # fmt: skip
    booking.refresh_from_db()
    assert booking.status == "approved_with_conditions"
    assert booking.conditions == "Bawa petugas kebersihan sendiri."
    assert booking.clock_stopped_at == REQUESTED_AT
    assert RoomSlot.objects.filter(booking=booking).count() == 4  # 09.00–11.00 in half hours
    notice = Notification.objects.get(recipient=citizen, kind="rooms.decided")
    assert notice.context["note"] == "Bawa petugas kebersihan sendiri."


def test_a_condition_or_a_refusal_needs_its_text():
    room = make_room()
    manager = manager_of(room.mpp)
    booking = ask(room)
    for action in ("approve_with_conditions", "decline"):
        with pytest.raises(RoomError):
            services.decide(booking, action, actor=manager, note="  ", now=REQUESTED_AT)
    booking.refresh_from_db()
    assert booking.status == "requested"


def test_a_taken_slot_refuses_a_new_request_and_an_overlapping_approval():
    room = make_room()
    manager = manager_of(room.mpp)
    first = ask(room, group="Komunitas A")
    second = ask(room, group="Komunitas B", starts=datetime.time(10), ends=datetime.time(12))
    services.decide(first, "approve", actor=manager, now=REQUESTED_AT)
    with pytest.raises(RoomError) as refused:
        ask(room, group="Komunitas C", starts=datetime.time(10, 30), ends=datetime.time(11, 30))
    assert refused.value.status == 409
    assert "sudah dipakai" in refused.value.errors["starts"][0]
    with pytest.raises(RoomError) as overlapping:
        services.decide(second, "approve", actor=manager, now=REQUESTED_AT)
    assert overlapping.value.status == 409
    second.refresh_from_db()
    assert second.status == "requested"
    assert not RoomSlot.objects.filter(booking=second).exists()
    # Right after the first booking, the room is free.
    ask(room, group="Komunitas D", starts=datetime.time(11), ends=datetime.time(12))


def test_a_request_outside_the_mpps_hours_or_capacity_is_refused_with_its_reason():
    room = make_room(capacity=50)
    OpeningHours.objects.create(
        mpp=room.mpp, weekday=0, opens=datetime.time(8), closes=datetime.time(15)
    )
    cases = [
        ({"starts": datetime.time(14), "ends": datetime.time(16)}, "starts", "jam buka MPP"),
        ({"day": MONDAY + datetime.timedelta(days=1)}, "day", "MPP tutup"),  # no Tuesday hours
        ({"attendance": 51}, "attendance", "Kapasitas ruang ini 50 orang"),
        ({"starts": datetime.time(11), "ends": datetime.time(10)}, "ends", "sesudah waktu mulai"),
        ({"day": MONDAY - datetime.timedelta(days=14)}, "day", "belum lewat"),
    ]
    for values, field, message in cases:
        with pytest.raises(RoomError) as refused:
            ask(room, **values)
        assert message in refused.value.errors.get(field, [""])[0], (values, refused.value.message)
    assert not room.mpp.opening_hours.filter(weekday=1).exists()


def test_only_the_mpps_manager_decides_and_only_the_requester_withdraws():
    room = make_room()
    citizen = CitizenFactory()
    booking = ask(room, citizen)
    other_manager = manager_of(MPPFactory())
    for actor in (other_manager, StaffFactory(), CitizenFactory(), citizen):
        with pytest.raises(RoomError) as refused:
            services.decide(booking, "approve", actor=actor, now=REQUESTED_AT)
        assert refused.value.status == 403
    with pytest.raises(RoomError):
        services.withdraw(booking, actor=manager_of(room.mpp))
    services.withdraw(booking, actor=citizen, now=REQUESTED_AT)
    booking.refresh_from_db()
    assert booking.status == "withdrawn"


@pytest.mark.parametrize("side", ["requester", "manager"])
def test_either_side_cancels_with_a_reason_and_the_other_side_is_told(
    side, django_capture_on_commit_callbacks
):
    room = make_room()
    manager = manager_of(room.mpp)
    citizen = CitizenFactory()
    booking = ask(room, citizen)
    services.decide(booking, "approve", actor=manager, now=REQUESTED_AT)
    actor, other = (citizen, manager) if side == "requester" else (manager, citizen)
    with pytest.raises(RoomError):
        services.cancel(booking, actor=actor, reason=" ", now=REQUESTED_AT)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(booking, actor=actor, reason="Gedung dipakai upacara.", now=REQUESTED_AT)
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert booking.cancelled_by_manager is (side == "manager")
    assert not RoomSlot.objects.filter(room=room).exists()
    assert "rooms.cancelled" in kinds_sent(other)
    assert "rooms.cancelled" not in kinds_sent(actor)
    ask(room, group="Komunitas Lain")  # the slot is free again


def test_a_missed_decision_is_escalated_once_to_the_manager_and_the_regional_admin(
    django_capture_on_commit_callbacks,
):
    from mpp.accounts.models import Role, RoleGrant

    room = make_room()
    manager = manager_of(room.mpp)
    regional = StaffFactory()
    RoleGrant.objects.create(user=regional, role=Role.REGIONAL_ADMIN, region=room.mpp.region)
    booking = ask(room)
    before = booking.due_at - datetime.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        sweep(before)
    booking.refresh_from_db()
    assert booking.escalated_at is None and "rooms.overdue" not in kinds_sent(manager)
    after = booking.due_at + datetime.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        sweep(after)
        sweep(after + datetime.timedelta(hours=1))
    booking.refresh_from_db()
    assert booking.escalated_at == after and booking.breached_at is not None
    assert kinds_sent(manager).count("rooms.overdue") == 1
    assert kinds_sent(regional) == ["rooms.overdue"]
    # Still decidable after the escalation.
    services.decide(booking, "approve", actor=manager, now=after)


def test_public_bookings_are_the_approved_public_ones_without_the_requester():
    room = make_room()
    manager = manager_of(room.mpp)
    public = ask(room, group="Komunitas Terbuka")
    private = ask(
        room,
        group="Rapat Tertutup",
        is_public=False,
        starts=datetime.time(13),
        ends=datetime.time(14),
    )
    pending = ask(room, group="Belum Diputuskan", starts=datetime.time(14), ends=datetime.time(15))
    for booking in (public, private):
        services.decide(booking, "approve", actor=manager, now=REQUESTED_AT)
    rows = selectors.public_bookings(room.mpp, at(0), at(23))
    assert [(row.group_name, row.room_name, row.starts_at) for row in rows] == [
        ("Komunitas Terbuka", "Aula", at(9))
    ]
    assert pending.status == "requested"
    assert selectors.public_bookings(room.mpp, at(11), at(12)) == []
    assert selectors.public_bookings(MPPFactory(), at(0), at(23)) == []


def test_the_manager_edits_a_room_and_a_taken_name_is_refused():
    room = make_room()
    manager = manager_of(room.mpp)
    make_room(room.mpp, name="Ruang Rapat")
    data = services.RoomData(name="Aula Utama", kind="hall", capacity=60, facilities="Proyektor")
    services.update_room(room, data, actor=manager)
    room.refresh_from_db()
    assert (room.name, room.capacity, room.facility_lines()) == ("Aula Utama", 60, ["Proyektor"])
    with pytest.raises(RoomError) as taken:
        services.update_room(
            room, services.RoomData(name="Ruang Rapat", kind="hall", capacity=60), actor=manager
        )
    assert "name" in taken.value.errors
    with pytest.raises(RoomError) as refused:
        services.update_room(room, data, actor=StaffFactory())
    assert refused.value.status == 403


def test_a_room_taken_out_of_use_declines_its_pending_requests_with_the_reason(
    django_capture_on_commit_callbacks,
):
    room = make_room()
    manager = manager_of(room.mpp)
    citizen = CitizenFactory()
    pending = ask(room, citizen)
    approved = ask(room, starts=datetime.time(13), ends=datetime.time(14))
    services.decide(approved, "approve", actor=manager, now=REQUESTED_AT)
    with pytest.raises(RoomError) as no_reason:
        services.set_room_active(room, False, actor=manager, reason=" ")
    assert "reason" in no_reason.value.errors
    with django_capture_on_commit_callbacks(execute=True):
        services.set_room_active(
            room, False, actor=manager, reason="Atap bocor, sedang diperbaiki."
        )
    pending.refresh_from_db()
    approved.refresh_from_db()
    assert pending.status == "declined"
    assert "Atap bocor, sedang diperbaiki." in pending.decision_reason
    assert approved.status == "approved"  # the manager cancels approved ones one by one
    notice = Notification.objects.get(recipient=citizen, kind="rooms.decided")
    assert "Atap bocor" in notice.context["note"]
    with pytest.raises(RoomError) as closed:
        ask(room, starts=datetime.time(15), ends=datetime.time(16))
    assert closed.value.status == 409
    services.set_room_active(room, True, actor=manager)
    assert ask(room, starts=datetime.time(15), ends=datetime.time(16)).status == "requested"


def test_a_request_whose_time_came_without_a_decision_is_declined_by_the_sweep(
    django_capture_on_commit_callbacks,
):
    room = make_room()
    manager_of(room.mpp)
    citizen = CitizenFactory()
    started = ask(room, citizen)
    later = ask(room, starts=datetime.time(13), ends=datetime.time(14))
    with django_capture_on_commit_callbacks(execute=True):
        report = sweep(now=at(9, 30))
    assert report.steps["rooms.booking"]["declined"] == 1
    started.refresh_from_db()
    later.refresh_from_db()
    assert started.status == "declined" and later.status == "requested"
    assert "sebelum pengelola memutuskan" in started.decision_reason
    assert started.clock_stopped_at == at(9, 30)
    notice = Notification.objects.get(recipient=citizen, kind="rooms.decided")
    assert notice.context["action"] == "expire"
    # Idempotent: a second sweep declines nothing more.
    assert sweep(now=at(9, 45)).steps["rooms.booking"]["declined"] == 0
