"""Kiosks that cannot stuff the ballot (issue 22, finding 3): one answer per interval per device,
the device tied to the MPP's networks, bursts flagged, and a manager voiding a period."""

from __future__ import annotations

import datetime
import zoneinfo
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from mpp.accounts.tests.helpers import login_staff
from mpp.audit.models import AuditEvent
from mpp.cases.tests.factories import service_with
from mpp.devices.tests.factories import register_skm_kiosk
from mpp.reporting.facts import surveys as survey_facts
from mpp.reporting.models import DailyFact
from mpp.surveys import recompute, selectors, services
from mpp.surveys.models import KioskDevice, Response
from mpp.surveys.units import Unit

from .factories import answers, interval_passed
from .test_api import manager_of, post

pytestmark = pytest.mark.django_db
ALL_ONES = {f"U{n}": 1 for n in range(1, 10)}
# Three genuine answers: U1, U2, U3 average 10/3, the others 3 → IKM 28/9 (77.78, B).
GENUINE = (answers(U1=4), answers(U2=4, U3=4), answers())
GENUINE_IKM = (3 * Fraction(10, 3) + 6 * 3) / 9


@pytest.fixture
def kiosk(service):
    device, raw = register_skm_kiosk(
        mpp=service.mpp, service=service, name="Tablet pintu keluar", actor=None
    )
    return device, {"Authorization": f"Bearer {raw}"}


def _ikm(service) -> Fraction | None:
    today = timezone.localdate()
    days = (today - datetime.timedelta(days=1), today + datetime.timedelta(days=1))
    return selectors.compute_ikm(Unit("service", str(service.pk)), "", *days).ikm


def _genuine_today(device) -> None:
    for values in GENUINE:
        services.submit_at_kiosk(device, services.Submission(values))
        interval_passed(device)


def test_100_rapid_answers_with_one_token_count_once(client, service, kiosk):
    device, headers = kiosk
    # An hour between answers: the hundred posts stay "too soon" however slow the machine is.
    device.min_interval_seconds = 3600
    device.save(update_fields=["min_interval_seconds"])
    _genuine_today(device)
    assert _ikm(service) == GENUINE_IKM
    sent = [post(client, headers, {"answers": ALL_ONES}) for _ in range(100)]
    assert sent[0].status_code == 201
    refused = sent[1:]
    assert {answer.status_code for answer in refused} == {429}
    problem = refused[-1].json()
    assert problem["type"] == "urn:mpp:problem:kiosk_too_soon"
    assert problem["title"] == "Terima kasih, mohon tunggu sebentar sebelum penilaian berikutnya."
    assert 3000 <= int(refused[-1]["Retry-After"]) <= 3600
    assert Response.objects.filter(kiosk=device).count() == 4
    # Exactly one all-ones answer on top of the three genuine ones: U1–U3 11/4, the others 10/4.
    assert _ikm(service) == (3 * Fraction(11, 4) + 6 * Fraction(10, 4)) / 9
    assert KioskDevice.objects.get(pk=device.pk).refused_too_soon == 99


def test_the_interval_is_set_per_device_and_checked(client, service, kiosk):
    device, headers = kiosk
    manager = manager_of(service.mpp)
    for wrong in ("0", "²", "3601", "99999999999999", "dua puluh"):
        with pytest.raises(services.SurveyError) as error:
            services.configure_kiosk(device, networks="", min_interval=wrong, actor=manager)
        assert "min_interval" in error.value.errors
    login_staff(client, manager)
    page = client.post(
        f"/kelola/skm/kios/{device.pk}/", {"networks": "rumah saya", "min_interval": "30"}
    )
    assert page.status_code == 422 and "Bukan alamat jaringan yang sah: rumah saya" in page.text
    assert KioskDevice.objects.get(pk=device.pk).min_interval_seconds is None
    client.logout()
    services.configure_kiosk(device, networks="", min_interval="120", actor=manager)
    assert post(client, headers, {"answers": answers()}).status_code == 201
    KioskDevice.objects.filter(pk=device.pk).update(
        last_answer_at=timezone.now() - datetime.timedelta(seconds=60)
    )
    too_soon = post(client, headers, {"answers": answers()})
    assert too_soon.status_code == 429 and 50 <= int(too_soon["Retry-After"]) <= 60


