"""At the counter the officer's filing never waits on Dukcapil; the application shows "cocok",
"tidak cocok" or "tidak dapat dicek", and the sweep finishes a check that had to wait."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from mpp.accounts.tests.helpers import login_staff
from mpp.cases import services as case_services
from mpp.cases.tests.factories import officer_for, service_with
from mpp.deadlines.services import sweep
from mpp.integrations.models import Verification

pytestmark = pytest.mark.django_db


def walk_in(name="Budi Santoso"):
    return case_services.WalkIn(
        nik="2171011508900003", birth_date=datetime.date(1990, 8, 15), name=name
    )


def file(officer, service, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return case_services.file_at_counter(
            officer=officer, service=service, walk_in=walk_in(**kwargs)
        )


def check_line(client, officer, application) -> str:
    login_staff(client, officer)
    page = client.get(reverse("cases:staff_detail", args=[application.pk])).content.decode()
    assert "Pemeriksaan NIK (Dukcapil)" in page
    return page.split("Pemeriksaan NIK (Dukcapil)", 1)[1].split("</dd>", 1)[0]


@pytest.fixture
def service(batam_dukcapil):
    return service_with()


def test_the_officer_sees_a_match_and_a_mismatch(
    client, service, django_capture_on_commit_callbacks
):
    officer = officer_for(service)
    application = file(officer, service, django_capture_on_commit_callbacks)
    assert "cocok" in check_line(client, officer, application)
    assert "tidak cocok" not in check_line(client, officer, application)

    other = file(officer, service, django_capture_on_commit_callbacks, name="Bambang Sutrisno")
    line = check_line(client, officer, other)
    assert "tidak cocok" in line and "nama berbeda" in line
    # The typed name is kept only until the answer came.
    assert not Verification.objects.exclude(sealed_query="").exists()


def test_dukcapil_down_lets_the_filing_go_on_and_the_sweep_checks_later(
    client, service, partner, moved_clock, django_capture_on_commit_callbacks
):
    officer = officer_for(service)
    partner.mode = "timeout"
    application = file(officer, service, django_capture_on_commit_callbacks)
    assert application.pk  # the filing is there
    assert "tidak dapat dicek" in check_line(client, officer, application)
    assert Verification.objects.get().sealed_query  # what was typed waits, sealed

    partner.mode = "simulator"
    with django_capture_on_commit_callbacks(execute=True):
        sweep(moved_clock.move(minutes=2))
    line = check_line(client, officer, application)
    assert "cocok" in line and "tidak" not in line
    assert Verification.objects.get().sealed_query == ""
