"""Issue 11, item 1: a field hidden by its condition is neither required nor stored (web, API)."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from mpp.cases import services
from mpp.cases.models import Application
from mpp.cases.tests.factories import pdf_upload, service_with
from mpp.catalog.form_schema import FormDefinition

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "catalog" / "data" / "national_templates.json"


def birth_certificate_form() -> list[dict]:
    templates = json.loads(TEMPLATES.read_text())["templates"]
    return next(t for t in templates if t["slug"] == "templat-akta-kelahiran")["form_definition"]


@pytest.fixture
def birth_service(db):
    return service_with(form_definition=birth_certificate_form())


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    return client


def _fill_to_documents(client, application, citizen):
    step = lambda n: reverse("cases:step", args=[application.pk, n])  # noqa: E731
    response = client.post(
        step(1),
        {"nama_pemohon": citizen.name, "nik_pemohon": citizen.nik, "telepon": "081234567890"},
    )
    assert response.url == step(2)
    response = client.post(
        step(2),
        {
            "nama_anak": "Putri Aisyah",
            "tanggal_lahir": "2026-11-20",
            "tempat_lahir": "Batam",
            "jenis_kelamin": "p",
        },
    )
    assert response.url == step(3)
    response = client.post(step(3), {"nama_ibu": "Siti Aminah", "nama_ayah": "Ahmad Fauzi"})
    assert response.url == step(4)
    return step(4)


@pytest.mark.parametrize(
    ("answer", "shown", "hidden"), [("ya", "buku_nikah", "sptjm"), ("tidak", "sptjm", "buku_nikah")]
)
def test_each_branch_of_the_birth_certificate_form_is_complete_with_its_own_file(
    citizen_client, citizen, birth_service, answer, shown, hidden
):
    citizen_client.post(reverse("cases:start", args=[birth_service.slug]))
    application = Application.objects.get(applicant=citizen)
    documents_step = _fill_to_documents(citizen_client, application, citizen)
    page = citizen_client.get(documents_step).content.decode()
    assert "(opsional)" not in page  # every field of this page is required when shown
    assert "Hanya bila jawaban “Orang tua memiliki buku nikah/akta perkawinan?” adalah" in page
    assert "Berkas PDF, JPEG, atau PNG, paling besar 2 MB." in page
    assert 'accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"' in page

    response = citizen_client.post(
        documents_step,
        {
            "status_nikah": answer,
            "surat_kelahiran": pdf_upload("lahir.pdf"),
            "kk": pdf_upload("kk.pdf"),
            shown: pdf_upload(f"{shown}.pdf"),
            hidden: pdf_upload(f"{hidden}.pdf"),  # sent anyway: it is not kept
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert response.url == reverse("cases:check", args=[application.pk])
    # The check page's headings go down one level at a time (axe heading-order; issue 23).
    check = citizen_client.get(response.url).content.decode()
    levels = [int(n) for n in re.findall(r"<h([1-6])\b", check[check.index("<main") :])]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
    response = citizen_client.post(response.url, {"version": "0"})
    assert response.url == reverse("cases:done", args=[application.pk])
    application.refresh_from_db()
    assert application.status == "submitted"
    assert shown in application.data and hidden not in application.data
    kept = set(
        application.documents.filter(replaced_at__isnull=True).values_list("field", flat=True)
    )
    assert kept == {"surat_kelahiran", "kk", shown}


def test_the_shown_branch_is_still_required(citizen_client, citizen, birth_service):
    citizen_client.post(reverse("cases:start", args=[birth_service.slug]))
    application = Application.objects.get(applicant=citizen)
    documents_step = _fill_to_documents(citizen_client, application, citizen)
    response = citizen_client.post(
        documents_step,
        {"status_nikah": "ya", "surat_kelahiran": pdf_upload(), "kk": pdf_upload()},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Wajib diunggah" in body and body.count("Wajib diunggah") == 2  # summary + field
    assert application.documents.filter(field="sptjm").count() == 0


def test_the_api_rule_is_the_same(citizen, birth_service):
    """Submission through the services (what the API calls) drops what the answers hide."""
    application = services.start_application(applicant=citizen, service=birth_service)
    services.update_draft(
        application,
        actor=citizen,
        data={
            "nama_pemohon": citizen.name,
            "nik_pemohon": citizen.nik,
            "telepon": "0812",
            "nama_anak": "Putri",
            "tanggal_lahir": "2026-11-20",
            "tempat_lahir": "Batam",
            "jenis_kelamin": "l",
            "nama_ibu": "Siti Aminah",
            "status_nikah": "tidak",
        },
    )
    for name in ("surat_kelahiran", "kk", "sptjm", "buku_nikah"):
        services.attach_file(application, actor=citizen, field=name, upload=pdf_upload())
    services.submit_application(application, actor=citizen)
    application.refresh_from_db()
    assert "buku_nikah" not in application.data and "sptjm" in application.data
    assert not application.documents.filter(field="buku_nikah", replaced_at__isnull=True).exists()


def test_file_fields_default_to_the_upload_checks(settings):
    settings.MPP_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
    definition = FormDefinition.parse([{"name": "berkas", "type": "file", "label": "Berkas"}])
    item = definition.get("berkas")
    assert item.accepted_types == ("application/pdf", "image/jpeg", "image/png")
    assert item.size_limit == 5 * 1024 * 1024
    assert item.file_hint() == "Berkas PDF, JPEG, atau PNG, paling besar 5 MB."
    small = FormDefinition.parse(
        [
            {
                "name": "foto",
                "type": "file",
                "label": "Foto",
                "file_types": ["image/jpeg"],
                "max_bytes": 1048576,
            }
        ]
    ).get("foto")
    assert small.accept == "image/jpeg,.jpg,.jpeg" and small.file_hint() == (
        "Berkas JPEG, paling besar 1 MB."
    )


def test_a_nik_typed_with_spaces_or_dashes_is_kept_as_its_digits(citizen, service):
    application = services.start_application(applicant=citizen, service=service)
    problems = services.update_draft(
        application, actor=citizen, data={"nik": "2171-0115-0890 0003", "nama_lengkap": "Budi"}
    )
    assert "nik" not in problems
    from mpp.catalog.forms_definition import validate_submission

    result = validate_submission(service.current_version.form, application.data)
    assert result.cleaned["nik"] == "2171011508900003"
