"""The SP4N-LAPOR! forward in the browser (issue 22, finding 7): LAPOR was down for every attempt,
the desk sees the forward given up, sends it again once LAPOR answers, and reads LAPOR's number."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mpp.accounts.tests.factories import load_demo
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.complaints import demo as complaints_demo
from mpp.complaints import services
from mpp.complaints.models import Forward, LaporRegion
from mpp.complaints.tests.factories import desk, submitted
from mpp.web.simulators import Simulator

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lapor(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
    complaints_demo.load()
    simulator = Simulator().start()
    settings.MPP_LAPOR_CONNECTOR = "mpp.complaints.lapor.HttpConnector"
    settings.MPP_LAPOR_URL = f"{simulator.url}/lapor"
    LaporRegion.objects.get_or_create(region_id="2171")
    yield simulator
    simulator.stop()


def test_the_desk_sends_a_given_up_forward_again_and_reads_the_lapor_number(
    wide_page, live_server, audit, lapor
):
    lapor.lapor_down = True
    complaint = submitted()
    forward = Forward.objects.get(complaint=complaint)
    while forward.status != Forward.Status.GIVEN_UP:  # every attempt, LAPOR still down
        Forward.objects.filter(pk=forward.pk).update(
            next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        services.send_forward(forward.pk)
        forward.refresh_from_db()
    assert forward.attempts == services.FORWARD_ATTEMPTS

    page = wide_page
    login_staff_in_browser(page, live_server, desk())
    page.goto(f"/kelola/pengaduan/{complaint.pk}/")
    audit(page)
    expect(page.get_by_text("Gagal — tidak dicoba lagi")).to_be_visible()

    lapor.lapor_down = False
    page.get_by_role("button", name="Kirim ulang ke SP4N-LAPOR!").click()
    expect(page.get_by_text("Pengaduan akan dikirim ulang ke SP4N-LAPOR!.")).to_be_visible()
    audit(page)
    expect(page.get_by_text("nomor SP4N-LAPOR! LAPOR-0000001")).to_be_visible()
    expect(page.get_by_role("button", name="Kirim ulang ke SP4N-LAPOR!")).to_have_count(0)
    assert lapor.stats()["lapor_filed"] == 1
