"""Issue 23, finding 4: a birth date cannot lie ahead, and the birth certificate names both
parents (the father only when given: a birth outside a recorded marriage names the mother)."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from mpp.cases import services
from mpp.cases.models import Application
from mpp.cases.tests.factories import pdf_upload, service_with
from mpp.cases.tests.test_conditional_fields import TEMPLATES, birth_certificate_form
from mpp.catalog.document_template import document_content
from mpp.catalog.forms_definition import latest_today

pytestmark = pytest.mark.django_db


def _national_birth_template() -> dict:
    templates = json.loads(TEMPLATES.read_text())["templates"]
    return next(t for t in templates if t["slug"] == "templat-akta-kelahiran")


@pytest.fixture
def birth_service(db):
    template = _national_birth_template()
    return service_with(
        form_definition=birth_certificate_form(), document_template=template["document_template"]
    )


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    return client


def _child(birth_date: str) -> dict:
    return {
        "nama_anak": "Putri Aisyah",
        "tanggal_lahir": birth_date,
        "tempat_lahir": "Batam",
        "jenis_kelamin": "p",
    }


def test_a_future_birth_date_is_refused_with_a_clear_message(
    citizen_client, citizen, birth_service
):
    citizen_client.post(reverse("cases:start", args=[birth_service.slug]))
    application = Application.objects.get(applicant=citizen)
    step = lambda n: reverse("cases:step", args=[application.pk, n])  # noqa: E731
    citizen_client.post(
        step(1),
        {"nama_pemohon": citizen.name, "nik_pemohon": citizen.nik, "telepon": "081234567890"},
    )
    tomorrow = (latest_today() + datetime.timedelta(days=1)).isoformat()
    response = citizen_client.post(step(2), _child(tomorrow))
    assert response.status_code == 200  # the page again, not the next step
    page = response.content.decode()
    assert "Tanggal ini belum terjadi. Isi tanggal hari ini atau sebelumnya." in page
    assert f'max="{latest_today().isoformat()}"' in page
    # Today is fine.
    today = timezone.localdate().isoformat()
    assert citizen_client.post(step(2), _child(today)).url == step(3)


def test_submission_refuses_a_future_birth_date_per_field(citizen, birth_service):
    application = services.start_application(applicant=citizen, service=birth_service)
    future = (latest_today() + datetime.timedelta(days=30)).isoformat()
    services.update_draft(application, actor=citizen, data=_child(future))
    with pytest.raises(services.ApplicationError) as error:
        services.submit_application(application, actor=citizen)
    assert error.value.errors["tanggal_lahir"] == [
        "Tanggal ini belum terjadi. Isi tanggal hari ini atau sebelumnya."
    ]
    application.refresh_from_db()
    assert application.status == "draft"


def test_the_form_asks_for_the_mother_and_optionally_the_father(
    citizen_client, citizen, birth_service
):
    citizen_client.post(reverse("cases:start", args=[birth_service.slug]))
    application = Application.objects.get(applicant=citizen)
    page = citizen_client.get(reverse("cases:step", args=[application.pk, 3])).content.decode()
    assert "Nama lengkap ibu" in page
    assert re.search(r"Nama lengkap ayah\s*<span[^>]*>\(opsional\)", page)


def _certificate(application, citizen):
    version = application.service_version
    return document_content(
        version.document_template,
        version.form,
        application.data,
        product=version.product,
        applicant_name=citizen.name,
        applicant_nik=citizen.nik,
        tracking_number=application.tracking_number,
    )


@pytest.mark.parametrize("father", ["Ahmad Fauzi", ""])
def test_the_certificate_names_the_parents(citizen, birth_service, father):
    application = services.start_application(applicant=citizen, service=birth_service)
    data = {
        "nama_pemohon": citizen.name,
        "nik_pemohon": citizen.nik,
        "telepon": "081299990000",
        **_child("2026-11-20"),
        "nama_ibu": "Siti Aminah",
        "nama_ayah": father,
        "status_nikah": "ya" if father else "tidak",
    }
    services.update_draft(application, actor=citizen, data=data)
    for name in ("surat_kelahiran", "kk", "buku_nikah" if father else "sptjm"):
        services.attach_file(application, actor=citizen, field=name, upload=pdf_upload())
    services.submit_application(application, actor=citizen)
    application.refresh_from_db()
    details = dict(_certificate(application, citizen).context["details"])
    assert details["Nama ibu"] == "Siti Aminah"
    if father:
        assert details["Nama ayah"] == "Ahmad Fauzi"
    else:
        assert "Nama ayah" not in details
    assert citizen.name not in details.values()  # the reporting parent is not "the" parent
