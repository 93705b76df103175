"""The activities programme's rules, as a participant, an organiser and the door notice them."""

from __future__ import annotations

import datetime

import pytest
from django.test import TestCase

from mpp.accounts.models import Role
from mpp.accounts.tests.factories import staff
from mpp.activities import services
from mpp.activities.models import Registration
from mpp.activities.services import ActivityError
from mpp.activities.tests.conftest import MONDAY, SATURDAY, SUNDAY, ZONES, local, publish
from mpp.catalog.tests.factories import AgencyFactory, AgencyPresenceFactory, MPPFactory, region
from mpp.deadlines.services import sweep
from mpp.devices.models import DeviceKind
from mpp.devices.services import register_device
from mpp.notifications.models import Notification

pytestmark = pytest.mark.django_db


def kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def door_scanner(mpp):
    return register_device(mpp, DeviceKind.DOOR_SCANNER, "Pintu aula", actor=None).device


def test_a_cancelled_seat_goes_to_the_first_on_the_waiting_list(mpp, manager, citizens):
    first, second, third = citizens
    start = local("2171", MONDAY, 10)
    now = start - datetime.timedelta(days=3)
    activity = publish(mpp, manager, start, capacity=1)
    seat = services.register(activity, user=first, now=now)
    waiting = services.register(activity, user=second, now=now)
    later = services.register(activity, user=third, now=now)
    assert (seat.status, waiting.status, later.status) == ("registered", "waitlisted", "waitlisted")

    services.cancel_registration(seat, user=first, now=now)

    statuses = dict(Registration.objects.values_list("user_id", "status"))
    assert statuses == {first.pk: "cancelled", second.pk: "registered", third.pk: "waitlisted"}
    assert kinds(second) == ["activities.promoted", "activities.waitlisted"]
    moved = Registration.objects.get(user=second)
    assert moved.due_at == local("2171", SUNDAY, 8)  # its reminder is set when it moves up


def test_cancelling_an_activity_tells_everyone_who_holds_or_awaits_a_seat(mpp, manager, citizens):
    seated, waiting, gone = citizens
    start = local("2171", MONDAY, 10)
    now = start - datetime.timedelta(days=3)
    activity = publish(mpp, manager, start, capacity=1)
    services.register(activity, user=seated, now=now)
    services.register(activity, user=waiting, now=now)
    left = services.register(activity, user=gone, now=now)
    services.cancel_registration(left, user=gone, now=now)

    services.cancel_activity(manager, activity)
    services.cancel_activity(manager, activity)  # a second press tells nobody again

    assert kinds(seated) == ["activities.cancelled", "activities.registered"]
    assert kinds(waiting) == ["activities.cancelled", "activities.waitlisted"]
    assert "activities.cancelled" not in kinds(gone)
    message = Notification.objects.get(recipient=seated, kind="activities.cancelled")
    assert message.context["time"].endswith("10.00 WIB")
    assert run_sweep(local("2171", SUNDAY, 9)) == 0  # and no reminder the day before


def test_an_account_registers_once(mpp, manager, citizens):
    start = local("2171", MONDAY, 10)
    activity = publish(mpp, manager, start)
    services.register(activity, user=citizens[0], now=start - datetime.timedelta(days=1))
    with pytest.raises(ActivityError) as error:
        services.register(activity, user=citizens[0], now=start - datetime.timedelta(days=1))
    assert error.value.status == 409
    assert Registration.objects.count() == 1


@pytest.fixture(params=sorted(ZONES))
def place(request):
    code = request.param
    mpp = MPPFactory(region=region(code))
    return code, mpp, staff(Role.MPP_MANAGER, mpp=mpp)


def run_sweep(now):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return sweep(now=now).steps["activities.registration"]["reminded"]


def test_the_reminder_goes_out_on_the_local_day_before(place, citizens):
    code, mpp, manager = place
    activity = publish(mpp, manager, local(code, MONDAY, 10))
    services.register(activity, user=citizens[0], now=local(code, SATURDAY, 12))
    assert run_sweep(local(code, SUNDAY, 7, 59)) == 0
    assert run_sweep(local(code, SUNDAY, 8, 1)) == 1
    assert run_sweep(local(code, SUNDAY, 9)) == 0  # once
    assert kinds(citizens[0]) == ["activities.registered", "activities.reminder"]
    message = Notification.objects.get(recipient=citizens[0], kind="activities.reminder")
    zone = {"2171": "WIB", "5171": "WITA", "9171": "WIT"}[code]
    assert message.context["time"].endswith(f"10.00 {zone}")


