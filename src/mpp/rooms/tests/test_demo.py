"""The demo: Batam has two bookable rooms and a pending request (README demo section)."""

from __future__ import annotations

import pytest

from mpp.accounts import demo as accounts_demo
from mpp.catalog import demo as catalog_demo
from mpp.rooms import demo
from mpp.rooms.models import Booking, Room

pytestmark = pytest.mark.django_db


def test_batam_has_two_rooms_and_a_pending_request_loaded_once():
    catalog_demo.load()
    accounts_demo.load()
    demo.load()
    demo.load()
    rooms = Room.objects.filter(mpp__slug="mpp-kota-batam")
    assert sorted(rooms.values_list("name", flat=True)) == [
        "Aula Serbaguna",
        "Ruang Diskusi Lantai 2",
    ]
    booking = Booking.objects.get()
    assert booking.status == "requested" and booking.due_at is not None
    assert booking.requester.nik == "2171011508900003"
