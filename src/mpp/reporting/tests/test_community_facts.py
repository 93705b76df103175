"""Facts of the public space (issue 28): activities held, registrations, attendance, rooms approved
and community groups served — bumped with each change, equal to the recompute, drift reported."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from mpp.accounts.tests.factories import UserFactory
from mpp.activities import services as activity_services
from mpp.activities.tests.conftest import (  # noqa: F401 - the fixtures
    MONDAY,
    citizens,
    local,
    manager,
    mpp,
    publish,
)
from mpp.devices.models import DeviceKind
from mpp.devices.services import register_device
from mpp.reporting.facts import activities as activity_facts
from mpp.reporting.facts import rooms as room_facts
from mpp.reporting.models import DailyFact, MonthlyFact
from mpp.rooms import services as room_services
from mpp.rooms.tests.factories import MONDAY as ROOM_MONDAY
from mpp.rooms.tests.factories import ask, at, make_room, manager_of

pytestmark = pytest.mark.django_db


def _stored(prefix: str) -> dict:
    return {
        (row.day, row.region, row.mpp, row.agency, row.service, row.metric): row.value
        for row in DailyFact.objects.filter(metric__startswith=prefix)
        if row.value
    }


def _recomputed(source, start, end) -> dict:
    return {
        (key.day, *key.unit, key.metric): value
        for key, value in source.recompute(start, end).items()
    }


def test_activities_held_registrations_and_attendance_follow_each_change(mpp, manager, citizens):  # noqa: F811
    tuesday = MONDAY + datetime.timedelta(days=1)
    kept = publish(mpp, manager, local("2171", MONDAY, 10))
    moved = publish(mpp, manager, local("2171", MONDAY, 13))
    dropped = publish(mpp, manager, local("2171", MONDAY, 15))
    # Moved to Tuesday: held on Tuesday, no longer on Monday; cancelled: held on no day.
    activity_services.update_activity(
        manager, moved, activity_facts_data(moved, local("2171", tuesday, 13))
    )
    activity_services.cancel_activity(manager, dropped)
    registered_on = MONDAY - datetime.timedelta(days=2)
    tickets = [
        activity_services.register(kept, user=person, now=local("2171", registered_on, 9))
        for person in citizens
    ]
    door = register_device(mpp, DeviceKind.DOOR_SCANNER, "Pintu aula", actor=None).device
    for ticket in tickets[:2]:
        activity_services.check_in(ticket, device=door, now=local("2171", MONDAY, 10, 5))
    unit = ("2171", mpp.pk, None, None)
    assert _stored("activities.") == {
        (MONDAY, *unit, activity_facts.HELD): 1,
        (tuesday, *unit, activity_facts.HELD): 1,
        (registered_on, *unit, activity_facts.REGISTRATIONS): 3,
        (MONDAY, *unit, activity_facts.ATTENDED): 2,
    }
    assert _recomputed(activity_facts.source, registered_on, tuesday) == _stored("activities.")
    month = MonthlyFact.objects.get(metric=activity_facts.HELD, mpp=mpp.pk)
    assert month.value == 2


def activity_facts_data(activity, start):
    return activity_services.ActivityData(
        title=activity.title,
        description=activity.description,
        organiser=activity.organiser,
        category=activity.category,
        place=activity.place,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=activity.capacity,
    )


def test_a_refused_registration_counts_nothing(mpp, manager, citizens):  # noqa: F811
    activity = publish(mpp, manager, local("2171", MONDAY, 10))
    before = _stored("activities.")
    with pytest.raises(activity_services.ActivityError):
        activity_services.register(activity, user=citizens[0], now=local("2171", MONDAY, 11))
    assert _stored("activities.") == before


def test_rooms_count_approvals_and_each_group_once_per_mpp_like_the_recompute():
    room = make_room()
    room_manager = manager_of(room.mpp)
    decided = ROOM_MONDAY - datetime.timedelta(days=6)
    first = ask(room, group="Komunitas Literasi", starts=datetime.time(9), ends=datetime.time(10))
    again = ask(room, group="komunitas literasi ", starts=datetime.time(10), ends=datetime.time(11))
    other = ask(room, group="Karang Taruna", starts=datetime.time(13), ends=datetime.time(14))
    refused = ask(room, group="Sanggar Tari", starts=datetime.time(14), ends=datetime.time(15))
    room_services.decide(first, "approve", actor=room_manager, now=at(9, day=decided))
    room_services.decide(again, "approve", actor=room_manager, now=at(10, day=decided))
    room_services.decide(
        other, "approve_with_conditions", actor=room_manager, note="Bawa sendiri kursi.",
        now=at(9, day=decided + datetime.timedelta(days=1)),
    )  # fmt: skip
    room_services.decide(
        refused, "decline", actor=room_manager, note="Sedang renovasi.", now=at(11, day=decided)
    )
    # A cancelled approval stays counted: the figure is the manager's approvals.
    room_services.cancel(
        first, actor=room_manager, reason="Aula dipakai rapat darurat.", now=at(12, day=decided)
    )
    unit = (room.mpp.region_id, room.mpp_id, None, None)
    assert _stored("rooms.") == {
        (decided, *unit, room_facts.BOOKINGS_APPROVED): 2,
        (decided, *unit, room_facts.GROUPS_SERVED): 1,
        (decided + datetime.timedelta(days=1), *unit, room_facts.BOOKINGS_APPROVED): 1,
        (decided + datetime.timedelta(days=1), *unit, room_facts.GROUPS_SERVED): 1,
    }
    assert _recomputed(room_facts.source, decided, ROOM_MONDAY) == _stored("rooms.")
    # The same group at another MPP is a group served there too.
    elsewhere = make_room(name="Ruang Rapat")
    later = ask(elsewhere, UserFactory(), group="KOMUNITAS LITERASI")
    room_services.decide(later, "approve", actor=manager_of(elsewhere.mpp), now=at(9, day=decided))
    assert DailyFact.objects.get(mpp=elsewhere.mpp_id, metric=room_facts.GROUPS_SERVED).value == 1


def test_recompute_reports_drift_in_the_new_figures_and_fixes_it(mpp, manager):  # noqa: F811
    publish(mpp, manager, local("2171", MONDAY, 10))
    DailyFact.objects.filter(metric=activity_facts.HELD).update(value=5)
    day = MONDAY.isoformat()
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "recompute_facts", "--start", day, "--end", day, "--source", "activities", stdout=out
        )
    assert "activities.held" in out.getvalue() and "stored 5, recomputed 1" in out.getvalue()
    call_command(
        "recompute_facts", "--start", day, "--end", day, "--source", "activities", "--fix",
        stdout=StringIO(),
    )  # fmt: skip
    assert DailyFact.objects.get(metric=activity_facts.HELD).value == 1
    assert MonthlyFact.objects.get(metric=activity_facts.HELD).value == 1
