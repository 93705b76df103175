"""Browser journeys of issue 16: the manager drills from the on-time rate to the late applications;
the analyst reads the national map and a locus page and exports a table; no drill-down link leads
to a list the viewer may not see."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from mpp.accounts import demo as accounts_demo
from mpp.accounts.models import User
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.cases import services
from mpp.cases.models import Application
from mpp.catalog import demo as catalog_demo
from mpp.catalog.models import Service
from mpp.reporting import services as reporting_services
from mpp.reporting.tests.helpers import services_received_today

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("MPP_SCREENSHOTS", "")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _decided(service, *, late: bool, nik="2171011508900003") -> Application:
    now = timezone.now()
    due = now - datetime.timedelta(days=1) if late else now + datetime.timedelta(days=2)
    return Application.objects.create(
        tracking_number=services.next_tracking_number(service.mpp.region, now),
        service=service,
        service_version=service.current_version,
        applicant=User.objects.get(nik=nik),
        mpp=service.mpp,
        agency=service.agency,
        status="rejected",
        submitted_at=now - datetime.timedelta(days=6),
        decided_at=now,
        due_at=due,
        clock_stopped_at=now,
    )


@pytest.fixture
def decided(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    catalog_demo.load()
    accounts_demo.load()

    def service_of(slug):
        return (
            Service.objects.published()
            .filter(agency__slug=slug)
            .select_related("current_version", "mpp__region")
            .first()
        )

    batam = service_of("disdukcapil-batam")
    yogya = service_of("disdukcapil-yogyakarta")
    rows = {
        "late": _decided(batam, late=True),
        "on_time": _decided(batam, late=False),
        "yogya_late": _decided(yogya, late=True, nik="2171055204950001"),
    }
    today = timezone.localdate()
    call_command(
        "recompute_facts",
        "--start",
        (today - datetime.timedelta(days=8)).isoformat(),
        "--end",
        (today + datetime.timedelta(days=1)).isoformat(),
        "--fix",
        stdout=open(os.devnull, "w"),  # noqa: SIM115
    )
    reporting_services.snapshot_recent()
    return rows


def test_the_manager_drills_from_the_on_time_rate_to_the_late_applications(
    page, audit, decided, live_server
):
    login_staff_in_browser(page, live_server, User.objects.get(username="pengelola.batam"))
    page.goto(f"{live_server.url}/kelola/dasbor/")
    audit(page)
    _shot(page, "mpp-dashboard")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Dasbor Mal Pelayanan")
    figure = page.locator(".figure", has_text="Tepat waktu").first
    assert "50,0%" in figure.inner_text()
    figure.get_by_role("link").click()
    audit(page)
    _shot(page, "drill-late")
    body = page.locator("main").inner_text()
    assert decided["late"].tracking_number in body
    assert decided["on_time"].tracking_number not in body
    assert decided["yogya_late"].tracking_number not in body


def test_the_analyst_reads_the_map_and_a_locus_page_and_exports_a_table(
    page, audit, decided, live_server
):
    login_staff_in_browser(page, live_server, User.objects.get(username="analis.kemenpanrb"))
    page.goto(f"{live_server.url}/kelola/dasbor/")
    audit(page)
    _shot(page, "national")
    assert page.locator("svg.map path").count() >= 38
    page.get_by_label("Indikator").select_option(label="Permohonan diterima")
    page.get_by_role("button", name="Warnai peta").click()
    audit(page)
    ranking = page.locator("#peringkat")
    ranking.get_by_role("link", name="Kota Batam").click()
    audit(page)
    _shot(page, "locus")
    assert page.get_by_role("heading", level=1).inner_text() == "Dasbor wilayah Kota Batam"
    assert page.locator("a[href^='/kelola/permohonan/?']").count() == 0
    with page.expect_download() as download:
        page.locator("#tabel-mpp").locator("xpath=..").get_by_role("link", name="CSV").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert content.splitlines()[0].startswith("MPP,")
    assert "Mal Pelayanan Publik Kota Batam" in content


def test_no_drill_down_link_reaches_a_list_beyond_the_viewer(page, audit, decided, live_server):
    """Every case-list link on the manager's dashboard opens a list of the manager's MPP only."""
    login_staff_in_browser(page, live_server, User.objects.get(username="pengelola.batam"))
    mpp = decided["late"].mpp_id
    page.goto(f"{live_server.url}/kelola/dasbor/mpp/{mpp}/")
    audit(page)
    links = sorted(
        set(
            page.locator("a[href^='/kelola/permohonan/?']").evaluate_all(
                "els => els.map(e => e.getAttribute('href'))"
            )
        )
    )
    assert links
    for href in links[:6]:
        response = page.goto(f"{live_server.url}{href}")
        audit(page)
        assert response.status == 200
        assert decided["yogya_late"].tracking_number not in page.locator("main").inner_text()
    # A link edited by hand to point at another MPP shows nothing of it either.
    other = decided["yogya_late"].mpp_id
    page.goto(f"{live_server.url}/kelola/permohonan/?status=all&decided=late&mpp={other}")
    audit(page)
    assert decided["yogya_late"].tracking_number not in page.locator("main").inner_text()
    # The manager cannot open the Yogyakarta dashboard at all.
    response = page.goto(f"{live_server.url}/kelola/dasbor/mpp/{other}/")
    audit(page)
    assert response.status == 404


def test_the_manager_pages_through_the_service_table_in_both_languages(
    page, audit, decided, live_server
):
    """An MPP with thirty services that received applications this month: the per-service table
    shows 25, "next" shows the rest (the 26th first), in Indonesian and in English."""
    batam = decided["late"].mpp
    agency = decided["late"].agency
    services_received_today(batam, agency, 30, "layanan-halaman", "Layanan halaman")
    login_staff_in_browser(page, live_server, User.objects.get(username="pengelola.batam"))
    for language, next_label in (("id", "Berikutnya"), ("en", "Next")):
        page.context.add_cookies(
            [{"name": "mpp_language", "value": language, "url": live_server.url}]
        )
        page.goto(f"{live_server.url}/kelola/dasbor/mpp/{batam.pk}/?periode=bulan")
        audit(page)
        body = page.locator("main").inner_text()
        assert "Layanan halaman 00" in body
        assert "Layanan halaman 29" not in body
        page.get_by_role("link", name=next_label, exact=True).click()
        page.wait_for_url("**cursor=**")
        audit(page)
        _shot(page, f"mpp-services-page-2-{language}")
        body = page.locator("main").inner_text()
        assert "Layanan halaman 29" in body
        assert "Layanan halaman 00" not in body