def test_no_reminder_for_an_activity_of_the_same_day_nor_after_cancelling(place, citizens):
    code, mpp, manager = place
    activity = publish(mpp, manager, local(code, MONDAY, 15))
    services.register(activity, user=citizens[0], now=local(code, MONDAY, 7))
    gone = services.register(activity, user=citizens[1], now=local(code, SATURDAY, 7))
    services.cancel_registration(gone, user=citizens[1], now=local(code, SATURDAY, 8))
    assert run_sweep(local(code, SUNDAY, 12)) == 0
    assert run_sweep(local(code, MONDAY, 12)) == 0
    assert "activities.reminder" not in kinds(citizens[0]) + kinds(citizens[1])


def test_the_door_lets_a_ticket_in_once_and_only_at_its_mpp(mpp, manager, citizens):
    start = local("2171", MONDAY, 10)
    activity = publish(mpp, manager, start)
    registration = services.register(
        activity, user=citizens[0], now=start - datetime.timedelta(days=2)
    )
    elsewhere = door_scanner(MPPFactory(region=mpp.region))
    with pytest.raises(ActivityError) as refused:
        services.check_in(registration, device=elsewhere, now=start)
    assert refused.value.status == 403
    here = door_scanner(mpp)
    with pytest.raises(ActivityError, match="satu jam sebelum"):
        services.check_in(registration, device=here, now=start - datetime.timedelta(hours=2))
    services.check_in(registration, device=here, now=start + datetime.timedelta(minutes=5))
    registration.refresh_from_db()
    assert registration.status == "attended" and registration.attended_at is not None
    with pytest.raises(ActivityError, match="sudah dipakai"):
        services.check_in(registration, device=here, now=start + datetime.timedelta(minutes=6))


def test_an_agency_admin_manages_only_its_own_agencys_activities(mpp, manager):
    agency = AgencyFactory(region=mpp.region)
    AgencyPresenceFactory(agency=agency, mpp=mpp)
    admin = staff(Role.AGENCY_ADMIN, agency=agency)
    start = local("2171", MONDAY, 10)
    own = publish(mpp, admin, start, agency=agency)
    assert own.agency == agency
    with pytest.raises(ActivityError) as refused:
        publish(mpp, admin, start)  # an activity of the MPP itself
    assert refused.value.status == 403
    other_manager = staff(Role.MPP_MANAGER, mpp=MPPFactory(region=mpp.region))
    with pytest.raises(ActivityError):
        services.cancel_activity(other_manager, own)
    services.cancel_activity(manager, own)  # the MPP's manager manages every activity there


def test_satisfaction_is_asked_once_after_attending(mpp, manager, citizens):
    start = local("2171", MONDAY, 10)
    activity = publish(mpp, manager, start)
    registration = services.register(
        activity, user=citizens[0], now=start - datetime.timedelta(days=1)
    )
    with pytest.raises(ActivityError):
        services.answer_satisfaction(registration, 4, now=start + datetime.timedelta(hours=3))
    services.check_in(registration, user=manager, now=start)
    services.answer_satisfaction(registration, 4, now=start + datetime.timedelta(hours=3))
    with pytest.raises(ActivityError):
        services.answer_satisfaction(registration, 3, now=start + datetime.timedelta(hours=3))
    from mpp.activities.selectors import attendance

    figures = attendance(activity)
    assert figures["attended"] == 1 and figures["satisfaction"] == 4 and figures["rate"] == 100


def test_no_ticket_link_looks_like_a_nik_and_older_codes_still_open(settings):
    """A notification refuses a link with sixteen digits in a row (a possible NIK): with the hash
    in hexadecimal, about one registration in 370 failed on its own ticket link."""
    from mpp.activities import tickets
    from mpp.notifications.services import NIK_LIKE

    settings.SECRET_KEY = "a fixed key, so that the same codes are checked every run"
    numbers = [f"K{index:07d}" for index in range(3000)]
    hex_codes = [f"{n}-{tickets._hex_mac(n)}" for n in numbers]
    assert any(NIK_LIKE.search(code) for code in hex_codes)  # the defect, reproduced
    assert not [n for n in numbers if NIK_LIKE.search(services.ticket_code(n))]
    assert [tickets.number_of(code) for code in hex_codes[:50]] == numbers[:50]
    assert [tickets.number_of(tickets.ticket_code(n)) for n in numbers[:50]] == numbers[:50]
    assert tickets.number_of(hex_codes[0][:-1] + "x") is None
