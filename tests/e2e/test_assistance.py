"""Browser journeys of issue 28 (part 3), help for the visit (pendampingan): a citizen books with a
wheelchair, the counter console shows it and the officer marks it met, the manager's dashboard
counts it; a walk-in asks for a quiet room at the kiosk and the hall staff record why it could not
be met. The citizen's and the kiosk's pages run without the project's scripts (plain form posts).
The clock is fixed on a Monday morning (WIB)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mpp.accounts.models import Role, RoleGrant
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.cases.tests.factories import CitizenFactory, StaffFactory
from mpp.devices.tests.factories import register_queue_kiosk
from mpp.queueing.models import AssistanceRequest, Ticket
from mpp.queueing.tests.conftest import (
    at,
    citizen_client,
    clock,  # noqa: F401 - the fixture, used by name
    make_counter,
    make_queue,
)
from mpp.web.tests.browser import settled

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
TOKEN = "token-anjungan-pendampingan"
SCRIPTS = re.compile(r"/static/.*\.js")
SHOTS = "/tmp/shots"  # noqa: S108 - screenshots for a person to look at


@pytest.fixture
def hall(db, clock):  # noqa: F811
    queue = make_queue()
    counter = make_counter(queue, 3)
    officer = StaffFactory()
    RoleGrant.objects.create(user=officer, role=Role.OFFICER, agency=queue.agency, mpp=queue.mpp)
    manager = StaffFactory()
    RoleGrant.objects.create(user=manager, role=Role.MPP_MANAGER, mpp=queue.mpp)
    register_queue_kiosk(queue.mpp, "Pintu utama", TOKEN)
    return {"queue": queue, "counter": counter, "officer": officer, "manager": manager}


def _login_citizen(page, live_server, user) -> None:
    session = citizen_client(user).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])


def _go(page, audit, url: str) -> None:
    page.goto(url)
    audit(page)


def _click(page, audit, button) -> None:
    settled(page, button.click)
    audit(page)


@pytest.mark.walks("queue_assistance.meet")
def test_a_wheelchair_asked_when_booking_is_on_the_console_and_counted_met(
    page,
    wide_page,
    audit,
    live_server,
    hall,
    clock,  # noqa: F811
):
    queue, counter = hall["queue"], hall["counter"]
    citizen = CitizenFactory()
    _login_citizen(page, live_server, citizen)
    page.route(SCRIPTS, lambda route: route.abort())
    _go(page, audit, f"/antrean/pesan/{queue.pk}/")
    page.get_by_label("09.00–09.30").check()
    page.get_by_label("Kursi roda").check()
    page.get_by_label("Catatan untuk petugas").fill("Saya datang dengan kursi roda sendiri.")
    _click(page, audit, page.get_by_role("button", name="Pesan antrean"))
    page.screenshot(path=f"{SHOTS}/assistance-booking.png", full_page=True)
    ticket = Ticket.objects.get(citizen=citizen)
    summary = page.locator(".assistance-summary")
    expect(summary).to_contain_text("Kursi roda")
    expect(summary).to_contain_text("Petugas MPP akan menemui Anda")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # At the counter: the officer checks the booking in and calls it; the console shows the help.
    clock["now"] = at(8, 55)
    login_staff_in_browser(wide_page, live_server, hall["officer"])
    _go(wide_page, audit, f"/kelola/antrean/loket/{counter.pk}/")
    wide_page.get_by_label("Kode pemesanan", exact=True).first.fill(ticket.booking_code)
    _click(wide_page, audit, wide_page.get_by_role("button", name="Lapor hadir"))
    expect(wide_page.locator(".plain-list").first).to_contain_text("Pendampingan: Kursi roda")
    clock["now"] = at(9, 1)
    _click(wide_page, audit, wide_page.get_by_role("button", name="Panggil berikutnya"))
    box = wide_page.locator(".assistance-box")
    expect(box).to_contain_text("Kursi roda")
    expect(box).to_contain_text("Saya datang dengan kursi roda sendiri.")
    wide_page.screenshot(path=f"{SHOTS}/assistance-console.png", full_page=True)
    _click(wide_page, audit, box.get_by_role("button", name=re.compile("^Terpenuhi")))
    expect(wide_page.get_by_role("status").first).to_contain_text("terpenuhi")
    assert AssistanceRequest.objects.get(ticket=ticket).status == "met"

    # The manager's dashboard counts the request and that it was met.
    login_staff_in_browser(wide_page, live_server, hall["manager"])
    _go(wide_page, audit, f"/kelola/dasbor/mpp/{queue.mpp_id}/")
    table = wide_page.locator("section[aria-labelledby=pendampingan] table")
    expect(table.locator("tbody tr")).to_have_count(1)
    cells = table.locator("tbody tr").first.locator("th, td").all_inner_texts()
    assert [cell.strip() for cell in cells] == ["Kursi roda", "1", "1", "0"]


@pytest.mark.walks("queue_assistance.decline")
def test_a_quiet_room_asked_at_the_kiosk_is_declined_by_the_hall_staff_with_a_reason(
    browser,
    wide_page,
    audit,
    live_server,
    hall,
    clock,  # noqa: F811
):
    clock["now"] = at(9, 10)
    kiosk = browser.new_page(
        base_url=live_server.url, locale="id-ID", viewport={"width": 1080, "height": 1700}
    )
    try:
        kiosk.on(
            "framenavigated",
            lambda frame: frame == kiosk.main_frame and audit.visited.append(frame.url),
        )
        kiosk.route(SCRIPTS, lambda route: route.abort())
        _go(kiosk, audit, "/antrean/anjungan/")
        kiosk.get_by_label("Token anjungan").fill(TOKEN)
        _click(kiosk, audit, kiosk.get_by_role("button", name="Daftarkan perangkat ini"))
        # The first of the kiosk's forms takes a number (the second checks a booking in).
        kiosk.get_by_role("checkbox", name="Ruang tenang").first.check()
        kiosk.get_by_role("button", name=re.compile(re.escape(hall["queue"].service.name))).click()
        kiosk.wait_for_url("**/antrean/anjungan/tiket/**")
        audit(kiosk)
        expect(kiosk.locator(".receipt")).to_contain_text("PENDAMPINGAN — Ruang tenang")
        kiosk.screenshot(path=f"{SHOTS}/assistance-receipt.png", full_page=True)
    finally:
        kiosk.close()
    ticket = Ticket.objects.get(channel="walk_in")
    assert ticket.priority

    login_staff_in_browser(wide_page, live_server, hall["manager"])
    _go(wide_page, audit, "/kelola/pendampingan/")  # one MPP: straight to its list
    card = wide_page.locator(".card", has_text=ticket.code)
    expect(card).to_contain_text("Ruang tenang")
    card.get_by_text("Tidak dapat dipenuhi").first.click()
    card.get_by_label("Alasan").fill("Ruang tenang sedang direnovasi")
    _click(wide_page, audit, card.get_by_role("button", name="Simpan: tidak dapat dipenuhi"))
    expect(wide_page.get_by_role("status").first).to_contain_text("tidak dapat dipenuhi")
    wide_page.screenshot(path=f"{SHOTS}/assistance-hall.png", full_page=True)
    request = AssistanceRequest.objects.get(ticket=ticket)
    assert (request.status, request.reason) == ("unmet", "Ruang tenang sedang direnovasi")
