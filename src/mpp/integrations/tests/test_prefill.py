"""A service's form fields marked ``dukcapil_*`` come filled in from Dukcapil when the citizen
starts an application, marked "dari Dukcapil"; when Dukcapil cannot answer the form is empty with a
note; every look-up is in the citizen's access log."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from mpp.accounts.tests.factories import CitizenFactory
from mpp.audit.models import AccessKind, AccessRecord
from mpp.cases.models import Application
from mpp.cases.tests.factories import service_with
from mpp.integrations import services
from mpp.integrations.models import Call

pytestmark = pytest.mark.django_db

FORM = [
    {"name": "nama", "type": "text", "label": "Nama lengkap", "prefill": "dukcapil_name"},
    {"name": "tempat", "type": "text", "label": "Tempat lahir", "prefill": "dukcapil_birth_place"},
    {"name": "tanggal", "type": "date", "label": "Tanggal lahir", "prefill": "dukcapil_birth_date"},
    {"name": "alamat", "type": "long_text", "label": "Alamat", "prefill": "dukcapil_address"},
    {"name": "kk", "type": "text", "label": "Nomor KK", "prefill": "dukcapil_kk_number"},
    {"name": "keperluan", "type": "text", "label": "Keperluan", "required": True},
]


@pytest.fixture
def service():
    return service_with(form_definition=FORM)


def start(client, citizen, service) -> tuple[Application, str]:
    client.force_login(citizen)
    answer = client.post(reverse("cases:start", args=[service.slug]))
    application = Application.objects.get(applicant=citizen)
    assert answer.url == reverse("cases:step", args=[application.pk, 1])
    return application, client.get(answer.url).content.decode()


def test_the_form_comes_filled_in_from_dukcapil_and_says_so(client, service, batam_dukcapil):
    citizen = CitizenFactory.create()  # Budi Santoso's NIK, known to the simulator
    application, page = start(client, citizen, service)
    assert application.data == {
        "nama": "BUDI SANTOSO",
        "tempat": "BATAM",
        "tanggal": "1990-08-15",
        "alamat": "JL. ENGKU PUTRI NO. 1, RT 001/RW 002, TELUK TERING",
        "kk": "2171010101900001",
    }
    assert 'value="BUDI SANTOSO"' in page and "2171010101900001" in page
    assert page.count("dari Dukcapil") == 5  # each prefilled field, not "Keperluan"
    assert "tidak dapat diambil" not in page
    # The look-up is in the access log the citizen sees, under the application's number.
    record = AccessRecord.objects.get(subject_id=citizen.pk)
    assert record.kind == AccessKind.NIK_DATA
    assert record.reference == application.tracking_number
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Data kependudukan dari Dukcapil untuk mengisi formulir" in profile


def test_a_second_start_is_answered_from_the_cache_but_still_logged(
    client, service, batam_dukcapil, partner
):
    citizen = CitizenFactory.create()
    start(client, citizen, service)
    Application.objects.all().delete()
    start(client, citizen, service)
    assert len([r for r in partner.sent if r.url.path.endswith("/data/")]) == 1
    assert AccessRecord.objects.filter(subject_id=citizen.pk, kind=AccessKind.NIK_DATA).count() == 2


def test_the_shared_cache_holds_dukcapil_data_sealed(client, service, batam_dukcapil, partner):
    """Redis is shared by every node: what Dukcapil answered is kept there unreadable."""
    citizen = CitizenFactory.create()
    start(client, citizen, service)
    key = services.person_cache_key(citizen.nik)
    assert citizen.nik not in key
    held = cache.get(key)
    assert isinstance(held, str) and "BUDI" not in held and "2171010101900001" not in held
    # Sealed under a key since retired: asked again, not an error.
    cache.set(key, "not-a-token")
    Application.objects.all().delete()
    start(client, citizen, service)
    assert len([r for r in partner.sent if r.url.path.endswith("/data/")]) == 2


@pytest.mark.parametrize("mode", ["timeout", "500", "garbage"])
def test_dukcapil_down_leaves_the_form_empty_with_a_note(
    client, service, batam_dukcapil, partner, mode
):
    partner.mode = mode
    application, page = start(client, CitizenFactory.create(), service)
    assert application.data == {}
    assert "Data dari Dukcapil tidak dapat diambil saat ini" in page
    assert "dari Dukcapil</p>" not in page
    assert not Call.objects.filter(outcome="ok").exists()


def test_without_an_agreement_nothing_is_asked_and_nothing_logged(client, service, partner):
    citizen = CitizenFactory.create()
    application, page = start(client, citizen, service)
    assert application.data == {}
    assert "tidak dapat diambil" in page
    assert partner.sent == []
    assert not AccessRecord.objects.filter(subject_id=citizen.pk).exists()


def test_a_nik_dukcapil_does_not_know_leaves_the_form_empty(client, service, batam_dukcapil):
    citizen = CitizenFactory.create(nik="2171011508900099")
    application, _page = start(client, citizen, service)
    assert application.data == {}


def test_a_form_without_dukcapil_fields_asks_nothing(client, batam_dukcapil, partner):
    start(client, CitizenFactory.create(), service_with())
    assert partner.sent == []


def test_the_api_prefills_too_but_what_the_client_sends_wins(client, service, batam_dukcapil):
    from mpp.accounts.services import issue_token

    citizen = CitizenFactory.create()
    _token, raw = issue_token(citizen)
    answer = client.post(
        "/api/v1/applications",
        {"service": service.pk, "data": {"nama": "Budi S.", "keperluan": "Pindah"}},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert answer.status_code == 201, answer.content
    data = Application.objects.get(pk=answer.json()["id"]).data
    assert data["nama"] == "Budi S." and data["keperluan"] == "Pindah"
    assert data["tempat"] == "BATAM" and data["kk"] == "2171010101900001"
