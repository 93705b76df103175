"""Queue reminders across time and zones (issue 23: "Besok: antrean …" was sent at 04.37 WIB on
the day of the slot). The eve reminder goes out on the local day before, 07.00–21.00 in the MPP's
own zone; the hour reminder an hour before; in WIB, WITA and WIT alike."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from mpp.catalog.tests.factories import AgencyFactory, MPPFactory, PublishedServiceFactory, region
from mpp.notifications.models import Notification
from mpp.queueing import services
from mpp.queueing.tests.conftest import MONDAY, make_queue, sweep

pytestmark = pytest.mark.django_db
SUNDAY = MONDAY - datetime.timedelta(days=1)
ZONES = {"2171": "Asia/Jakarta", "5171": "Asia/Makassar", "9171": "Asia/Jayapura"}


def local(code: str, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ZoneInfo(ZONES[code]))


@pytest.fixture(params=sorted(ZONES))
def place(request):
    mpp = MPPFactory(region=region(request.param))
    service = PublishedServiceFactory(mpp=mpp, agency=AgencyFactory(region=mpp.region))
    return request.param, make_queue(service)


def kinds(citizen) -> list[str]:
    return list(
        Notification.objects.filter(recipient=citizen).order_by("id").values_list("kind", flat=True)
    )


def test_the_eve_reminder_waits_for_the_morning_of_the_day_before(place, citizen):
    code, queue = place
    services.book(citizen, queue, MONDAY, datetime.time(10), now=local(code, SUNDAY, 6))
    assert sweep(now=local(code, SUNDAY, 6, 59))["reminded_day"] == 0
    assert sweep(now=local(code, SUNDAY, 7))["reminded_day"] == 1
    assert sweep(now=local(code, MONDAY, 9, 5))["reminded_hour"] == 1
    assert sorted(kinds(citizen)) == ["queue.reminder_day", "queue.reminder_hour"]


def test_no_tomorrow_reminder_on_the_day_itself(place, citizen):
    code, queue = place
    services.book(citizen, queue, MONDAY, datetime.time(10), now=local(code, MONDAY, 4, 30))
    counts = sweep(now=local(code, MONDAY, 4, 37))
    assert counts["reminded_day"] == 0 and counts["reminded_hour"] == 0
    assert sweep(now=local(code, MONDAY, 9, 1))["reminded_hour"] == 1
    assert kinds(citizen) == ["queue.reminder_hour"]


def test_no_reminder_at_night(place, citizen):
    code, queue = place
    services.book(citizen, queue, MONDAY, datetime.time(8), now=local(code, SUNDAY, 21, 30))
    assert sweep(now=local(code, SUNDAY, 21, 45))["reminded_day"] == 0
    assert sweep(now=local(code, SUNDAY, 23, 59))["reminded_day"] == 0
    assert sweep(now=local(code, MONDAY, 7, 5))["reminded_hour"] == 1


def test_the_eve_is_the_mpps_day_not_utc(place, citizen):
    """23.30 UTC on Saturday is 06.30 on Sunday in Batam (too early), 07.30 in Denpasar (WITA) and
    08.30 in Jayapura (WIT): the eve reminder goes out in the latter two only."""
    code, queue = place
    services.book(citizen, queue, MONDAY, datetime.time(10), now=local(code, SUNDAY, 6))
    saturday = SUNDAY - datetime.timedelta(days=1)
    utc = datetime.datetime.combine(saturday, datetime.time(23, 30), tzinfo=datetime.UTC)
    expected = {"2171": 0, "5171": 1, "9171": 1}[code]
    assert sweep(now=utc)["reminded_day"] == expected
