"""The programme's pages without JavaScript: find, register as a guest, the ticket, the door."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from mpp.accounts.models import Role
from mpp.accounts.tests.factories import staff
from mpp.accounts.tests.helpers import login_staff
from mpp.activities import ical, services
from mpp.activities.models import Registration
from mpp.activities.tests.conftest import publish
from mpp.catalog.tests.factories import MPPFactory
from mpp.devices.models import DeviceKind
from mpp.devices.services import register_device
from mpp.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def soon(mpp, manager):
    start = (timezone.now() + datetime.timedelta(minutes=30)).replace(second=0, microsecond=0)
    return publish(mpp, manager, start, capacity=1, now=timezone.now())


def guest_registers(client: Client, activity, phone: str) -> str:
    """A guest confirms a phone number and registers; returns the ticket page's path."""
    url = reverse("activities:register", args=[activity.pk])
    client.post(url, {"address": phone})
    text = OutboxMessage.objects.filter(to=phone).latest("created_at").text
    response = client.post(url, {"code": re.findall(r"\d{6}", text)[0]})
    assert response.status_code == 302
    with TestCase.captureOnCommitCallbacks(execute=True):  # the ticket is sent after the commit
        response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    return response["Location"]


def test_a_guest_finds_registers_is_scanned_in_and_the_manager_sees_it(client, mpp, manager, soon):
    programme = client.get(reverse("activities:programme"), {"region": "2171", "category": "umkm"})
    assert soon.title in programme.content.decode()
    ticket = guest_registers(client, soon, "+6281200000001")
    page = client.get(ticket).content.decode()
    assert "<svg" in page and "Terdaftar" in page and "Catat hadir" not in page
    texts = [m.text for m in OutboxMessage.objects.filter(to="+6281200000001")]
    assert any(ticket in text for text in texts)  # the ticket link goes to the guest's phone

    door = Client()
    credentials = register_device(mpp, DeviceKind.DOOR_SCANNER, "Pintu aula", actor=None)
    door.post(reverse("activities:door"), {"token": credentials.token})
    assert "Catat hadir" in door.get(ticket).content.decode()
    assert door.post(ticket + "hadir/").status_code == 302
    assert Registration.objects.get().status == "attended"

    staff_client = Client()
    login_staff(staff_client, manager)
    figures = staff_client.get(reverse("activities:manage_detail", args=[soon.pk])).content.decode()
    assert re.search(r"<dt>Hadir</dt><dd>1</dd>", figures)


def test_the_door_of_another_mpp_cannot_check_in(client, mpp, soon):
    ticket = guest_registers(client, soon, "+6281200000002")
    door = Client()
    other = register_device(MPPFactory(region=mpp.region), DeviceKind.DOOR_SCANNER, "X", actor=None)
    door.post(reverse("activities:door"), {"token": other.token})
    assert "Catat hadir" not in door.get(ticket).content.decode()
    assert door.post(ticket + "hadir/").status_code == 403
    assert Registration.objects.get().status == "registered"


def test_a_guest_who_cancels_hands_the_seat_on(client, mpp, soon):
    ticket = guest_registers(client, soon, "+6281200000003")
    other = Client()
    other_ticket = guest_registers(other, soon, "+6281200000004")
    assert "Daftar tunggu" in other.get(other_ticket).content.decode()
    client.post(ticket + "batal/")
    assert "Terdaftar" in other.get(other_ticket).content.decode()


def test_bad_input_gets_a_message_not_a_500(client, mpp, manager, soon):
    assert client.get(reverse("activities:ticket", args=["K123-abc"])).status_code == 404
    assert client.get(reverse("activities:programme"), {"start": "kemarin"}).status_code == 200
    assert client.get(reverse("activities:programme"), {"cursor": "!!"}).status_code == 400
    staff_client = Client()
    login_staff(staff_client, manager)
    response = staff_client.post(
        reverse("activities:manage_new", args=[mpp.pk]),
        {"title": "X", "day": "2020-01-01", "start_time": "10:00", "end_time": "09:00"},
    )
    assert (
        response.status_code == 200
        and "Jam selesai harus sesudah jam mulai" in response.content.decode()
    )


def test_a_manager_of_another_mpp_is_refused(mpp, soon):
    stranger = staff(Role.MPP_MANAGER, mpp=MPPFactory(region=mpp.region))
    client = Client()
    login_staff(client, stranger)
    assert client.get(reverse("activities:manage_detail", args=[soon.pk])).status_code == 403
    assert client.post(reverse("activities:manage_cancel", args=[soon.pk])).status_code == 403
    soon.refresh_from_db()
    assert soon.cancelled_at is None


def test_the_feed_is_icalendar_with_escaped_text_and_utc_times(client, mpp, soon):
    services.update_activity(
        staff(Role.MPP_MANAGER, mpp=mpp),
        soon,
        services.ActivityData(
            title="Senam, sehat; bersama\\warga",
            description="Baris satu\nbaris dua",
            organiser='Puskesmas "Sehat"',
            category="kesehatan",
            place="Halaman depan",
            starts_at=soon.starts_at,
            ends_at=soon.ends_at,
            capacity=5,
        ),
    )
    response = client.get(reverse("activities:feed", args=[mpp.slug]))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "SUMMARY:Senam\\, sehat\\; bersama\\\\warga\r\n" in body
    assert "DESCRIPTION:Baris satu\\nbaris dua\r\n" in body
    assert f"DTSTART:{ical.utc(soon.starts_at)}\r\n" in body and "SEQUENCE:1\r\n" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_the_mpp_page_shows_its_activities(client, mpp, soon):
    page = client.get(reverse("catalog:mpp_detail", args=[mpp.slug])).content.decode()
    assert soon.title in page and reverse("activities:mpp_programme", args=[mpp.slug]) in page


def test_english_pages(client, mpp, soon):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("activities:detail", args=[soon.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Register" in page.content.decode()
