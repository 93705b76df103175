"""The queue pages as citizens, the kiosk, the hall display and staff use them."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from mpp.accounts.models import Role, RoleGrant
from mpp.accounts.tests.helpers import login_staff
from mpp.cases.tests.factories import CitizenFactory, StaffFactory
from mpp.devices.models import Device
from mpp.devices.tests.factories import register_queue_kiosk
from mpp.queueing import services
from mpp.queueing.models import Counter, ServiceQueue, Ticket
from mpp.queueing.tests.conftest import MONDAY, at
from mpp.queueing.tests.conftest import citizen_client as _citizen_client

pytestmark = pytest.mark.django_db


def test_citizen_books_sees_the_qr_and_cancels(queue, citizen, clock):
    client = _citizen_client(citizen)
    page = client.get(f"/antrean/pesan/{queue.pk}/?tanggal={MONDAY:%Y-%m-%d}")
    assert page.status_code == 200 and "2 tempat tersisa" in page.text
    answer = client.post(
        f"/antrean/pesan/{queue.pk}/", {"date": f"{MONDAY:%Y-%m-%d}", "slot": "08:00"}
    )
    ticket = Ticket.objects.get(citizen=citizen)
    assert answer.status_code == 302 and answer["Location"] == f"/antrean/saya/{ticket.pk}/"
    detail = client.get(answer["Location"])
    assert ticket.booking_code in detail.text and "<svg" in detail.text
    again = client.post(
        f"/antrean/pesan/{queue.pk}/", {"date": f"{MONDAY:%Y-%m-%d}", "slot": "09:00"}
    )
    assert again.status_code == 400 and "sudah memiliki pemesanan aktif" in again.text
    client.post(f"/antrean/saya/{ticket.pk}/batalkan/")
    ticket.refresh_from_db()
    assert ticket.status == "cancelled"
    # Another citizen cannot open the booking.
    assert _citizen_client(CitizenFactory()).get(f"/antrean/saya/{ticket.pk}/").status_code == 404


def test_booking_a_past_slot_is_refused_next_to_the_field(queue, citizen, clock):
    clock["now"] = at(10)
    answer = _citizen_client(citizen).post(
        f"/antrean/pesan/{queue.pk}/", {"date": f"{MONDAY:%Y-%m-%d}", "slot": "08:00"}
    )
    assert answer.status_code == 400 and "sudah lewat" in answer.text
    assert not Ticket.objects.exists()


def test_an_impossible_date_or_time_is_asked_again_not_a_server_error(queue, citizen, clock):
    clock["now"] = at(10)
    client = _citizen_client(citizen)
    assert client.get(f"/antrean/pesan/{queue.pk}/", {"tanggal": "2026-02-30"}).status_code == 200
    answer = client.post(f"/antrean/pesan/{queue.pk}/", {"date": "2026-02-30", "slot": "25:99"})
    assert answer.status_code == 400
    assert not Ticket.objects.exists()


def test_kiosk_must_be_registered_then_prints_a_real_number(queue, clock):
    clock["now"] = at(9)
    client = Client()
    assert "Anjungan belum terdaftar" in client.get("/antrean/anjungan/").text
    assert client.post("/antrean/anjungan/ambil/", {"queue": queue.pk}).status_code == 403
    wrong = client.post("/antrean/anjungan/", {"token": "salah"})
    assert wrong.status_code == 400 and "tidak dikenal" in wrong.text
    register_queue_kiosk(queue.mpp, "Pintu utama", "token-anjungan-uji")
    client.post("/antrean/anjungan/", {"token": "token-anjungan-uji"})
    page = client.get("/antrean/anjungan/")
    assert queue.service.name in page.text and "Lanjut usia" in page.text
    answer = client.post(
        "/antrean/anjungan/ambil/", {"queue": queue.pk, "priority_group": "lansia"}
    )
    ticket = Ticket.objects.get()
    assert answer["Location"] == f"/antrean/anjungan/tiket/{ticket.token}/"
    receipt = client.get(answer["Location"])
    assert "A-001" in receipt.text and "PRIORITAS" in receipt.text and "<svg" in receipt.text
    status = Client().get(f"/antrean/tiket/{ticket.token}/")
    assert status.status_code == 200 and "Menunggu" in status.text
    assert Client().get("/antrean/tiket/tebakan/").status_code == 404
    clock["now"] = at(17)
    closed = client.post("/antrean/anjungan/ambil/", {"queue": queue.pk})
    assert closed.status_code == 409 and "sudah tutup hari ini" in closed.text


def test_kiosk_check_in_by_code(queue, citizen, clock):
    ticket = services.book(citizen, queue, MONDAY, datetime.time(9))
    register_queue_kiosk(queue.mpp, "Pintu utama", "token-anjungan-uji")
    client = Client()
    client.post("/antrean/anjungan/", {"token": "token-anjungan-uji"})
    clock["now"] = at(8, 50)
    answer = client.post("/antrean/anjungan/hadir/", {"code": ticket.booking_code})
    assert answer.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "waiting"
    unknown = client.post("/antrean/anjungan/hadir/", {"code": "ABCDEFGH"})
    assert unknown.status_code == 404 and "tidak ditemukan" in unknown.text


def test_console_calls_and_display_shows_the_call(queue, counter, officer, kiosk, clock):
    clock["now"] = at(9)
    services.issue_walk_in(kiosk, queue)
    client = Client()
    login_staff(client, officer)
    assert client.get(f"/kelola/antrean/loket/{counter.pk}/").status_code == 200
    client.post(f"/kelola/antrean/loket/{counter.pk}/tindakan/", {"action": "call_next"})
    page = client.get(f"/kelola/antrean/loket/{counter.pk}/")
    assert "A-001" in page.text and "Mulai layanan" in page.text
    display = Client().get(f"/antrean/layar/{queue.mpp.slug}/")
    assert display.status_code == 200 and "A-001" in display.text
    fragment = Client().get(f"/antrean/layar/{queue.mpp.slug}/panggilan/")
    assert 'data-code="A-001"' in fragment.text and 'data-counter="1"' in fragment.text
    unchanged = Client().get(
        f"/antrean/layar/{queue.mpp.slug}/panggilan/", HTTP_IF_NONE_MATCH=fragment["ETag"]
    )
    assert unchanged.status_code == 304
    # A citizen does not reach the console.
    citizen_client = _citizen_client(CitizenFactory())
    assert citizen_client.get(f"/kelola/antrean/loket/{counter.pk}/").status_code == 403


def test_manager_sets_up_counters_quotas_rules_and_kiosks(db, clock):
    from mpp.catalog.tests.factories import PublishedServiceFactory

    service = PublishedServiceFactory()
    manager = StaffFactory()
    RoleGrant.objects.create(user=manager, role=Role.MPP_MANAGER, mpp=service.mpp)
    client = Client()
    login_staff(client, manager)
    base = f"/kelola/antrean/{service.mpp.pk}/"
    assert client.get(base).status_code == 200
    bad = client.post(
        f"{base}layanan/{service.pk}/",
        {
            "prefix": "1",
            "slot_minutes": 2,
            "online_per_slot": 3,
            "walk_in_per_slot": 3,
            "online_per_day": 30,
            "walk_in_per_day": 30,
            "is_active": "on",
        },
    )
    assert bad.status_code == 400 and "Gunakan satu atau dua huruf" in bad.text
    ok = client.post(
        f"{base}layanan/{service.pk}/",
        {
            "prefix": "k",
            "slot_minutes": 20,
            "online_per_slot": 3,
            "walk_in_per_slot": 3,
            "online_per_day": 30,
            "walk_in_per_day": 30,
            "is_active": "on",
        },
    )
    assert ok.status_code == 302
    queue = ServiceQueue.objects.get(service=service)
    assert queue.prefix == "K" and queue.slot_minutes == 20
    answer = client.post(
        f"{base}loket/baru/",
        {
            "number": 3,
            "name": "",
            "agency": service.agency.pk,
            "queues": [queue.pk],
            "is_active": "on",
        },
    )
    assert answer.status_code == 302 and Counter.objects.get().number == 3
    again = client.post(
        f"{base}loket/baru/",
        {"number": 3, "agency": service.agency.pk, "queues": [queue.pk], "is_active": "on"},
    )
    assert again.status_code == 400 and "Nomor loket ini sudah dipakai di MPP ini." in again.text
    assert Counter.objects.count() == 1
    client.post(
        f"{base}aturan/",
        {
            "no_show_limit": 3,
            "no_show_days": 30,
            "grace_minutes": 10,
            "booking_days_ahead": 14,
            "max_services": 2,
        },
    )
    assert services.rules_of(service.mpp).no_show_limit == 3
    assert services.rules_of(service.mpp).max_services == 2
    created = client.post(
        f"/kelola/perangkat/{service.mpp.pk}/", {"kind": "queue_kiosk", "name": "Pintu barat"}
    )
    assert (
        "hanya ditampilkan sekali" in created.text
        and Device.objects.filter(name="Pintu barat", kind="queue_kiosk").exists()
    )
    assert client.get(f"{base}statistik/").status_code == 200


def test_console_skips_then_returns_or_records_a_no_show(queue, counter, officer, kiosk, clock):
    clock["now"] = at(9)
    first = services.issue_walk_in(kiosk, queue)
    second = services.issue_walk_in(kiosk, queue)
    client = Client()
    login_staff(client, officer)
    action = f"/kelola/antrean/loket/{counter.pk}/tindakan/"
    client.post(action, {"action": "call_next"})
    client.post(action, {"action": "skip", "ticket": first.pk})
    clock["now"] = at(9, 5)  # back after the second ticket was taken: behind it
    client.post(action, {"action": "requeue", "ticket": first.pk})
    client.post(action, {"action": "call_next"})
    client.post(action, {"action": "skip", "ticket": second.pk})
    client.post(action, {"action": "no_show", "ticket": second.pk})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("waiting", "no_show")
    page = client.get(f"/kelola/antrean/loket/{counter.pk}/")
    assert "Menunggu: 1 orang" in page.text


def test_the_kiosk_page_estimates_every_service_in_a_fixed_number_of_queries(queue, kiosk, clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mpp.queueing.tests.conftest import make_counter, make_queue

    clock["now"] = at(9)
    second = make_queue(beside=queue, prefix="B")
    make_counter(queue, 1, second)
    make_counter(queue, 2)
    for _ in range(2):
        services.issue_walk_in(kiosk, queue)
        services.issue_walk_in(kiosk, second)
    client = Client()
    client.post("/antrean/anjungan/", {"token": "token-uji-anjungan"})
    with CaptureQueriesContext(connection) as few:
        page = client.get("/antrean/anjungan/")
    # Two waiting at each service, 10 minutes each: the first has two counters, the second one.
    assert page.status_code == 200
    assert "2 orang menunggu · ± 10 menit" in page.text
    assert "2 orang menunggu · ± 20 menit" in page.text
    for _ in range(8):
        make_queue(beside=queue, prefix=f"C{_}")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/antrean/anjungan/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    # In English, one and many; every service is offered once per choice of the visit form.
    english = client.get("/antrean/anjungan/", headers={"accept-language": "en"}).text
    assert "2 people waiting · ± 10 minutes" in english
    assert "0 people waiting · ± 0 minutes" in english
    services.issue_walk_in(kiosk, make_queue(beside=queue, prefix="D"))
    english = client.get("/antrean/anjungan/", headers={"accept-language": "en"}).text
    assert "1 person waiting · ± 10 minutes" in english
    options = english.count(f'<option value="{second.pk}">')
    assert options == english.count('<select id="visit-') - 1 == 3  # not "visit-priority"


def test_the_booking_page_reads_the_calendar_once_however_many_days_ahead(queue, citizen, clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _citizen_client(citizen)
    url = f"/antrean/pesan/{queue.pk}/"
    rules = services.rules_of(queue.mpp)
    client.get(url)  # the navigation's unread count is then in the cache for both requests
    counts = []
    for days in (3, 14):
        rules.booking_days_ahead = days
        rules.save()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_a_registered_kiosk_is_not_limited_as_an_anonymous_client(queue, clock):
    """The hall kiosk prints a number per visitor from the MPP's one address; an unregistered
    device posting as often is refused after the anonymous limit."""
    clock["now"] = at(9)
    queue.walk_in_per_slot = queue.walk_in_per_day = 100
    queue.save()
    register_queue_kiosk(queue.mpp, "Pintu utama", "token-anjungan-uji")
    kiosk = Client()
    kiosk.post("/antrean/anjungan/", {"token": "token-anjungan-uji"})
    answers = [
        kiosk.post("/antrean/anjungan/ambil/", {"queue": queue.pk}).status_code for _ in range(35)
    ]
    assert set(answers) == {302} and Ticket.objects.count() == 35
    stranger = Client()
    refused = [
        stranger.post("/antrean/anjungan/ambil/", {"queue": queue.pk}).status_code
        for _ in range(35)
    ]
    assert refused[0] == 403 and refused[-1] == 429


def test_the_booking_says_where_until_when_and_what_to_bring_in_the_mpps_zone(citizen, clock):
    """Issue 23: the ticket lacked the address, what to bring and the grace period; its times are
    the MPP's own (WITA in Denpasar), whatever the server's zone."""
    from mpp.catalog.tests.factories import (
        AgencyFactory,
        MPPFactory,
        PublishedServiceFactory,
        region,
    )
    from mpp.queueing.models import QueueRules
    from mpp.queueing.tests.conftest import make_queue

    mpp = MPPFactory(region=region("5171"), address="Jl. Raya Puputan No. 1, Denpasar")
    service = PublishedServiceFactory(mpp=mpp, agency=AgencyFactory(region=mpp.region))
    version = service.current_version
    version.requirements = ["KTP-el asli", "Kartu Keluarga"]
    type(version).objects.filter(pk=version.pk).update(requirements=version.requirements)
    QueueRules.objects.create(mpp=mpp, grace_minutes=10)
    queue = make_queue(service)
    clock["now"] = datetime.datetime(2026, 12, 6, 9, tzinfo=datetime.UTC)
    ticket = services.book(citizen, queue, MONDAY, datetime.time(9), now=clock["now"])
    page = _citizen_client(citizen).get(f"/antrean/saya/{ticket.pk}/").text
    assert "Jl. Raya Puputan No. 1, Denpasar" in page
    assert "09.00–09.30 WITA" in page
    assert "09.10 WITA (toleransi 10 menit)" in page
    assert "Yang perlu dibawa" in page and "KTP-el asli" in page and "Kartu Keluarga" in page


def test_booking_is_linked_from_the_menu_and_from_the_service_page(queue, clock):
    """Issue 23: booking was linked neither from the menu nor from a service page."""
    client = Client()
    home = client.get("/").content.decode()
    assert 'href="/antrean/"' in home[: home.index("</header>")]
    page = client.get(f"/layanan/{queue.service.pk}/").content.decode()
    assert f'href="/antrean/pesan/{queue.pk}/"' in page and "Pesan nomor antrean" in page
    ServiceQueue.objects.filter(pk=queue.pk).update(is_active=False)
    from mpp.catalog import public_cache

    public_cache.changed()
    page = client.get(f"/layanan/{queue.service.pk}/").content.decode()
    assert "/antrean/pesan/" not in page


def test_console_action_sent_with_htmx_gets_the_console_part_and_the_message(
    queue, counter, officer, kiosk, clock
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clock["now"] = at(9)
    services.issue_walk_in(kiosk, queue)
    client = Client()
    login_staff(client, officer)
    url = f"/kelola/antrean/loket/{counter.pk}/"
    htmx = {"HX-Request": "true"}
    with CaptureQueriesContext(connection) as full_queries:
        full = client.get(url)
    with CaptureQueriesContext(connection) as fragment_queries:
        fragment = client.get(url, headers=htmx)
    assert "<html" in full.text and "<html" not in fragment.text
    assert 'id="console-live"' in fragment.text and "A-001" in fragment.text
    assert len(fragment_queries.captured_queries) <= len(full_queries.captured_queries)
    # The action's redirect is followed by htmx with its header: the part, with the message in
    # the live region, focus on the current ticket.
    answer = client.post(f"{url}tindakan/", {"action": "call_next"}, headers=htmx, follow=True)
    assert "<html" not in answer.text and "Memanggil A-001." in answer.text
    assert 'id="console-announce" hx-swap-oob="innerHTML"' in answer.text
    assert 'id="current-title" tabindex="-1" autofocus' in answer.text
    # No timer replaces the section with the booking-code forms (it would wipe what is typed).
    assert 'id="console-line"' in answer.text and "hx-trigger" not in answer.text
