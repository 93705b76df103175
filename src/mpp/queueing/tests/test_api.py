"""The queue API: what a booking app or a dashboard client sees."""

from __future__ import annotations

import pytest
from django.test import Client

from mpp.accounts import services as account_services
from mpp.accounts.models import Role, RoleGrant
from mpp.cases.tests.factories import StaffFactory
from mpp.queueing import services
from mpp.queueing.tests.conftest import MONDAY, at

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(7))


def _headers(user, second_factor=False):
    _token, raw = account_services.issue_token(user, second_factor=second_factor)
    return {"Authorization": f"Bearer {raw}"}


def test_citizen_books_through_the_api(queue, citizen, clock):
    client = Client()
    slots = client.get(f"{API}/queue/services/{queue.pk}/slots?date={MONDAY:%Y-%m-%d}").json()[
        "items"
    ]
    assert slots[0] == {
        "starts": "08:00:00",
        "ends": "08:30:00",
        "online_free": 2,
        "walk_in_free": 2,
        "bookable": True,
    }
    headers = _headers(citizen)
    body = {"queue_id": queue.pk, "date": f"{MONDAY:%Y-%m-%d}", "slot": "08:00"}
    answer = client.post(
        f"{API}/me/queue/bookings", body, content_type="application/json", headers=headers
    )
    assert answer.status_code == 201 and answer.json()["code"] == "A-001"
    again = client.post(
        f"{API}/me/queue/bookings", body, content_type="application/json", headers=headers
    )
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"
    assert "sudah memiliki pemesanan aktif" in again.json()["title"]
    late = {**body, "slot": "17:00"}
    refused = client.post(
        f"{API}/me/queue/bookings", late, content_type="application/json", headers=headers
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "slot"
    booking_id = answer.json()["id"]
    moved = client.post(
        f"{API}/me/queue/bookings/{booking_id}/reschedule",
        {"date": f"{MONDAY:%Y-%m-%d}", "slot": "10:00"},
        content_type="application/json",
        headers=headers,
    )
    assert moved.status_code == 200 and moved.json()["slot_starts"] == "10:00:00"
    cancelled = client.post(f"{API}/me/queue/bookings/{booking_id}/cancel", headers=headers)
    assert cancelled.json()["status"] == "cancelled"
    assert (
        client.get(f"{API}/me/queue/bookings", headers=headers).json()["items"][0]["status"]
        == "cancelled"
    )


def test_statistics_for_the_manager_only(queue, citizen, counter, officer, kiosk, clock):
    ticket = services.issue_walk_in(kiosk, queue, now=at(9))
    ticket = services.call_next(counter, officer=officer, now=at(9, 4))
    services.start(ticket, counter, officer=officer, now=at(9, 5))
    services.finish(ticket, counter, officer=officer, now=at(9, 15))
    manager = StaffFactory()
    RoleGrant.objects.create(user=manager, role=Role.MPP_MANAGER, mpp=queue.mpp)
    url = (
        f"{API}/queue/mpps/{queue.mpp_id}/statistics?start={MONDAY:%Y-%m-%d}&end={MONDAY:%Y-%m-%d}"
    )
    client = Client()
    assert client.get(url, headers=_headers(citizen)).status_code == 403
    data = client.get(url, headers=_headers(manager, second_factor=True)).json()
    assert data["by_day"][0]["served"] == 1
    assert data["by_day"][0]["mean_wait"] == 4.0 and data["by_day"][0]["mean_service"] == 10.0
    assert data["by_counter"][0]["counter"] == 1
    assert data["waits_now"][0]["waiting"] == 0
