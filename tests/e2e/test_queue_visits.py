"""Issue 28: a two-service visit moves through two counters on one number. The kiosk and the
ticket page without JavaScript at 360 px, the two agencies' consoles at a desk, in Bahasa Indonesia
and in English. The clock is fixed on a Monday morning (WIB)."""

from __future__ import annotations

import pytest

from mpp.accounts.models import Role, RoleGrant
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.cases.tests.factories import StaffFactory
from mpp.catalog.tests.factories import PublishedServiceFactory
from mpp.devices.tests.factories import register_queue_kiosk
from mpp.queueing.models import Ticket
from mpp.queueing.tests.conftest import at, make_counter, make_queue
from mpp.web.tests.browser import settled

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
TOKEN = "token-anjungan-kunjungan"

TEXTS = {
    "id": {
        "pair": "Daftarkan perangkat ini",
        "token": "Token anjungan",
        "first": "Layanan pertama",
        "second": "Layanan ke-2",
        "take": "Ambil satu nomor untuk layanan ini",
        "leg1": "Layanan 1 dari 2",
        "leg2": "Layanan 2 dari 2",
        "call": "Panggil berikutnya",
        "start": "Mulai layanan",
        "next_button": "Selesai, lanjut ke {service}",
        "moved": "tiket masuk antrean {service}",
        "finish": "Selesai dilayani",
        "next_line": "layanan berikutnya: {service}",
        "done": "selesai (loket 1)",
        "now": "sekarang (loket 2)",
        "served": "Selesai dilayani",
    },
    "en": {
        "pair": "Register this device",
        "token": "Kiosk token",
        "first": "First service",
        "second": "Service 2",
        "take": "Take one number for these services",
        "leg1": "Service 1 of 2",
        "leg2": "Service 2 of 2",
        "call": "Call next",
        "start": "Start service",
        "next_button": "Done, on to {service}",
        "moved": "the ticket joins the line of {service}",
        "finish": "Served",
        "next_line": "next service: {service}",
        "done": "done (counter 1)",
        "now": "now (counter 2)",
        "served": "Served",
    },
}


@pytest.fixture
def clock(monkeypatch):
    moment = {"now": at(9)}
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment["now"])
    return moment


@pytest.fixture
def hall(db, clock):
    """KK at Disdukcapil's counter 1 and KTP-el of another agency at counter 2, one officer each."""
    family = make_queue(PublishedServiceFactory(name="Kartu Keluarga baru"), prefix="B")
    identity = make_queue(PublishedServiceFactory(name="KTP-el baru", mpp=family.mpp), prefix="A")
    officers = []
    for queue in (family, identity):
        officer = StaffFactory()
        RoleGrant.objects.create(
            user=officer, role=Role.OFFICER, agency=queue.agency, mpp=queue.mpp
        )
        officers.append(officer)
    register_queue_kiosk(family.mpp, "Pintu utama", TOKEN)
    return {
        "family": family,
        "identity": identity,
        "counters": [make_counter(family, 1), make_counter(identity, 2)],
        "officers": officers,
    }


