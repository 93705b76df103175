"""Browser journey of the one device mechanism (issue 24): the MPP manager registers a queue kiosk,
pairs it with the one-time link, replaces its token and revokes it; the kiosk notices each step."""

from __future__ import annotations

import pytest

from mpp.accounts.models import Role, RoleGrant
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.cases.tests.factories import StaffFactory
from mpp.devices.models import Device
from mpp.queueing.tests.conftest import make_queue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_manager_registers_pairs_rotates_and_revokes_a_kiosk(browser_page, audit, live_server):
    queue = make_queue()
    manager = StaffFactory()
    RoleGrant.objects.create(user=manager, role=Role.MPP_MANAGER, mpp=queue.mpp)
    desk = browser_page(wide=True)
    login_staff_in_browser(desk, live_server, manager)
    desk.goto(f"{live_server.url}/kelola/perangkat/")
    desk.wait_for_url(f"**/kelola/perangkat/{queue.mpp.pk}/")
    audit(desk)
    desk.get_by_label("Jenis perangkat").select_option(label="Anjungan antrean")
    desk.get_by_label("Nama perangkat").fill("Anjungan pintu utama")
    desk.get_by_role("button", name="Daftarkan").click()
    desk.wait_for_load_state("load")
    audit(desk)
    assert desk.locator("#device-token").inner_text().startswith("mppd_")
    pairing = desk.locator("#pairing-url").inner_text()

    kiosk = browser_page()
    kiosk.goto(pairing)
    audit(kiosk)
    kiosk.get_by_role("button", name="Pasangkan perangkat ini").click()
    kiosk.wait_for_url("**/antrean/anjungan/")
    audit(kiosk)
    assert kiosk.get_by_role("button", name=queue.service.name).is_visible()

    desk.goto(f"{live_server.url}/kelola/perangkat/{queue.mpp.pk}/")
    audit(desk)
    assert "Aktif" in desk.locator("table").inner_text()
    desk.get_by_role("button", name="Ganti token Anjungan pintu utama").click()
    desk.wait_for_load_state("load")
    audit(desk)
    assert "Token lama sudah tidak berlaku" in desk.content()
    new_pairing = desk.locator("#pairing-url").inner_text()
    kiosk.reload()
    audit(kiosk)
    assert "Token perangkat tidak dikenal atau sudah diganti." in kiosk.content()
    kiosk.goto(new_pairing)
    audit(kiosk)
    kiosk.get_by_role("button", name="Pasangkan perangkat ini").click()
    kiosk.wait_for_url("**/antrean/anjungan/")
    audit(kiosk)

    desk.goto(f"{live_server.url}/kelola/perangkat/{queue.mpp.pk}/")
    audit(desk)
    desk.get_by_role("button", name="Cabut Anjungan pintu utama").click()
    desk.wait_for_load_state("load")
    audit(desk)
    assert "Perangkat Anjungan pintu utama sudah dicabut." in desk.content()
    kiosk.reload()
    audit(kiosk)
    assert "Perangkat ini sudah dicabut oleh pengelola MPP." in kiosk.content()
    assert Device.objects.get().revoked_at is not None
