"""Browser journeys of issue 7: the analyst cannot act on a case; an officer's look at an
application appears in the citizen's "who looked at my data" list."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from mpp.accounts import demo as accounts_demo
from mpp.accounts.models import User
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.cases import services
from mpp.cases.models import Application
from mpp.catalog import demo as catalog_demo
from mpp.catalog.models import Service
from mpp.regions.data import load_regions
from mpp.regions.models import Province, Region

from .test_applications import login_citizen

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def submitted(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    if not Region.objects.filter(code="2171").exists():
        load_regions(Province, Region)
    catalog_demo.load()
    accounts_demo.load()
    service = (
        Service.objects.published()
        .filter(agency__slug="disdukcapil-batam")
        .select_related("current_version", "mpp__region")
        .first()
    )
    now = timezone.now()
    return Application.objects.create(
        tracking_number=services.next_tracking_number(service.mpp.region, now),
        service=service,
        service_version=service.current_version,
        applicant=User.objects.get(nik="2171011508900003"),
        mpp=service.mpp,
        agency=service.agency,
        status="submitted",
        submitted_at=now,
        due_at=now + datetime.timedelta(days=3),
    )


def test_the_analyst_gets_no_case_buttons(page, audit, submitted, live_server):
    login_staff_in_browser(page, live_server, User.objects.get(username="analis.kemenpanrb"))
    page.goto(f"{live_server.url}/akun/kerja/")
    audit(page)
    assert page.get_by_role("link", name="Kotak masuk permohonan").count() == 0
    response = page.goto(f"{live_server.url}/kelola/permohonan/{submitted.pk}/")
    audit(page)
    assert response.status == 403
    assert page.get_by_role("button", name="Tangani permohonan ini").count() == 0
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and submitted.assigned_to_id is None


def test_an_officer_views_and_the_citizen_sees_who_looked(page, audit, submitted, live_server):
    officer = User.objects.get(username="petugas.dukcapil")
    login_staff_in_browser(page, live_server, officer)
    page.goto(f"{live_server.url}/kelola/permohonan/{submitted.pk}/")
    audit(page)
    assert page.get_by_role("heading", name="Isian dan berkas").is_visible()
    page.context.clear_cookies()
    login_citizen(page, live_server)
    page.goto(f"{live_server.url}/permohonan/{submitted.pk}/")
    audit(page)
    log = page.get_by_role("region", name="Siapa yang melihat data saya")
    assert log.get_by_text(officer.name).is_visible()
    assert log.get_by_text(submitted.agency.name).is_visible()
    assert log.get_by_text("Isian permohonan").first.is_visible()
    page.goto(f"{live_server.url}/akun/profil/")
    audit(page)
    assert (
        page.get_by_role("region", name="Siapa yang melihat data saya")
        .get_by_text(officer.name)
        .is_visible()
    )
    # On a 360 px phone every part of each line stays on screen (a table hid a column; issue 23).
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/akun/profil/")
    audit(page)
    log = page.get_by_role("region", name="Siapa yang melihat data saya")
    assert log.get_by_text("Petugas layanan").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path="var/screenshots/access-log-360.png", full_page=True)
