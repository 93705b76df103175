"""Fair booking (issue 22, item 9): caps on active future bookings, verified accounts only, and
the walk-in places of a day untouched by online hoarding."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from mpp.accounts import services as account_services
from mpp.cases.tests.factories import CitizenFactory
from mpp.queueing import services
from mpp.queueing.models import DayCount, ServiceQueue, Ticket
from mpp.queueing.services import QueueError
from mpp.queueing.tests.conftest import MONDAY, at, make_queue

pytestmark = pytest.mark.django_db

EIGHT = datetime.time(8)


def day(n: int) -> datetime.date:
    return MONDAY + datetime.timedelta(days=n)


def test_an_unverified_account_cannot_book_online(queue):
    citizen = CitizenFactory(email_verified_at=None)
    with pytest.raises(QueueError, match="surel terverifikasi") as refused:
        services.book(citizen, queue, MONDAY, EIGHT, now=at(7))
    assert refused.value.status == 403
    assert not Ticket.objects.exists()
    assert not DayCount.objects.filter(online__gt=0).exists()


def test_the_booking_page_and_the_api_say_what_to_do(queue, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(7))
    citizen = CitizenFactory(email_verified_at=None)
    client = Client()
    client.force_login(citizen)
    page = client.get(f"/antrean/pesan/{queue.pk}/")
    assert page.status_code == 200, page
    page = page.content.decode()
    assert "alamat surel terverifikasi" in page and "mengirim ulang tautan verifikasi" in page
    response = client.post(f"/antrean/pesan/{queue.pk}/", {"date": f"{MONDAY}", "slot": "08:00"})
    assert response.status_code == 400
    assert "Buka tautan verifikasi" in response.content.decode()
    _token, raw = account_services.issue_token(citizen)
    answer = Client().post(
        "/api/v1/me/queue/bookings",
        {"queue_id": queue.pk, "date": f"{MONDAY}", "slot": "08:00"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert answer.status_code == 403
    assert "surel terverifikasi" in str(answer.json())
    assert not Ticket.objects.exists()


def test_active_future_bookings_per_service_are_capped(queue, citizen, settings):
    settings.QUEUE_BOOKINGS_PER_SERVICE = 2
    first = services.book(citizen, queue, day(0), EIGHT, now=at(7))
    services.book(citizen, queue, day(1), EIGHT, now=at(7))
    with pytest.raises(QueueError, match="sudah memiliki 2 pemesanan aktif untuk layanan ini"):
        services.book(citizen, queue, day(2), EIGHT, now=at(7))
    assert Ticket.objects.filter(citizen=citizen).count() == 2
    services.cancel(first, user=citizen)  # a cancelled booking no longer counts
    services.book(citizen, queue, day(2), EIGHT, now=at(7))


def test_active_future_bookings_per_account_are_capped(queue, citizen, settings):
    settings.QUEUE_BOOKINGS_PER_ACCOUNT = 2
    other = make_queue(beside=queue, prefix="B")
    third = make_queue(beside=queue, prefix="C")
    services.book(citizen, queue, MONDAY, EIGHT, now=at(7))
    services.book(citizen, other, MONDAY, EIGHT, now=at(7))
    with pytest.raises(QueueError, match="sudah memiliki 2 pemesanan antrean aktif"):
        services.book(citizen, third, MONDAY, EIGHT, now=at(7))
    # Past bookings do not count: a week later the same account books again.
    next_week = day(7)
    services.book(citizen, third, next_week, EIGHT, now=at(7, day=next_week))


def test_the_default_caps_stop_the_probes_hoarding(queue, citizen):
    booked = 0
    for n in range(14):
        try:
            services.book(citizen, queue, day(n), EIGHT, now=at(7))
        except QueueError:
            continue
        booked += 1
    assert booked == 2  # the probe held 44


def test_online_hoarding_never_takes_the_walk_in_places_of_a_day(queue, kiosk):
    ServiceQueue.objects.filter(pk=queue.pk).update(
        online_per_slot=10, online_per_day=3, walk_in_per_slot=10, walk_in_per_day=2
    )
    queue.refresh_from_db()
    for _ in range(3):
        services.book(CitizenFactory(), queue, MONDAY, datetime.time(9), now=at(7))
    with pytest.raises(QueueError, match="Kuota pemesanan daring"):
        services.book(CitizenFactory(), queue, MONDAY, datetime.time(9), now=at(7))
    services.issue_walk_in(kiosk, queue, now=at(9, 5))
    services.issue_walk_in(kiosk, queue, now=at(9, 6))
    row = DayCount.objects.get(queue=queue, date=MONDAY)
    assert (row.online, row.walk_in) == (3, 2)
    assert Ticket.objects.filter(channel="walk_in").count() == 2
