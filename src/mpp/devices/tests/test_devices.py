"""One device mechanism: a manager registers, pairs, rotates and revokes a queue kiosk, a hall
display and an SKM kiosk on the one page of the MPP; the device proves itself one way."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mpp.accounts.models import Role, RoleGrant
from mpp.accounts.tests.helpers import login_staff
from mpp.cases.tests.factories import StaffFactory, service_with
from mpp.catalog.tests.factories import MPPFactory
from mpp.devices import services
from mpp.devices.models import Device, DeviceKind
from mpp.queueing.models import ServiceQueue
from mpp.surveys.models import Response
from mpp.surveys.tests.factories import answers

pytestmark = pytest.mark.django_db


def manager_of(mpp):
    user = StaffFactory()
    RoleGrant.objects.create(user=user, role=Role.MPP_MANAGER, mpp=mpp)
    return user


@pytest.fixture
def service(db):
    return service_with()


@pytest.fixture
def manager(client, service):
    user = manager_of(service.mpp)
    login_staff(client, user)
    return user


def register(client, mpp, kind, name, **extra):
    page = client.post(f"/kelola/perangkat/{mpp.pk}/", {"kind": kind, "name": name, **extra})
    assert page.status_code == 200, page.text
    token = re.search(r'id="device-token">([^<]+)<', page.text).group(1)
    pairing = re.search(r'id="pairing-url">http://testserver([^<]+)<', page.text).group(1)
    return Device.objects.get(name=name), token, pairing


def pair(pairing: str) -> tuple[Client, str]:
    """Open the pairing link on a new device: the device and the page it was sent to."""
    device = Client()
    assert device.get(pairing).status_code == 200  # a link preview uses nothing up
    opened = device.post(pairing)
    assert opened.status_code == 302
    return device, opened["Location"]


def test_a_queue_kiosk_is_registered_paired_rotated_and_revoked(client, service, manager):
    ServiceQueue.objects.create(mpp=service.mpp, agency=service.agency, service=service, prefix="A")
    device, token, pairing = register(client, service.mpp, DeviceKind.QUEUE_KIOSK, "Pintu utama")
    assert token not in client.get(f"/kelola/perangkat/{service.mpp.pk}/").text  # shown once
    kiosk, start = pair(pairing)
    assert start == "/antrean/anjungan/"
    assert kiosk.get("/antrean/anjungan/").context["kiosk"] == device
    again = Client().post(pairing)
    assert again.status_code == 404 and "tidak berlaku lagi" in again.text

    rotated = client.post(f"/kelola/perangkat/{service.mpp.pk}/{device.pk}/ganti-token/")
    assert rotated.status_code == 200 and "Token lama sudah tidak berlaku" in rotated.text
    refused = kiosk.get("/antrean/anjungan/")
    assert refused.status_code == 403 and "sudah diganti" in refused.text
    assert kiosk.post("/antrean/anjungan/ambil/", {"queue": 1}).status_code == 403
    typed_old = Client().post("/antrean/anjungan/", {"token": token})
    assert typed_old.status_code == 400

    new_pairing = re.search(r'id="pairing-url">http://testserver([^<]+)<', rotated.text).group(1)
    kiosk, _start = pair(new_pairing)
    assert kiosk.get("/antrean/anjungan/").status_code == 200
    client.post(f"/kelola/perangkat/{service.mpp.pk}/{device.pk}/cabut/")
    revoked = kiosk.get("/antrean/anjungan/")
    assert revoked.status_code == 403 and "sudah dicabut oleh pengelola MPP" in revoked.text
    again = client.post(f"/kelola/perangkat/{service.mpp.pk}/{device.pk}/ganti-token/", follow=True)
    assert "tidak dapat diberi token baru" in again.text


def test_a_paired_hall_display_tells_the_manager_its_screen_is_on(client, service, manager):
    device, _token, pairing = register(client, service.mpp, DeviceKind.HALL_DISPLAY, "Layar aula")
    listing = client.get(f"/kelola/perangkat/{service.mpp.pk}/").text
    assert "Menunggu dipasangkan" in listing
    Device.objects.filter(pk=device.pk).update(last_seen_at=None)
    display, start = pair(pairing)
    assert start == f"/antrean/layar/{service.mpp.slug}/"
    Device.objects.filter(pk=device.pk).update(
        last_seen_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert "Layar tidak terlihat" in client.get(f"/kelola/perangkat/{service.mpp.pk}/").text
    assert display.get(f"/antrean/layar/{service.mpp.slug}/panggilan/").status_code == 200
    assert "Layar hidup" in client.get(f"/kelola/perangkat/{service.mpp.pk}/").text
    # Anyone may still watch the numbers by slug, without a device and without a device query.
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(f"/antrean/layar/{service.mpp.slug}/").status_code == 200
    assert not any("devices_device" in q["sql"] for q in queries.captured_queries)


def test_an_skm_kiosk_answers_with_its_bearer_token_until_rotated_or_revoked(
    client, service, manager
):
    device, token, _pairing = register(
        client, service.mpp, DeviceKind.SKM_KIOSK, "Tablet keluar", choice=service.pk
    )
    assert token.startswith("mppd_") and device.skm_kiosk.service == service

    def answer(raw):
        return Client().post(
            "/api/v1/skm/responses",
            {"answers": answers()},
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw}"},
        )

    assert answer(token).status_code == 201
    rotated = services.rotate_device(device, actor=manager)
    assert answer(token).status_code == 401  # the old token is refused at once
    Device.objects.filter(pk=device.pk).update(last_seen_at=None)
    device.skm_kiosk.__class__.objects.filter(pk=device.skm_kiosk.pk).update(last_answer_at=None)
    assert answer(rotated.token).status_code == 201
    services.revoke_device(device, actor=manager)
    revoked = answer(rotated.token)
    assert revoked.status_code == 403
    assert revoked.json()["title"] == "Perangkat ini sudah dicabut oleh pengelola MPP."
    assert Response.objects.count() == 2


def test_an_skm_kiosk_paired_by_its_link_opens_the_survey(client, service, manager):
    _device, _token, pairing = register(
        client, service.mpp, DeviceKind.SKM_KIOSK, "Tablet keluar", choice=service.pk
    )
    tablet, start = pair(pairing)
    assert start == "/skm/kios/"
    assert tablet.get("/skm/kios/").context["device"].name == "Tablet keluar"


def test_a_manager_of_another_mpp_is_refused(client, service):
    device = services.register_device(
        service.mpp, DeviceKind.QUEUE_KIOSK, "Pintu utama", actor=None
    ).device
    stranger = manager_of(MPPFactory())
    login_staff(client, stranger)
    base = f"/kelola/perangkat/{service.mpp.pk}/"
    assert client.get(base).status_code == 403
    assert client.post(base, {"kind": "queue_kiosk", "name": "Palsu"}).status_code == 403
    assert client.post(f"{base}{device.pk}/ganti-token/").status_code == 403
    assert client.post(f"{base}{device.pk}/cabut/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.revoke_device(device, actor=stranger)
    device.refresh_from_db()
    assert device.revoked_at is None and device.rotated_at is None
    assert Device.objects.count() == 1


def test_last_seen_is_written_at_most_once_a_minute(service):
    device = services.register_device(
        service.mpp, DeviceKind.HALL_DISPLAY, "Layar", actor=None
    ).device
    moment = timezone.now()
    with CaptureQueriesContext(connection) as first:
        services.touch(device, moment)
    with CaptureQueriesContext(connection) as soon:
        services.touch(device, moment + datetime.timedelta(seconds=30))
    services.touch(device, moment + datetime.timedelta(seconds=61))
    device.refresh_from_db()
    assert len(first.captured_queries) == 1 and len(soon.captured_queries) == 0
    assert device.last_seen_at == moment + datetime.timedelta(seconds=61)


def test_a_device_of_one_kind_is_not_another(service):
    credentials = services.register_device(
        service.mpp, DeviceKind.HALL_DISPLAY, "Layar", actor=None
    )
    typed = Client().post("/antrean/anjungan/", {"token": credentials.token})
    assert typed.status_code == 400 and "Token perangkat tidak dikenal" in typed.text
