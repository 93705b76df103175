"""The demo gives an officer work to do, and re-running it changes nothing."""

import pytest
from django.core.management import call_command

from mpp.accounts.models import User
from mpp.accounts.tests.helpers import login_staff
from mpp.cases.models import Application

pytestmark = pytest.mark.django_db


def test_demo_files_applications_once_and_the_officer_sees_them(client):
    call_command("load_demo")
    call_command("load_demo")
    statuses = sorted(Application.objects.values_list("service__slug", "status"))
    assert statuses == [
        ("batam-akta-kelahiran", "submitted"),
        ("batam-kk-baru", "revision_requested"),
        ("batam-sip-dokter", "submitted"),
    ]
    login_staff(client, User.objects.get(username="petugas.dukcapil"))
    page = client.get("/kelola/permohonan/").content.decode()
    dukcapil = Application.objects.filter(agency__slug="disdukcapil-batam")
    assert all(application.tracking_number in page for application in dukcapil)
    sip = Application.objects.get(service__slug="batam-sip-dokter")
    assert sip.tracking_number not in page  # another agency's work
