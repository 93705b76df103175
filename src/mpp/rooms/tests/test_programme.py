"""An approved public room booking is listed in the MPP's programme of activities, which a
visitor reads without signing in; a private or pending one is not, and a cancellation takes it off."""

from __future__ import annotations

import datetime

import pytest
from django.test import TestCase
from django.utils import timezone

from mpp.rooms import services
from mpp.rooms.tests.factories import MONDAY, ask, at, make_room, manager_of

pytestmark = pytest.mark.django_db

DECIDED_AT = at(8, day=MONDAY - datetime.timedelta(days=7))


def programme(client, room) -> str:
    return client.get(f"/mpp/{room.mpp.slug}/kegiatan/").content.decode()


def test_the_programme_lists_approved_public_bookings_until_cancelled(client, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: DECIDED_AT)
    room = make_room()
    manager = manager_of(room.mpp)
    public = ask(room, group="Komunitas Baca Batam")
    private = ask(
        room,
        group="Rapat Tertutup",
        is_public=False,
        starts=datetime.time(13),
        ends=datetime.time(14),
    )
    ask(room, group="Belum Diputuskan", starts=datetime.time(14), ends=datetime.time(15))
    assert "Komunitas Baca Batam" not in programme(client, room)  # cached while nothing is approved

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.decide(public, "approve", actor=manager, now=DECIDED_AT)
        services.decide(private, "approve", actor=manager, now=DECIDED_AT)
    page = programme(client, room)
    assert "Komunitas Baca Batam" in page
    assert "Aula" in page
    assert "Rapat Tertutup" not in page
    assert "Belum Diputuskan" not in page

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.cancel(
            public, actor=manager, reason="Aula dipakai untuk keadaan darurat.", now=DECIDED_AT
        )
    assert "Komunitas Baca Batam" not in programme(client, room)
