"""Public catalog pages and the back office, through the Django test client."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from mpp.accounts.models import Role
from mpp.accounts.tests.factories import staff
from mpp.accounts.tests.helpers import login_staff
from mpp.catalog import selectors, services
from mpp.catalog.models import Service
from mpp.catalog.tests.factories import (
    SAMPLE_FORM,
    AgencyPresenceFactory,
    MPPFactory,
    PublishedServiceFactory,
    region,
)
from mpp.regions.formatting import format_date
from mpp.tenancy.models import OpeningHours

pytestmark = pytest.mark.django_db


@pytest.fixture
def presence():
    presence = AgencyPresenceFactory(counters="Loket 3–4")
    mpp = presence.mpp
    mpp.facilities = ["ramp", "lactation_room"]
    mpp.save()
    OpeningHours.objects.create(mpp=mpp, weekday=0, opens="08:00", closes="16:00")
    return presence


@pytest.fixture
def service(presence):
    return PublishedServiceFactory(presence=presence, name="Penerbitan akta kelahiran", fee=0)


def test_mpp_list_filters_by_province_and_region(service, client):
    yogyakarta = MPPFactory(region=region("3471"), name="MPP Yogyakarta Uji")
    page = client.get(reverse("catalog:mpp_list")).content.decode()
    assert service.mpp.name in page and yogyakarta.name in page
    elsewhere = client.get(reverse("catalog:mpp_list"), {"provinsi": "34"}).content.decode()
    assert service.mpp.name not in elsewhere and yogyakarta.name in elsewhere
    batam = client.get(reverse("catalog:mpp_list"), {"kabkota": "2171"}).content.decode()
    assert service.mpp.name in batam and yogyakarta.name not in batam
    bad = client.get(reverse("catalog:mpp_list"), {"provinsi": "xx'", "kabkota": "<b>"})
    assert bad.status_code == 200 and service.mpp.name in bad.content.decode()


def test_mpp_page_shows_hours_with_time_zone_facilities_agencies_and_services(service, client):
    html = client.get(reverse("catalog:mpp_detail", args=[service.mpp.slug])).content.decode()
    assert "08.00–16.00 WIB" in html
    assert "Ruang laktasi" in html and "Jalur landai (ramp)" in html
    assert "Loket 3–4" in html and service.agency.name in html
    assert "Penerbitan akta kelahiran" in html
    assert "Tutup" in html  # Sunday


def test_service_page_shows_delivery_components(service, client):
    html = client.get(reverse("catalog:service_detail", args=[service.pk])).content.decode()
    for text in ["KTP-el asli", "Isi formulir", "3 hari kerja", "Gratis", "Surat keterangan"]:
        assert text in html
    assert "Berlaku sejak" in html


def test_paid_service_shows_rupiah(presence, client):
    paid = PublishedServiceFactory(presence=presence, fee=650000)
    html = client.get(reverse("catalog:service_detail", args=[paid.pk])).content.decode()
    assert "Rp 650.000" in html


def test_unknown_or_draft_services_are_not_found(presence, client):
    draft_only = Service.objects.create(
        agency=presence.agency, mpp=presence.mpp, slug="draf", name="Draf", category="pajak",
        channel="both",
    )  # fmt: skip
    assert client.get(reverse("catalog:service_detail", args=[draft_only.pk])).status_code == 404
    assert client.get(reverse("catalog:service_detail", args=[99999])).status_code == 404
    assert client.get("/layanan/1/versi/99/").status_code == 404


def test_home_page_has_the_search_box(client):
    html = client.get("/").content.decode()
    assert 'action="/cari/"' in html and 'id="beranda-cari-q"' in html


def test_back_office_needs_the_catalog_permission(service, client):
    officer = staff(Role.OFFICER, agency=service.agency, mpp=service.mpp)
    login_staff(client, officer)
    assert client.get(reverse("catalog:manage_list")).status_code == 403


def test_back_office_lists_only_services_in_scope(service, client):
    other = PublishedServiceFactory(name="Layanan instansi lain")
    admin = staff(Role.AGENCY_ADMIN, agency=service.agency)
    login_staff(client, admin)
    html = client.get(reverse("catalog:manage_list")).content.decode()
    assert service.name in html and "Layanan instansi lain" not in html
    assert client.get(reverse("catalog:manage_service", args=[other.pk])).status_code == 404
    manager = staff(Role.MPP_MANAGER, mpp=other.mpp)
    login_staff(client, manager)
    html = client.get(reverse("catalog:manage_list")).content.decode()
    assert "Layanan instansi lain" in html and service.name not in html


def _form_data(version, **overrides):
    data = {
        "name": version.name, "summary": version.summary, "category": version.category,
        "channel": version.channel, "requirements": "\n".join(version.requirements),
        "procedure": "\n".join(version.procedure), "time_limit": version.time_limit,
        "time_limit_unit": version.time_limit_unit, "fee": version.fee, "fee_note": "",
        "product": version.product, "complaint_handling": version.complaint_handling,
        "legal_basis": "\n".join(version.legal_basis), "facilities": "", "staff_competence": "",
        "internal_supervision": "", "staff_count": "", "service_guarantee": "",
        "security_guarantee": "", "performance_evaluation": "",
        "form_definition": json.dumps(version.form_definition), "change_note": "",
    }  # fmt: skip
    return data | overrides


def test_admin_edits_previews_and_publishes_a_new_version(service, client):
    today = timezone.localdate()
    admin = staff(Role.AGENCY_ADMIN, agency=service.agency)
    login_staff(client, admin)
    response = client.post(reverse("catalog:manage_start_draft", args=[service.pk]))
    assert response.status_code == 302
    draft = selectors.draft_of(service)
    data = _form_data(
        draft, requirements="Surat keterangan kelahiran\nKartu Keluarga\nKTP-el orang tua",
        change_note="Menambah KTP-el orang tua", preview="1",
    )  # fmt: skip
    response = client.post(reverse("catalog:manage_edit", args=[service.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:manage_preview", args=[service.pk])
    preview = client.get(response["Location"]).content.decode()
    assert "KTP-el orang tua" in preview and "belum terbit" in preview
    public = client.get(reverse("catalog:service_detail", args=[service.pk])).content.decode()
    assert "KTP-el orang tua" not in public
    response = client.post(
        reverse("catalog:manage_publish", args=[service.pk]),
        {"effective_from": today.isoformat(), "change_note": "Menambah KTP-el orang tua"},
    )
    assert response.status_code == 302
    public = client.get(reverse("catalog:service_detail", args=[service.pk])).content.decode()
    assert "KTP-el orang tua" in public and format_date(today) in public
    old = client.get(reverse("catalog:service_version", args=[service.pk, 1])).content.decode()
    assert "KTP-el orang tua" not in old and "sudah tidak berlaku" in old
    history = client.get(reverse("catalog:manage_history", args=[service.pk])).content.decode()
    assert "Versi 2" in history and "Versi 1" in history and "KTP-el orang tua" in history
    # Published: no draft left to edit, preview or publish.
    edit = client.get(reverse("catalog:manage_edit", args=[service.pk]), follow=True)
    assert edit.redirect_chain[-1][0] == reverse("catalog:manage_service", args=[service.pk])
    assert "Belum ada draf. Buat draf baru untuk mengubah layanan ini." in edit.content.decode()
    assert client.get(reverse("catalog:manage_preview", args=[service.pk])).status_code == 404


def test_bad_form_definition_is_refused_with_messages(service, client):
    admin = staff(Role.AGENCY_ADMIN, agency=service.agency)
    login_staff(client, admin)
    client.post(reverse("catalog:manage_start_draft", args=[service.pk]))
    draft = selectors.draft_of(service)
    broken = [*SAMPLE_FORM, {"name": "jenis", "type": "choice", "label": "Lagi"}]
    response = client.post(
        reverse("catalog:manage_edit", args=[service.pk]),
        _form_data(draft, form_definition=json.dumps(broken), fee="77"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nama isian “jenis” dipakai lebih dari sekali" in html
    assert "jenis pilihan harus memiliki pilihan" in html
    response = client.post(
        reverse("catalog:manage_edit", args=[service.pk]),
        _form_data(draft, form_definition="[{"),
    )
    assert "bukan JSON yang sah" in response.content.decode()
    draft.refresh_from_db()
    assert draft.fee == 0


def test_admin_retires_a_service(service, client):
    admin = staff(Role.AGENCY_ADMIN, agency=service.agency)
    login_staff(client, admin)
    response = client.post(reverse("catalog:manage_retire", args=[service.pk]))
    assert response.status_code == 302
    html = client.get(reverse("catalog:service_detail", args=[service.pk])).content.decode()
    assert "sudah dihentikan" in html
    search = client.get(reverse("catalog:search"), {"q": "akta"}).content.decode()
    assert "Penerbitan akta kelahiran" not in search


def test_adopting_without_choosing_a_template_is_asked_again_not_a_server_error(presence, client):
    """Issue 22 (write matrix): an empty or template-less POST raised AttributeError (500)."""
    login_staff(client, staff(Role.AGENCY_ADMIN, agency=presence.agency))
    for data in ({}, {"workplace": presence.pk}, {"template": "999999"}):
        response = client.post(reverse("catalog:manage_templates"), data)
        assert response.status_code == 200
        assert "Pilih templat yang tersedia." in response.content.decode()
    assert not Service.objects.filter(template__isnull=False).exists()


def test_admin_creates_a_service_and_adopts_a_template(presence, client):
    admin = staff(Role.AGENCY_ADMIN, agency=presence.agency)
    login_staff(client, admin)
    ministry = staff(Role.MINISTRY_ADMIN)
    content = {
        "name": "Templat uji", "summary": "", "category": "kependudukan", "channel": "counter",
        "requirements": ["KTP-el"], "procedure": ["Datang"], "time_limit": 1,
        "time_limit_unit": "hours", "fee": 0, "product": "Surat", "complaint_handling": "LAPOR",
        "legal_basis": ["UU 25/2009"],
    }  # fmt: skip
    template = services.create_template(actor=ministry, content=content)
    services.publish_draft(selectors.draft_of(template), actor=ministry)
    response = client.post(
        reverse("catalog:manage_templates"), {"template": template.pk, "workplace": presence.pk}
    )
    assert response.status_code == 302
    adopted = Service.objects.get(template=template)
    assert adopted.agency == presence.agency and adopted.current_version is None
    response = client.post(
        reverse("catalog:manage_create"),
        _form_data(selectors.draft_of(adopted), name="Layanan baru", workplace=presence.pk),
    )
    assert response.status_code == 302
    assert Service.objects.filter(name="Layanan baru", agency=presence.agency).exists()
