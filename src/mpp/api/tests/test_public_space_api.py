"""The activities and rooms API (issue 28): the public programme with its filters, one activity's
seats, a citizen's registrations (register, cancel), an MPP's rooms and a community's requests."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from mpp.accounts.models import Role
from mpp.accounts.services import issue_token
from mpp.accounts.tests.factories import UserFactory, staff
from mpp.activities.models import Category
from mpp.activities.tests.conftest import local, publish
from mpp.catalog.tests.factories import MPPFactory, region
from mpp.rooms.tests.factories import ask, make_room

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    _token, raw = issue_token(user, second_factor=False)
    return {"Authorization": f"Bearer {raw}"}


def _soon(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return local("2171", day, hour)


def test_the_programme_is_paged_and_filtered_and_an_activity_shows_its_seats(client):
    batam = MPPFactory(region=region("2171"))
    manager = staff(Role.MPP_MANAGER, mpp=batam)
    talk = publish(batam, manager, _soon(3), now=timezone.now(), category=Category.HEALTH)
    publish(batam, manager, _soon(4), now=timezone.now(), capacity=2)
    publish(batam, manager, _soon(5), now=timezone.now())
    page = client.get("/api/v1/activities", {"page_size": 2, "mpp_id": batam.pk}).json()
    assert [item["starts_at"][:10] for item in page["items"]] == [
        _soon(3).date().isoformat(),
        _soon(4).date().isoformat(),
    ]
    rest = client.get(page["next"]).json()
    assert len(rest["items"]) == 1 and rest["next"] is None
    only = client.get("/api/v1/activities", {"category": Category.HEALTH}).json()
    assert [item["id"] for item in only["items"]] == [talk.pk]
    assert only["items"][0]["timezone"] == "Asia/Jakarta"
    assert client.get("/api/v1/activities", {"region": "9999"}).json()["items"] == []
    refused = client.get("/api/v1/activities", {"category": "konser"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "category"
    assert client.get("/api/v1/activities", {"mpp_id": 999999}).status_code == 404
    detail = client.get(f"/api/v1/activities/{talk.pk}").json()
    assert detail["seats"] == {"seated": 0, "waiting": 0, "left": 10}
    assert client.get("/api/v1/activities/999999").status_code == 404


def test_a_citizen_registers_sees_and_cancels_through_the_api(client):
    batam = MPPFactory(region=region("2171"))
    manager = staff(Role.MPP_MANAGER, mpp=batam)
    activity = publish(batam, manager, _soon(3), now=timezone.now(), capacity=1)
    first, second = UserFactory(), UserFactory()
    made = client.post(
        "/api/v1/me/activities/registrations",
        {"activity_id": activity.pk},
        content_type="application/json",
        headers=bearer(first),
    )
    assert made.status_code == 201 and made.json()["status"] == "registered"
    again = client.post(
        "/api/v1/me/activities/registrations",
        {"activity_id": activity.pk},
        content_type="application/json",
        headers=bearer(first),
    )
    assert again.status_code == 409
    waiting = client.post(
        "/api/v1/me/activities/registrations",
        {"activity_id": activity.pk},
        content_type="application/json",
        headers=bearer(second),
    ).json()
    assert waiting["status"] == "waitlisted"
    mine = client.get("/api/v1/me/activities/registrations", headers=bearer(first)).json()
    assert [item["number"] for item in mine["items"]] == [made.json()["number"]]
    # Someone else's registration is not theirs to cancel.
    other = client.post(
        f"/api/v1/me/activities/registrations/{waiting['id']}/cancel", headers=bearer(first)
    )
    assert other.status_code == 404
    cancelled = client.post(
        f"/api/v1/me/activities/registrations/{made.json()['id']}/cancel", headers=bearer(first)
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    moved_up = client.get("/api/v1/me/activities/registrations", headers=bearer(second)).json()
    assert moved_up["items"][0]["status"] == "registered"
    unknown = client.post(
        "/api/v1/me/activities/registrations",
        {"activity_id": 999999},
        content_type="application/json",
        headers=bearer(first),
    )
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["field"] == "activity_id"
    assert client.get("/api/v1/me/activities/registrations").status_code == 401


def test_rooms_of_an_mpp_and_a_communitys_own_requests(client):
    room = make_room(facilities="Proyektor\nPengeras suara")
    make_room(room.mpp, name="Gudang", is_active=False)
    rooms = client.get(f"/api/v1/mpps/{room.mpp_id}/rooms").json()
    assert [item["name"] for item in rooms["items"]] == ["Aula"]
    assert rooms["items"][0]["facilities"] == ["Proyektor", "Pengeras suara"]
    assert client.get("/api/v1/mpps/999999/rooms").status_code == 404
    requester = UserFactory()
    booking = ask(room, requester)
    ask(room, UserFactory(), starts=datetime.time(13), ends=datetime.time(14))
    mine = client.get("/api/v1/me/room-bookings", headers=bearer(requester)).json()
    assert [item["id"] for item in mine["items"]] == [booking.pk]
    assert mine["items"][0]["status_label"] == "Menunggu keputusan"
    assert client.get("/api/v1/me/room-bookings").status_code == 401
