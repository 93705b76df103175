"""The public verification page and API: what a citizen or an employer sees after scanning the QR."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mpp.accounts.tests.helpers import login_staff
from mpp.documents import services
from mpp.documents.models import DocumentStatus, IssuedDocument
from mpp.documents.tests.conftest import HOLDER_NIK
from mpp.documents.tests.factories import PresenceFactory, officer_of

pytestmark = pytest.mark.django_db


def page_url(document: IssuedDocument) -> str:
    return reverse("documents:verify", args=[document.verification_code])


def pdf_of(document: IssuedDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def upload(content: bytes, name: str = "dokumen.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_page_of_a_valid_document_shows_its_facts_without_the_full_nik(client, issue):
    document = issue()

    response = client.get(page_url(document))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Dokumen ini sah" in html
    assert document.number in html
    assert "Surat Izin Praktik Dokter" in html
    assert "dr. Siti Rahmawati" in html
    assert "2171********0003" in html
    assert HOLDER_NIK not in html
    assert document.issuer.name in html
    assert "27 November 2031" in html
    assert document.sha256 in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-cache" in response["Cache-Control"]
    assert "Cabut dokumen" not in html


def test_page_of_a_lifelong_document_says_so(client, issue):
    html = client.get(page_url(issue(valid_until=None))).content.decode()

    assert "berlaku seumur hidup" in html


def test_page_of_a_revoked_document_shows_the_reason_and_date(client, issue, presence):
    document = services.revoke_document(
        issue(), by=officer_of(presence), reason="Tempat praktik sudah tutup."
    )

    html = client.get(page_url(document)).content.decode()

    assert "Dokumen ini telah dicabut" in html
    assert "Tempat praktik sudah tutup." in html
    assert "Dicabut pada" in html
    assert "Dokumen ini sah" not in html


@pytest.mark.parametrize("code", ["tidak-ada-kode-semacam-ini", "x", "a" * 300, "%3Cscript%3E"])
def test_an_unknown_code_gets_a_404_page_in_indonesian(client, code):
    response = client.get(f"/verifikasi/{code}/")

    assert response.status_code == 404
    assert "Dokumen tidak ditemukan" in response.content.decode()


def test_a_document_still_being_issued_is_not_shown(client, issue):
    document = issue()
    IssuedDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.PENDING)

    assert client.get(page_url(document)).status_code == 404


def test_uploading_the_issued_file_says_it_matches(client, issue):
    document = issue()

    response = client.post(page_url(document), {"file": upload(pdf_of(document))})

    assert response.status_code == 200
    assert "Berkas cocok." in response.content.decode()


def test_uploading_a_changed_file_says_it_does_not_match(client, issue):
    document = issue()
    tampered = pdf_of(document) + b"\n% diubah setelah diterbitkan\n"

    response = client.post(page_url(document), {"file": upload(tampered)})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Berkas tidak cocok." in html
    assert "Berkas cocok." not in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Pilih berkas PDF yang ingin diperiksa."),
        ({"file": upload(b"")}, "Berkas yang dipilih kosong."),
        ({"file": upload(b"MZ\x90\x00 not a pdf", "dokumen.pdf")}, "Berkas ini bukan PDF."),
        ({"file": upload(b"%PDF-" + b"0" * (5 * 1024 * 1024))}, "Berkas terlalu besar."),
    ],
)
def test_a_bad_upload_gets_a_clear_message(client, issue, data, message):
    document = issue()

    response = client.post(page_url(document), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "Berkas cocok." not in html and "Berkas tidak cocok." not in html


def test_an_officer_of_the_issuing_agency_revokes_from_the_page(client, issue, presence):
    document = issue()
    login_staff(client, officer_of(presence))
    assert "Cabut dokumen" in client.get(page_url(document)).content.decode()

    empty = client.post(reverse("documents:revoke", args=[document.verification_code]), {})
    assert empty.status_code == 400
    assert "Alasan pencabutan wajib diisi." in empty.content.decode()
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID

    url = reverse("documents:revoke", args=[document.verification_code])
    confirmation = client.post(url, {"reason": "Pemegang izin meninggal dunia."})
    assert (
        confirmation.status_code == 200
        and "tidak dapat dibatalkan" in confirmation.content.decode()
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID  # not before the confirmation
    response = client.post(
        url, {"reason": "Pemegang izin meninggal dunia.", "confirmed": "1"}, follow=True
    )

    html = response.content.decode()
    assert "Dokumen ini telah dicabut" in html
    assert "Pemegang izin meninggal dunia." in html
    document.refresh_from_db()
    assert document.status == DocumentStatus.REVOKED


def test_an_officer_of_another_agency_sees_no_revoke_form_and_is_refused(client, issue):
    document = issue()
    login_staff(client, officer_of(PresenceFactory()))

    assert "Cabut dokumen" not in client.get(page_url(document)).content.decode()
    response = client.post(
        reverse("documents:revoke", args=[document.verification_code]), {"reason": "Iseng."}
    )

    assert response.status_code == 403
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID


def test_an_anonymous_visitor_cannot_revoke(client, issue):
    document = issue()

    response = client.post(
        reverse("documents:revoke", args=[document.verification_code]), {"reason": "Iseng."}
    )

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID


def test_api_verify_returns_the_public_facts_of_a_valid_document(
    client, issue, django_assert_num_queries
):
    document = issue(valid_until=None)

    with django_assert_num_queries(1):
        response = client.get(f"/api/v1/verify/{document.verification_code}")

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "number": document.number,
        "title": "Surat Izin Praktik Dokter",
        "status": "valid",
        "holder_name": "dr. Siti Rahmawati",
        "holder_nik_masked": "2171********0003",
        "issuer": document.issuer.name,
        "issued_at": body["issued_at"],
        "valid_from": document.valid_from.isoformat(),
        "valid_until": None,
        "sha256": document.sha256,
        "revoked_at": None,
        "revoked_reason": None,
    }
    assert body["issued_at"].startswith(document.issued_at.date().isoformat()[:4])


def test_api_verify_reports_a_revoked_document(client, issue, presence):
    document = services.revoke_document(issue(), by=officer_of(presence), reason="Salah terbit.")

    body = client.get(f"/api/v1/verify/{document.verification_code}").json()

    assert body["status"] == "revoked"
    assert body["revoked_reason"] == "Salah terbit."
    assert body["revoked_at"] is not None


def test_api_verify_answers_an_unknown_code_with_a_404_problem(client):
    response = client.get("/api/v1/verify/kode-yang-tidak-pernah-ada")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Dokumen tidak ditemukan."


def test_api_verify_is_in_the_openapi_document_without_authentication(client):
    schema = client.get("/api/v1/openapi.json").json()

    operation = schema["paths"]["/api/v1/verify/{code}"]["get"]
    assert "security" not in operation
    assert set(operation["responses"]) == {"200", "404", "422", "503"}
