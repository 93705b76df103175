"""What people missed on the complaint pages when the demo was walked (issue 23)."""

from __future__ import annotations

import pytest

from mpp.accounts.models import User
from mpp.accounts.tests.helpers import login_staff
from mpp.catalog.models import Service
from mpp.complaints import services
from mpp.complaints.models import Complaint
from mpp.complaints.workflow import DESK
from mpp.tenancy.models import MPP

from .factories import desk, officer, submitted

pytestmark = pytest.mark.django_db


def citizen() -> User:
    return User.objects.get(nik="2171011508900003")


def _form(**extra) -> dict:
    return {
        "kind": "pengaduan",
        "about": "mpp",
        "mpp": MPP.objects.get(slug="mpp-kota-batam").pk,
        "title": "AC ruang tunggu mati",
        "text": "Sudah seminggu pendingin ruangan tidak menyala.",
        **extra,
    }


def test_a_citizen_finds_their_complaints_from_the_menu_the_account_and_after_filing(client, demo):
    client.force_login(citizen())
    mine = 'href="/pengaduan/saya/"'
    assert mine in client.get("/").content.decode()
    assert mine in client.get("/akun/profil/").content.decode()
    response = client.post("/pengaduan/baru/", _form(), follow=True)
    assert mine in response.content.decode().split("</header>", 1)[1]
    complaint = Complaint.objects.get(title="AC ruang tunggu mati")
    assert complaint.tracking_number in client.get("/pengaduan/saya/").content.decode()


def test_the_agency_reads_the_note_the_desk_forwarded_with(client, demo):
    complaint = submitted()
    services.take_action(
        complaint,
        "verify",
        user=desk(),
        kinds={DESK},
        note="Pelapor datang Senin pagi; mohon cek loket 3.",
    )
    login_staff(client, officer())
    page = client.get(f"/kelola/pengaduan/{complaint.pk}/").content.decode()
    assert "Pelapor datang Senin pagi; mohon cek loket 3." in page
    assert (
        "Pelapor datang Senin pagi"
        not in client.get(f"/pengaduan/{complaint.tracking_number}/").content.decode()
    )


def test_the_complaint_pages_name_the_category_and_the_service(client, demo):
    service = Service.objects.published().filter(mpp__slug="mpp-kota-batam").first()
    complaint = submitted(about="service", service=service, agency=None)
    category, service_name = complaint.category.name, service.current_version.name
    for url in (
        f"/pengaduan/{complaint.tracking_number}/",
        f"/pengaduan/lacak/{complaint.follow_token}/",
    ):
        page = client.get(url).content.decode()
        assert category in page and service_name in page, url
    login_staff(client, desk())
    page = client.get(f"/kelola/pengaduan/{complaint.pk}/").content.decode()
    assert category in page and service_name in page
