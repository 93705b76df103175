"""The pages without JavaScript (plain forms through the test client): a request, the manager's
decision, what a stranger is refused, and bad input answered with a message that changes nothing."""

from __future__ import annotations

import datetime

import pytest

from mpp.accounts.tests.helpers import login_staff
from mpp.cases.tests.factories import CitizenFactory
from mpp.catalog.tests.factories import MPPFactory
from mpp.rooms import selectors
from mpp.rooms.models import Booking, Room
from mpp.rooms.tests.factories import ask, make_room, manager_of

pytestmark = pytest.mark.django_db


def _open_day(mpp) -> datetime.date:
    from django.utils import timezone

    day = timezone.localdate() + datetime.timedelta(days=7)
    while not selectors.is_open_on(mpp, day):
        day += datetime.timedelta(days=1)
    return day


def _form(on, **values):
    return {
        "group_name": "Komunitas Literasi",
        "title": "Diskusi buku",
        "purpose": "Diskusi buku bulanan.",
        "attendance": "40",
        "day": on.isoformat(),
        "starts": "09:00",
        "ends": "11:00",
        "is_public": "on",
        "accept_rules": "on",
        **values,
    }


def test_a_visitor_reads_a_room_and_is_sent_to_sign_in_to_ask(client):
    room = make_room(name="Aula Serbaguna", facilities="Proyektor\nPengeras suara")
    page = client.get(f"/ruang/{room.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Aula Serbaguna" in text and "Proyektor" in text and "Gratis" in text
    assert "Senin: 08.00–16.00" in text  # the MPP's hours from the calendar (standard hours)
    answer = client.post(f"/ruang/{room.pk}/", _form(_open_day(room.mpp)))
    assert answer.status_code == 302 and "/akun/masuk/" in answer["Location"]
    assert not Booking.objects.exists()


def test_a_request_and_a_decision_through_plain_forms(client):
    room = make_room()
    citizen = CitizenFactory()
    client.force_login(citizen)
    answer = client.post(f"/ruang/{room.pk}/", _form(_open_day(room.mpp)))
    booking = Booking.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/ruang/peminjaman/{booking.pk}/"
    assert "Menunggu keputusan" in client.get(answer["Location"]).content.decode()

    manager = manager_of(room.mpp)
    login_staff(client, manager)
    page = client.get(f"/kelola/ruang/{room.mpp.pk}/?status=requested").content.decode()
    assert "Diskusi buku" in page
    empty = client.post(
        f"/ruang/peminjaman/{booking.pk}/tindakan/",
        {"action": "decline", "decline-note": "", "decline-version": booking.version},
    )
    assert empty.status_code == 400 and "Periksa isian keputusan." in empty.content.decode()
    answer = client.post(
        f"/ruang/peminjaman/{booking.pk}/tindakan/",
        {
            "action": "approve_with_conditions",
            "approve_with_conditions-note": "Bawa kabel sendiri.",
            "approve_with_conditions-version": booking.version,
        },
    )
    assert answer.status_code == 302
    booking.refresh_from_db()
    assert (
        booking.status == "approved_with_conditions" and booking.conditions == "Bawa kabel sendiri."
    )


def test_bad_input_gets_a_message_and_changes_nothing(client):
    room = make_room(capacity=10)
    client.force_login(CitizenFactory())
    day = _open_day(room.mpp)
    for values, message in [
        ({"attendance": "11"}, "Kapasitas ruang ini 10 orang."),
        ({"starts": "25:00"}, "Masukkan pilihan yang valid"),
        ({"day": "2026-02-30"}, ""),
        ({"attendance": "99999999999999999999"}, ""),
        ({"starts": "07:00", "ends": "08:30"}, "jam buka MPP"),
    ]:
        answer = client.post(f"/ruang/{room.pk}/", _form(day, **values))
        assert answer.status_code in (400, 409), values
        assert message in answer.content.decode()
    assert not Booking.objects.exists()


def test_strangers_never_see_a_booking_and_other_managers_are_refused(client):
    room = make_room()
    booking = ask(room)
    client.force_login(CitizenFactory())
    assert client.get(f"/ruang/peminjaman/{booking.pk}/").status_code == 404
    assert (
        client.post(f"/ruang/peminjaman/{booking.pk}/tindakan/", {"action": "withdraw"}).status_code
        == 404
    )
    login_staff(client, manager_of(MPPFactory()))
    assert client.get(f"/ruang/peminjaman/{booking.pk}/").status_code == 404
    assert client.get(f"/kelola/ruang/{room.mpp.pk}/").status_code == 403
    assert (
        client.post(
            f"/kelola/ruang/{room.mpp.pk}/", {"name": "Ruang X", "kind": "hall", "capacity": "5"}
        ).status_code
        == 403
    )
    booking.refresh_from_db()
    assert booking.status == "requested" and Room.objects.count() == 1


def test_the_manager_adds_a_room_and_a_duplicate_name_is_refused(client):
    mpp = MPPFactory()
    login_staff(client, manager_of(mpp))
    data = {
        "name": "Pojok Pameran",
        "kind": "exhibition_corner",
        "capacity": "15",
        "facilities": "Panel",
    }
    assert client.post(f"/kelola/ruang/{mpp.pk}/", data).status_code == 302
    again = client.post(f"/kelola/ruang/{mpp.pk}/", data)
    assert again.status_code == 400
    assert "sudah memiliki ruang dengan nama itu" in again.content.decode()
    assert Room.objects.filter(mpp=mpp).count() == 1