def test_answers_from_outside_the_registered_networks_are_refused_and_counted(
    client, service, kiosk
):
    device, headers = kiosk
    manager = manager_of(service.mpp)
    with pytest.raises(services.SurveyError) as error:
        services.configure_kiosk(device, networks="203.0.113.0/33", min_interval="", actor=manager)
    assert "203.0.113.0/33" in error.value.message
    services.configure_kiosk(
        device, networks="203.0.113.7/28\n2001:db8::/48", min_interval="", actor=manager
    )
    assert KioskDevice.objects.get(pk=device.pk).networks == ["203.0.113.0/28", "2001:db8::/48"]
    home = client.post(
        "/api/v1/skm/responses",
        {"answers": ALL_ONES},
        content_type="application/json",
        headers=headers,
        REMOTE_ADDR="198.51.100.20",
    )
    assert home.status_code == 403
    assert home.json()["type"] == "urn:mpp:problem:kiosk_network"
    # A forged X-Forwarded-For from a client that is not a trusted proxy changes nothing.
    forged = client.post(
        "/api/v1/skm/responses",
        {"answers": ALL_ONES},
        content_type="application/json",
        headers=headers,
        REMOTE_ADDR="198.51.100.20",
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert forged.status_code == 403
    assert not Response.objects.exists()
    hall = client.post(
        "/api/v1/skm/responses",
        {"answers": answers()},
        content_type="application/json",
        headers=headers,
        REMOTE_ADDR="203.0.113.5",
    )
    assert hall.status_code == 201
    tablet = Client(REMOTE_ADDR="198.51.100.20")
    tablet.post("/skm/kios/masuk/", {"token": headers["Authorization"].removeprefix("Bearer ")})
    outside = tablet.post("/skm/kios/", answers())
    assert outside.status_code == 403
    assert "hanya dapat mengirim penilaian dari jaringan MPP yang terdaftar" in outside.text
    assert Response.objects.count() == 1
    assert KioskDevice.objects.get(pk=device.pk).refused_network == 3
    login_staff(client, manager)
    page = client.get(f"/kelola/skm/kios/{device.pk}/")
    assert "Ditolak karena di luar jaringan MPP" in page.text
    assert "<dd>3</dd>" in page.text


def test_a_device_without_networks_is_flagged_as_not_tied_on_the_managers_page(
    client, service, kiosk
):
    device, _headers = kiosk
    login_staff(client, manager_of(service.mpp))
    listing = client.get("/kelola/skm/kios/")
    assert "Belum terikat" in listing.text
    page = client.get(f"/kelola/skm/kios/{device.pk}/")
    assert "belum terikat ke jaringan MPP" in page.text


def test_the_web_kiosk_shows_the_wait_message_and_records_one_answer(client, service, kiosk):
    _device, headers = kiosk
    raw = headers["Authorization"].removeprefix("Bearer ")
    client.post("/skm/kios/masuk/", {"token": raw})
    assert client.post("/skm/kios/", answers()).status_code == 302
    again = client.post("/skm/kios/", answers())
    assert again.status_code == 429
    assert "Terima kasih, mohon tunggu sebentar sebelum penilaian berikutnya." in again.text
    assert again["Retry-After"]
    assert Response.objects.count() == 1


def _burst(device, now, count=20):
    """An answer every 21 s (just over the default interval) for seven minutes, 20 min ago."""
    first = now - datetime.timedelta(minutes=20)
    for number in range(count):
        services.submit_at_kiosk(
            device,
            services.Submission(ALL_ONES),
            at=first + datetime.timedelta(seconds=21 * number),
        )
    return first, first + datetime.timedelta(seconds=21 * (count - 1))


def _calm(device, now):
    """Fifteen answers four minutes apart, earlier in the day: one hour, no burst."""
    for number in range(15):
        moment = now - datetime.timedelta(hours=3, minutes=4 * number)
        services.submit_at_kiosk(device, services.Submission(GENUINE[number % 3]), at=moment)


def test_a_burst_is_flagged_on_the_managers_page(client, service, kiosk):
    device, _headers = kiosk
    calm, _raw = register_skm_kiosk(
        mpp=service.mpp, service=service, name="Tablet loket", actor=None
    )
    now = timezone.now()
    _calm(calm, now)
    start, end = _burst(device, now)
    activities = {a.device.pk: a for a in selectors.kiosk_activity([device, calm], now)}
    assert activities[calm.pk].bursts == [] and activities[calm.pk].last_day == 15
    assert activities[device.pk].bursts == [selectors.Burst(start, end, 20)]
    assert activities[device.pk].last_hour == 20
    login_staff(client, manager_of(service.mpp))
    listing = client.get("/kelola/skm/kios/")
    assert listing.text.count('<span class="tag tag--danger">Lonjakan</span>') == 1
    row = listing.text.split("Tablet pintu keluar</a>")[1].split("</tr>")[0]
    assert "Lonjakan" in row
    page = client.get(f"/kelola/skm/kios/{device.pk}/")
    assert "20 jawaban dari" in page.text


def _local(moment: datetime.datetime, service) -> str:
    return moment.astimezone(zoneinfo.ZoneInfo(service.mpp.region.timezone)).strftime(
        "%Y-%m-%dT%H:%M"
    )


def test_voiding_the_burst_restores_the_ikm_and_keeps_the_rows(client, service, kiosk):
    device, _headers = kiosk
    now = timezone.now()
    for hours, values in zip((5, 4, 3), GENUINE, strict=True):
        services.submit_at_kiosk(
            device, services.Submission(values), at=now - datetime.timedelta(hours=hours)
        )
    assert _ikm(service) == GENUINE_IKM
    start, end = _burst(device, now)
    stuffed = _ikm(service)
    assert stuffed < GENUINE_IKM
    manager = manager_of(service.mpp)
    login_staff(client, manager)
    url = f"/kelola/skm/kios/{device.pk}/batalkan/"
    period = {
        "start": _local(start, service),
        "end": _local(end + datetime.timedelta(minutes=1), service),
    }
    preview = client.post(url, period)
    assert preview.status_code == 200 and "20 jawaban perangkat" in preview.text
    assert _ikm(service) == stuffed  # counting changes nothing
    for wrong in (" ", "x" * 501):
        no_reason = client.post(url, period | {"confirm": "1", "reason": wrong})
        assert no_reason.status_code == 422 and _ikm(service) == stuffed
    done = client.post(url, period | {"confirm": "1", "reason": "Isian beruntun dari satu tablet."})
    assert done.status_code == 302
    assert _ikm(service) == GENUINE_IKM
    mpp_unit = Unit("mpp", str(service.mpp_id))
    today = timezone.localdate()
    days = (today - datetime.timedelta(days=1), today + datetime.timedelta(days=1))
    assert selectors.compute_ikm(mpp_unit, "", *days).ikm == GENUINE_IKM
    assert recompute.compare(*days) == []
    voided = Response.objects.filter(void__isnull=False)
    assert voided.count() == 20 and Response.objects.count() == 23
    record = voided.first().void
    assert (record.voided_by, record.reason, record.responses) == (
        manager,
        "Isian beruntun dari satu tablet.",
        20,
    )
    event = AuditEvent.objects.get(action="kiosk_answers_voided")
    assert event.actor == manager and event.data["responses"] == 20
    respondents = DailyFact.objects.filter(metric=survey_facts.RESPONDENTS)
    assert sum(respondents.values_list("value", flat=True)) == 3
    # The burst no longer counts on the manager's page either.
    assert selectors.kiosk_activity([device], timezone.now())[0].bursts == []


def test_a_manager_of_another_mpp_cannot_void(client, service, kiosk):
    device, _headers = kiosk
    now = timezone.now()
    start, end = _burst(device, now)
    stuffed = _ikm(service)
    other = service_with()
    assert other.mpp_id != service.mpp_id
    stranger = manager_of(other.mpp)
    login_staff(client, stranger)
    period = {
        "start": _local(start, service),
        "end": _local(end + datetime.timedelta(minutes=1), service),
        "confirm": "1",
        "reason": "Coba.",
    }
    assert client.post(f"/kelola/skm/kios/{device.pk}/batalkan/", period).status_code == 404
    assert client.get(f"/kelola/skm/kios/{device.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.void_kiosk_answers(
            device, start=start, end=now, reason="Coba.", actor=stranger, request=None
        )
    assert not Response.objects.filter(void__isnull=False).exists()
    assert _ikm(service) == stuffed


def test_a_void_period_must_be_sensible(client, service, kiosk):
    device, _headers = kiosk
    login_staff(client, manager_of(service.mpp))
    url = f"/kelola/skm/kios/{device.pk}/batalkan/"
    backwards = client.post(url, {"start": "2026-05-02T10:00", "end": "2026-05-02T09:00"})
    assert backwards.status_code == 422 and "sesudah waktu mulai" in backwards.text
    nonsense = client.post(url, {"start": "kemarin", "end": "99999-01-01T00:00"})
    assert nonsense.status_code == 422
    empty = client.post(
        url, {"start": "2026-05-02T09:00", "end": "2026-05-02T10:00", "confirm": "1", "reason": "x"}
    )
    assert empty.status_code == 422 and "Tidak ada jawaban" in empty.text
