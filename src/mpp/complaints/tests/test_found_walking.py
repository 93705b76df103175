"""What people missed on the complaint pages when the demo was walked (issue 23)."""

from __future__ import annotations

import pytest
from django.conf import settings

from mpp.accounts.tests.helpers import login_staff
from mpp.catalog.models import Service
from mpp.complaints import services
from mpp.complaints.models import Category, Complaint
from mpp.complaints.workflow import DESK
from mpp.tenancy.models import MPP

from .factories import citizen, desk, officer, submitted, web_form

pytestmark = pytest.mark.django_db


def test_a_citizen_finds_their_complaints_from_the_menu_the_account_and_after_filing(client, demo):
    client.force_login(citizen())
    mine = 'href="/pengaduan/saya/"'
    assert mine in client.get("/").content.decode()
    assert mine in client.get("/akun/profil/").content.decode()
    response = client.post("/pengaduan/baru/", web_form(), follow=True)
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


def test_each_rating_value_has_a_word_in_both_languages(client, demo):
    from .factories import answered

    complaint = answered()
    url = f"/pengaduan/lacak/{complaint.follow_token}/"
    page = client.get(url).content.decode()
    for word in ("Sangat buruk", "Buruk", "Cukup", "Baik", "Sangat baik"):
        assert f"– {word}</label>" in page or f"– {word}\n" in page or f"– {word}<" in page, word
    client.post(url + "nilai/", {"rating": "5"})
    assert "5 dari 5 (Sangat baik)" in client.get(url).content.decode()
    assert (
        "(Sangat baik)" in client.get(f"/pengaduan/{complaint.tracking_number}/").content.decode()
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "(Very good)" in client.get(url).content.decode()


def test_the_form_asks_for_a_place_not_raw_coordinates(client, demo):
    client.force_login(citizen())
    page = client.get("/pengaduan/baru/").content.decode()
    assert "Lintang" not in page and "Bujur" not in page
    assert 'type="hidden" name="latitude"' in page
    assert "Di gedung MPP" in page and "Keterangan tempat" in page
    assert "Gunakan lokasi saya" in page  # the optional control, started by a script


def test_a_broken_facility_at_the_mpp_needs_no_location(client, demo):
    client.force_login(citizen())
    batam = MPP.objects.get(slug="mpp-kota-batam")
    broken = Category.objects.get(code="sarana-rusak", region=None)
    response = client.post("/pengaduan/baru/", web_form(category=broken.pk, place="mpp"))
    assert response.status_code == 302
    complaint = Complaint.objects.get(title="AC ruang tunggu mati")
    assert complaint.address == (batam.address or batam.name)
    assert (complaint.latitude, complaint.longitude) == (batam.latitude, batam.longitude)


def test_elsewhere_asks_for_a_description_of_the_place(client, demo):
    client.force_login(citizen())
    broken = Category.objects.get(code="sarana-rusak", region=None)
    response = client.post("/pengaduan/baru/", web_form(category=broken.pk, place="elsewhere"))
    assert response.status_code == 200
    assert "tuliskan keterangan tempat" in response.content.decode()
    assert not Complaint.objects.filter(title="AC ruang tunggu mati").exists()
    client.post(
        "/pengaduan/baru/",
        web_form(
            category=broken.pk,
            place="elsewhere",
            address="Halte depan MPP, Jalan Engku Putri",
            latitude="1.128500",
            longitude="104.053000",
        ),
    )
    complaint = Complaint.objects.get(title="AC ruang tunggu mati")
    assert complaint.address == "Halte depan MPP, Jalan Engku Putri"
    assert str(complaint.latitude) == "1.128500"
