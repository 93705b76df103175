"""Browser journeys of issue 14: book, check in and be called; priority first; the hall display;
quotas of the two channels independent. The clock is fixed on a Monday morning (WIB)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from mpp.accounts.models import Role, RoleGrant
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.cases.tests.factories import CitizenFactory, StaffFactory
from mpp.devices.tests.factories import device_with_token, register_queue_kiosk
from mpp.queueing import services
from mpp.queueing.models import Ticket
from mpp.queueing.tests.conftest import MONDAY, at, make_counter, make_queue
from mpp.web.tests.browser import settled

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
TOKEN = "token-anjungan-e2e"
SHOTS = "/tmp/shots"  # noqa: S108 - screenshots for a person to look at


@pytest.fixture
def clock(monkeypatch):
    moment = {"now": at(7)}
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment["now"])
    return moment


@pytest.fixture
def hall(db, clock):
    queue = make_queue(online_per_day=1, walk_in_per_day=2)
    counter = make_counter(queue, 3)
    officer = StaffFactory()
    RoleGrant.objects.create(user=officer, role=Role.OFFICER, agency=queue.agency, mpp=queue.mpp)
    register_queue_kiosk(queue.mpp, "Pintu utama", TOKEN)
    return {"queue": queue, "counter": counter, "officer": officer}


def _login(page, live_server, user):
    client = Client()
    client.force_login(user, backend="mpp.accounts.backends.NikOrUsernameBackend")
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _kiosk(page, live_server, audit):
    page.goto(f"{live_server.url}/antrean/anjungan/")
    audit(page)
    page.get_by_label("Token anjungan").fill(TOKEN)
    page.get_by_role("button", name="Daftarkan perangkat ini").click()
    page.wait_for_load_state("load")
    audit(page)


def _console_call(page, live_server, audit, counter):
    page.goto(f"{live_server.url}/kelola/antrean/loket/{counter.pk}/")
    audit(page)
    settled(page, page.get_by_role("button", name="Panggil berikutnya").click)
    audit(page)
    return page.locator(".console-code__number").inner_text()


@pytest.mark.walks("queue_ticket.call")
def test_citizen_books_checks_in_and_is_called_on_the_display(
    browser, page, wide_page, audit, live_server, hall, clock
):
    citizen = CitizenFactory()
    _login(page, live_server, citizen)
    page.goto(f"{live_server.url}/antrean/")
    audit(page)
    page.get_by_role("link", name=hall["queue"].service.name).click()
    page.wait_for_load_state("load")
    audit(page)
    page.screenshot(path=f"{SHOTS}/book.png", full_page=True)
    page.get_by_label("09.00–09.30").check()
    page.get_by_role("button", name="Pesan antrean").click()
    page.wait_for_load_state("load")
    audit(page)
    page.screenshot(path=f"{SHOTS}/booking.png", full_page=True)
    ticket = Ticket.objects.get(citizen=citizen)
    assert ticket.booking_code in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    clock["now"] = at(8, 55)
    kiosk = browser.new_page(
        base_url=live_server.url, locale="id-ID", viewport={"width": 1080, "height": 1700}
    )
    try:
        kiosk.on(
            "framenavigated",
            lambda frame: frame == kiosk.main_frame and audit.visited.append(frame.url),
        )
        _kiosk(kiosk, live_server, audit)
        kiosk.screenshot(path=f"{SHOTS}/kiosk.png", full_page=True)
        kiosk.get_by_label("Kode pemesanan").fill(ticket.booking_code)
        kiosk.get_by_role("button", name="Lapor hadir").click()
        kiosk.wait_for_url("**/antrean/anjungan/tiket/**")
        audit(kiosk)
        kiosk.screenshot(path=f"{SHOTS}/receipt.png", full_page=True)
        assert ticket.code in kiosk.content()
    finally:
        kiosk.close()

    login_staff_in_browser(wide_page, live_server, hall["officer"])
    clock["now"] = at(9, 1)
    assert _console_call(wide_page, live_server, audit, hall["counter"]) == ticket.code
    wide_page.screenshot(path=f"{SHOTS}/console.png", full_page=True)

    # The display (no axe, by the issue): the call is there, large and with strong contrast.
    display = browser.new_page(
        base_url=live_server.url, locale="id-ID", viewport={"width": 1920, "height": 1080}
    )
    try:
        display.goto(f"/antrean/layar/{hall['queue'].mpp.slug}/")
        display.screenshot(path=f"{SHOTS}/display.png")
        code = display.locator(".calls__code")
        assert code.inner_text() == ticket.code
        assert "Loket 3" in display.locator(".calls__counter").inner_text()
        size = display.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.calls__code')).fontSize)"
        )
        assert size >= 200  # px on a 1920 px screen: about 10 cm tall on a 50-inch TV
        colours = display.evaluate(
            "[getComputedStyle(document.querySelector('.calls__code')).color, getComputedStyle(document.body).backgroundColor]"
        )
        assert colours == ["rgb(255, 213, 79)", "rgb(13, 17, 23)"]  # contrast 12.9:1
    finally:
        display.close()
    ticket.refresh_from_db()
    assert ticket.status == "called"


def test_priority_walk_in_is_served_first_and_display_updates_live(
    browser, wide_page, audit, live_server, hall, clock
):
    clock["now"] = at(9, 0)
    display = browser.new_page(
        base_url=live_server.url, locale="id-ID", viewport={"width": 1280, "height": 720}
    )
    try:
        display.goto(f"/antrean/layar/{hall['queue'].mpp.slug}/")
        assert "Belum ada panggilan" in display.content()
        kiosk = wide_page
        _kiosk(kiosk, live_server, audit)
        kiosk.get_by_role("button", name=hall["queue"].service.name).click()
        kiosk.wait_for_url("**/antrean/anjungan/tiket/**")
        audit(kiosk)
        plain = Ticket.objects.get(priority=False).code
        kiosk.goto(f"{live_server.url}/antrean/anjungan/")
        audit(kiosk)
        kiosk.get_by_label("Lanjut usia", exact=True).first.check()
        kiosk.get_by_role("button", name=hall["queue"].service.name).click()
        kiosk.wait_for_url("**/antrean/anjungan/tiket/**")
        audit(kiosk)
        elderly = Ticket.objects.get(priority=True).code
        assert elderly in kiosk.locator(".receipt__number").inner_text()
        assert "PRIORITAS" in kiosk.content() and elderly != plain
        # The walk-in day quota (2) is used up: a clear message, no number.
        kiosk.goto(f"{live_server.url}/antrean/anjungan/")
        audit(kiosk)
        kiosk.get_by_role("button", name=hall["queue"].service.name).click()
        kiosk.get_by_text("sudah habis hari ini").wait_for()
        assert Ticket.objects.count() == 2
        login_staff_in_browser(kiosk, live_server, hall["officer"])
        clock["now"] = at(9, 5)
        assert _console_call(kiosk, live_server, audit, hall["counter"]) == elderly
        # The display polls every 2 s and shows the new call without a reload.
        display.locator(".calls__code", has_text=elderly).wait_for(timeout=8000)
    finally:
        display.close()


def test_quota_of_one_channel_running_out_leaves_the_other(page, audit, live_server, hall, clock):
    # Walk-ins used up today's walk-in quota...
    kiosk_row = device_with_token(TOKEN)
    for minute in (0, 1):
        services.issue_walk_in(kiosk_row, hall["queue"], now=at(8, minute))
    clock["now"] = at(8, 5)
    citizen = CitizenFactory()
    _login(page, live_server, citizen)
    page.goto(f"{live_server.url}/antrean/pesan/{hall['queue'].pk}/?tanggal={MONDAY:%Y-%m-%d}")
    audit(page)
    # ...yet the online place of 10.00 is still offered and can be booked.
    assert (
        "10.00–10.30 — 1 tempat tersisa"
        in page.locator("fieldset", has_text="Slot pada").inner_text()
    )
    page.get_by_label("10.00–10.30").check()
    page.get_by_role("button", name="Pesan antrean").click()
    page.wait_for_load_state("load")
    audit(page)
    assert Ticket.objects.filter(citizen=citizen, status="booked").exists()
    # The online day quota (1) is now used up: every slot says full...
    other = CitizenFactory()
    _login(page, live_server, other)
    page.goto(f"{live_server.url}/antrean/pesan/{hall['queue'].pk}/?tanggal={MONDAY:%Y-%m-%d}")
    audit(page)
    assert "tempat tersisa" not in page.locator("fieldset", has_text="Slot pada").inner_text()
    # ...while the walk-in places of tomorrow are untouched by it.
    tomorrow = MONDAY + datetime.timedelta(days=1)
    slot = services.availability(hall["queue"], tomorrow, now=at(8, 5))[0]
    assert slot.walk_in_free == 2 and slot.online_free == 1


def test_kiosk_without_network_says_so_and_prints_nothing(
    wide_page, audit, live_server, hall, clock
):
    clock["now"] = at(9, 0)
    _kiosk(wide_page, live_server, audit)
    wide_page.context.set_offline(True)
    wide_page.get_by_role("button", name=hall["queue"].service.name).click()
    wide_page.get_by_role("alert").get_by_text("Koneksi ke server terputus").wait_for()
    assert "/antrean/anjungan/" in wide_page.url and "tiket" not in wide_page.url
    assert not Ticket.objects.exists()
    wide_page.context.set_offline(False)
    wide_page.get_by_role("button", name=hall["queue"].service.name).click()
    wide_page.wait_for_url("**/antrean/anjungan/tiket/**")
    audit(wide_page)
    assert Ticket.objects.count() == 1


def test_the_hall_display_fits_a_television_screen(browser, live_server, hall, clock):
    """Issue 23: on a 1920 x 1080 TV the previous calls fell below the edge; a TV cannot scroll."""
    officer = hall["officer"]
    queue = make_queue(beside=hall["queue"], prefix="B", walk_in_per_day=20, walk_in_per_slot=20)
    kiosk = device_with_token(TOKEN)
    for number in range(4, 12):  # eight counters, each with a call today
        counter = make_counter(queue, number)
        services.issue_walk_in(kiosk, queue, now=at(9, number))
        clock["now"] = at(9, 20 + number)
        services.call_next(counter, officer=officer, now=at(9, 20 + number))
    for size in ({"width": 1920, "height": 1080}, {"width": 1366, "height": 768}):
        display = browser.new_page(base_url=live_server.url, locale="id-ID", viewport=size)
        try:
            display.goto(f"/antrean/layar/{queue.mpp.slug}/")
            display.screenshot(path=f"{SHOTS}/display-{size['width']}.png")
            assert display.locator(".calls__table tbody tr").count() == 7
            fits = display.evaluate(
                "() => { const rows = document.querySelectorAll('.calls__table tr');"
                " const last = rows[rows.length - 1].getBoundingClientRect();"
                " return [document.documentElement.scrollHeight <= innerHeight,"
                " last.bottom <= innerHeight, document.documentElement.scrollWidth <= innerWidth]; }"
            )
            assert fits == [True, True, True], size
            code = display.evaluate(
                "parseFloat(getComputedStyle(document.querySelector('.calls__code')).fontSize)"
            )
            assert code >= size["width"] * 0.1  # still readable from the back of the hall
            lines = display.evaluate(
                "(() => { const c = document.querySelector('.calls__code');"
                " return Math.round(c.getBoundingClientRect().height"
                " / parseFloat(getComputedStyle(c).lineHeight)); })()"
            )
            assert lines == 1, "the number called is on one line"
        finally:
            display.close()


def _click(page, audit, name: str, **within) -> None:
    """Press a console button and audit the page it leads to."""
    scope = page.locator(within["section"]) if within else page
    settled(page, scope.get_by_role("button", name=name, exact=True).first.click)
    audit(page)


@pytest.mark.walks("queue_ticket.reschedule", "queue_ticket.cancel")
def test_citizen_reschedules_then_cancels_a_booking(page, audit, live_server, hall, clock):
    citizen = CitizenFactory()
    queue = make_queue(beside=hall["queue"], prefix="B", online_per_day=10)
    ticket = services.book(citizen, queue, MONDAY, datetime.time(10), now=at(7))
    _login(page, live_server, citizen)
    page.goto(f"{live_server.url}/antrean/saya/{ticket.pk}/")
    audit(page)
    page.get_by_role("link", name="Ubah jadwal").click()
    page.wait_for_load_state("load")
    audit(page)
    page.get_by_label("11.00–11.30").check()
    page.get_by_role("button", name="Ubah ke slot ini").click()
    page.wait_for_load_state("load")
    audit(page)
    assert "Jadwal pemesanan sudah diubah" in page.content()
    ticket.refresh_from_db()
    assert ticket.slot_starts == datetime.time(11) and ticket.status == "booked"
    page.get_by_role("link", name="Batalkan pemesanan").click()
    page.wait_for_load_state("load")
    audit(page)
    page.get_by_role("button", name="Ya, batalkan").click()
    page.wait_for_load_state("load")
    audit(page)
    assert "Pemesanan dibatalkan" in page.content()
    ticket.refresh_from_db()
    assert ticket.status == "cancelled"


@pytest.mark.walks(
    "queue_ticket.check_in",
    "queue_ticket.move_service",
    "queue_ticket.cancel",
    "queue_ticket.call",
    "queue_ticket.recall",
    "queue_ticket.skip",
    "queue_ticket.requeue",
    "queue_ticket.start",
    "queue_ticket.finish",
    "queue_ticket.transfer",
    "queue_ticket.no_show",
)
def test_the_officer_takes_every_counter_action_on_the_console(
    wide_page, audit, live_server, hall, clock
):
    """Issue 23: every action of the counter console, through the page, as the officer."""
    page, counter, first = wide_page, hall["counter"], hall["queue"]
    second = make_queue(beside=first, prefix="B", online_per_day=10, online_per_slot=5)
    counter.queues.add(second)
    other_counter = make_counter(first, 5)
    arriving = services.book(CitizenFactory(), second, MONDAY, datetime.time(9), now=at(7))
    wrong = services.book(CitizenFactory(), second, MONDAY, datetime.time(9), now=at(7))
    unwanted = services.book(CitizenFactory(), second, MONDAY, datetime.time(10), now=at(7))
    clock["now"] = at(9)
    kiosk = device_with_token(TOKEN)
    services.issue_walk_in(kiosk, first, now=at(9))
    services.issue_walk_in(kiosk, first, now=at(9, 1))
    login_staff_in_browser(page, live_server, hall["officer"])
    page.goto(f"{live_server.url}/kelola/antrean/loket/{counter.pk}/")
    audit(page)
    assert "Antrean sedang dibuka" in page.content()

    # A booked citizen reports at the counter; another booked the wrong service; a third cancels.
    page.locator("#id_code").fill(arriving.booking_code)
    _click(page, audit, "Lapor hadir", section="#checkin-title + form")
    assert "sudah lapor hadir" in page.content()
    page.locator("#move_code").fill(wrong.booking_code)
    page.locator("#move_queue").select_option(label=first.service.name)
    _click(page, audit, "Pindahkan")
    assert "Pemesanan dipindahkan" in page.content()
    page.locator("#cancel_code").fill(unwanted.booking_code)
    _click(page, audit, "Batalkan pemesanan")
    assert "dibatalkan" in page.content()

    def call() -> str:
        _click(page, audit, "Panggil berikutnya")
        return page.locator(".console-code__number").inner_text()

    # Called, called again, skipped, back in the line.
    absent = call()
    _click(page, audit, "Panggil ulang")
    _click(page, audit, "Lewati")
    clock["now"] = at(9, 5)  # back in the line behind the walk-ins who came before
    _click(page, audit, f"Kembalikan ke antrean {absent}")
    # Served from start to finish.
    served = call()
    _click(page, audit, "Mulai layanan")
    _click(page, audit, "Selesai dilayani")
    assert f"Layanan {served} selesai" in page.content()
    # Sent on to another counter.
    sent = call()
    _click(page, audit, "Mulai layanan")
    page.locator("#to_counter").select_option(label="Loket 5")
    _click(page, audit, "Alihkan")
    assert f"{sent} dialihkan" in page.content()
    # The one skipped earlier never comes back.
    assert call() == absent
    _click(page, audit, "Lewati")
    _click(page, audit, f"Tidak hadir {absent}")

    statuses = dict(Ticket.objects.values_list("code", "status"))
    assert statuses[absent] == "no_show" and statuses[served] == "served"
    assert Ticket.objects.get(code=sent).for_counter == other_counter
    wrong.refresh_from_db()
    unwanted.refresh_from_db()
    assert (wrong.queue, wrong.status, unwanted.status) == (first, "booked", "cancelled")