def _no_script_page(browser, live_server, audit, language):
    """A 360 px page without JavaScript, whose every visit is audited."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 360, "height": 780},
        locale={"id": "id-ID", "en": "en-GB"}[language],
        extra_http_headers={"Accept-Language": language},
        java_script_enabled=False,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on(
        "framenavigated",
        lambda frame: frame == page.main_frame and audit.visited.append(frame.url.split("#")[0]),
    )
    return context, page


def _audit_as_seen(audit, seer, page) -> None:
    """axe needs scripts: the page a script-less browser shows is audited as ``seer`` (same
    cookies, scripts on) sees the same address."""
    seer.context.add_cookies(page.context.cookies())
    seer.goto(page.url)
    audit(seer)


def _counter_step(page, audit, button):
    settled(page, page.get_by_role("button", name=button).click)
    audit(page)


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.walks("queue_ticket.next_service")
def test_a_two_service_visit_moves_through_two_counters_on_one_number(
    browser, browser_page, audit, live_server, hall, clock, language
):
    text = TEXTS[language]
    family, identity = hall["family"].service.name, hall["identity"].service.name
    context, kiosk = _no_script_page(browser, live_server, audit, language)
    seer = browser_page(language=language)
    try:
        kiosk.goto("/antrean/anjungan/")
        _audit_as_seen(audit, seer, kiosk)
        kiosk.get_by_label(text["token"]).fill(TOKEN)
        kiosk.get_by_role("button", name=text["pair"]).click()
        kiosk.wait_for_load_state("load")
        _audit_as_seen(audit, seer, kiosk)
        kiosk.get_by_label(text["first"]).select_option(label=family)
        kiosk.get_by_label(text["second"]).select_option(label=identity)
        kiosk.get_by_role("button", name=text["take"]).click()
        kiosk.wait_for_url("**/antrean/anjungan/tiket/**")
        _audit_as_seen(audit, seer, kiosk)
        ticket = Ticket.objects.get()
        assert ticket.code in kiosk.locator("h1").inner_text()
        assert identity in kiosk.content() and ticket.legs == 2
        assert kiosk.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        kiosk.goto(f"/antrean/tiket/{ticket.token}/")
        _audit_as_seen(audit, seer, kiosk)
        assert text["leg1"] in kiosk.content()
    finally:
        context.close()

    desk = browser_page(language=language, wide=True)
    first_counter, second_counter = hall["counters"]
    login_staff_in_browser(desk, live_server, hall["officers"][0])
    desk.goto(f"/kelola/antrean/loket/{first_counter.pk}/")
    audit(desk)
    clock["now"] = at(9, 5)
    _counter_step(desk, audit, text["call"])
    assert desk.locator(".console-code__number").inner_text() == ticket.code
    assert text["next_line"].format(service=identity) in desk.content()
    _counter_step(desk, audit, text["start"])
    clock["now"] = at(9, 20)
    _counter_step(desk, audit, text["next_button"].format(service=identity))
    assert text["moved"].format(service=identity) in desk.locator("[role=status]").inner_text()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.code, ticket.queue) == ("waiting", ticket.code, hall["identity"])

    other_desk = browser_page(language=language, wide=True)
    login_staff_in_browser(other_desk, live_server, hall["officers"][1])
    other_desk.goto(f"/kelola/antrean/loket/{second_counter.pk}/")
    audit(other_desk)
    clock["now"] = at(9, 25)
    _counter_step(other_desk, audit, text["call"])
    assert other_desk.locator(".console-code__number").inner_text() == ticket.code

    # The citizen's phone: where to go now, and the first service done.
    phone = browser_page(language=language)
    phone.goto(f"/antrean/tiket/{ticket.token}/")
    audit(phone)
    content = phone.locator("main").inner_text()
    for expected in (text["leg2"], text["done"], text["now"]):
        assert expected in content, (expected, content)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    _counter_step(other_desk, audit, text["start"])
    clock["now"] = at(9, 35)
    _counter_step(other_desk, audit, text["finish"])
    ticket.refresh_from_db()
    assert ticket.status == "served" and ticket.counter == second_counter


@pytest.mark.walks("queue_ticket.add_service")
def test_a_citizen_adds_a_second_service_to_a_booking(page, audit, live_server, hall, clock):
    from django.test import Client

    from mpp.cases.tests.factories import CitizenFactory
    from mpp.queueing import services
    from mpp.queueing.tests.conftest import MONDAY

    clock["now"] = at(7)
    citizen = CitizenFactory()
    booking = services.book(citizen, hall["family"], MONDAY, at(10).time())
    client = Client()
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"/antrean/saya/{booking.pk}/")
    audit(page)
    identity = hall["identity"].service.name
    page.get_by_label("Layanan berikutnya").select_option(label=identity)
    page.get_by_role("button", name="Tambah layanan").click()
    page.wait_for_load_state("load")
    audit(page)
    assert "ditambahkan ke kunjungan ini" in page.get_by_role("status").inner_text()
    assert "Layanan 1 dari 2" in page.content() and identity in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    booking.refresh_from_db()
    assert (booking.legs, booking.next_queue) == (2, hall["identity"])


def test_the_ticket_page_follows_the_call_in_place_without_reloading(
    browser_page, audit, live_server, hall, clock
):
    """No meta refresh (WCAG 2.2.1): every 30 seconds the status part is fetched again and put in
    place — the page is not reloaded, so focus and what a screen reader is reading stay."""
    from mpp.devices.models import Device
    from mpp.queueing import services

    kiosk = Device.objects.get(mpp=hall["family"].mpp)
    ticket = services.issue_walk_in(kiosk, hall["family"])
    phone = browser_page()
    phone.clock.install()
    phone.goto(f"/antrean/tiket/{ticket.token}/")
    audit(phone)
    assert phone.locator("meta[http-equiv=refresh]").count() == 0
    assert "Giliran Anda" not in phone.locator("#ticket-status").inner_text()
    phone.evaluate("window.notReloaded = true")
    clock["now"] = at(9, 5)
    services.call_next(hall["counters"][0], officer=hall["officers"][0])
    phone.clock.fast_forward(31_000)
    phone.locator("#ticket-status").get_by_text("Giliran Anda. Silakan ke loket 1.").wait_for()
    assert phone.evaluate("window.notReloaded === true")
    audit(phone)
