"""Issue 11, items 2 and 3: reject and issue through their confirmation pages; the issued document
names its subject and the signing official, at the address that served the issuing."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from mpp.accounts.tests.helpers import login_staff
from mpp.cases import services
from mpp.cases.models import Application
from mpp.cases.tests.factories import officer_for, pdf_upload, service_with
from mpp.cases.tests.test_conditional_fields import birth_certificate_form
from mpp.catalog.document_template import document_content, long_date
from mpp.documents import services as document_services
from mpp.documents.models import IssuerProfile

pytestmark = pytest.mark.django_db

BIRTH_TEMPLATE = {
    "title": "Kutipan Akta Kelahiran",
    "subject_label": "Nama anak",
    "subject": "nama_anak",
    "fields": [
        {"label": "Tempat lahir", "field": "tempat_lahir"},
        {"label": "Tanggal lahir", "field": "tanggal_lahir"},
        {"label": "Jenis kelamin", "field": "jenis_kelamin"},
        {"label": "Anak dari", "field": "@pemohon"},
    ],
    "show_validity": False,
}


@pytest.fixture
def birth_service(db, settings):
    settings.MPP_PUBLIC_BASE_URL = "http://127.0.0.1:8000"  # not configured: the request's host
    service = service_with(
        form_definition=birth_certificate_form(), document_template=BIRTH_TEMPLATE
    )
    authority = document_services.ensure_demo_authority()
    document_services.ensure_signing_credential(service.agency, authority=authority)
    IssuerProfile.objects.create(
        agency=service.agency,
        signatory_title="Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Batam",
        signatory_name="Dra. Rahmawati Siregar, M.Si.",
        signatory_nip="197204151998032004",
    )
    return service


def _submitted(service, citizen) -> Application:
    application = services.start_application(applicant=citizen, service=service)
    services.update_draft(
        application,
        actor=citizen,
        data={
            "nama_pemohon": citizen.name,
            "nik_pemohon": citizen.nik,
            "telepon": "081299990000",
            "nama_anak": "Putri Aisyah",
            "tanggal_lahir": "2026-11-20",
            "tempat_lahir": "Batam",
            "jenis_kelamin": "p",
            "nama_ibu": "Siti Aminah",
            "status_nikah": "tidak",
        },
    )
    for name in ("surat_kelahiran", "kk", "sptjm"):
        services.attach_file(application, actor=citizen, field=name, upload=pdf_upload())
    services.submit_application(application, actor=citizen)
    application.refresh_from_db()
    return application


def test_the_template_prints_the_child_in_the_real_order_and_nothing_else(birth_service, citizen):
    application = _submitted(birth_service, citizen)
    content = document_content(
        BIRTH_TEMPLATE,
        birth_service.current_version.form,
        application.data,
        product="x",
        applicant_name=citizen.name,
        applicant_nik=citizen.nik,
        tracking_number=application.tracking_number,
    )
    assert content.title == "Kutipan Akta Kelahiran" and content.holder_name == "Putri Aisyah"
    assert content.context["details"] == [
        ("Tempat lahir", "Batam"),
        ("Tanggal lahir", "20 November 2026"),
        ("Jenis kelamin", "Perempuan"),
        ("Anak dari", citizen.name),
    ]
    assert long_date("2026-02-01") == "1 Februari 2026"


def test_reject_goes_through_its_confirmation_page(client, birth_service, citizen):
    application = _submitted(birth_service, citizen)
    officer = officer_for(birth_service)
    login_staff(client, officer)
    action = reverse("cases:staff_action", args=[application.pk])
    detail = client.get(reverse("cases:staff_detail", args=[application.pk])).content.decode()
    confirm_url = reverse("cases:staff_reject", args=[application.pk])
    assert confirm_url in detail  # a link to a page, not a one-click button

    # A POST without the confirmation (an old page, a forged form) only leads to the page.
    response = client.post(action, {"action": "reject", "version": 1, "note": "x"})
    assert response.url == confirm_url
    application.refresh_from_db()
    assert application.status == "submitted"

    page = client.get(confirm_url).content.decode()
    assert "Penolakan tidak dapat dibatalkan" in page and "belum ditangani" in page
    response = client.post(
        action, {"action": "reject", "version": 1, "note": "", "confirmed": "1"}, follow=True
    )
    application.refresh_from_db()
    assert application.status == "submitted"  # the reason is required
    client.post(
        action,
        {"action": "reject", "version": 1, "note": "Data tidak sesuai.", "confirmed": "1"},
    )
    application.refresh_from_db()
    assert application.status == "rejected"
    closed = client.get(confirm_url, follow=True)  # nothing left to reject: back, and why
    assert closed.redirect_chain[-1][0] == reverse("cases:staff_detail", args=[application.pk])
    assert "Permohonan ini tidak dapat ditolak saat ini." in closed.content.decode()


def test_issue_previews_then_signs_a_document_naming_the_child_and_the_official(
    client, birth_service, citizen, django_capture_on_commit_callbacks, settings
):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "mpp.localhost"]
    application = _submitted(birth_service, citizen)
    officer = officer_for(birth_service)
    login_staff(client, officer)
    action = reverse("cases:staff_action", args=[application.pk])
    client.post(action, {"action": "claim", "version": 1})
    client.post(action, {"action": "approve", "version": 2})
    preview = client.get(reverse("cases:staff_issue", args=[application.pk])).content.decode()
    for text in (
        "Kutipan Akta Kelahiran",
        "Putri Aisyah",
        "20 November 2026",
        "Dra. Rahmawati Siregar, M.Si.",
        "197204151998032004",
    ):
        assert text in preview
    assert "081299990000" not in preview and "buku nikah" not in preview.lower()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            action,
            {"action": "issue", "version": 3, "confirmed": "1"},
            HTTP_HOST="mpp.localhost:8765",
        )
    application.refresh_from_db()
    assert application.status == "issued" and application.issued_document_id
    document = application.issued_document
    with document.file.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    first = reader.pages[0].extract_text()
    assert len(reader.pages) == 1
    assert "Putri Aisyah" in first and "Nama anak" in first
    assert "Tanggal lahir" in first and "20 November 2026" in first
    assert "Dra. Rahmawati Siregar, M.Si." in first and "NIP. 197204151998032004" in first
    assert "http://mpp.localhost:8765/verifikasi/" in first.replace("\n", "")
    assert "081299990000" not in first and "Orang tua memiliki" not in first
