"""Issuing: a signed PDF that validates, shows the right facts, and is issued once even after a crash."""

from __future__ import annotations

import datetime
import hashlib
import threading
from io import BytesIO, StringIO
from unittest import mock

import pytest
import segno
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from mpp.audit.models import AuditAction, AuditEvent
from mpp.documents import rendering, services, signing
from mpp.documents.models import (
    DocumentStatus,
    IssuedDocument,
    IssuerProfile,
    SigningCredential,
)
from mpp.documents.services import SigningKeyMissing
from mpp.documents.tests.conftest import HOLDER_NIK
from mpp.documents.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def pdf_bytes(document: IssuedDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def pdf_text(document: IssuedDocument) -> str:
    reader = PdfReader(BytesIO(pdf_bytes(document)))
    return "\n".join(page.extract_text() for page in reader.pages)


def trust_root(authority) -> asn1_x509.Certificate:
    _, _, der = pem.unarmor(authority.certificate_pem.encode())
    return asn1_x509.Certificate.load(der)


def fail_once(real, error: Exception):
    """A stand-in for ``real`` that raises ``error`` on the first call (a crash), then works."""
    calls = []

    def stand_in(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise error
        return real(*args, **kwargs)

    return stand_in


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT / "documents"
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_issued_pdf_carries_a_pades_signature_of_the_agency_that_validates_against_the_demo_ca(
    issue, agency, authority
):
    document = issue()

    reader = PdfFileReader(BytesIO(pdf_bytes(document)))
    assert len(reader.embedded_signatures) == 1
    signature = reader.embedded_signatures[0]
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[trust_root(authority)])
    )
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.signing_cert.subject.native["organization_name"] == agency.name


def test_signature_does_not_validate_against_another_ca(issue, authority):
    document = issue()
    other = services.pki.create_root_ca("Some Other Root CA")
    _, _, der = pem.unarmor(other.certificate_pem.encode())

    signature = PdfFileReader(BytesIO(pdf_bytes(document))).embedded_signatures[0]
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)])
    )
    assert status.intact and status.valid
    assert not status.trusted
    assert not status.bottom_line


def test_pdf_shows_number_holder_nik_issuer_validity_and_verification_url(issue, agency):
    document = issue()
    text = pdf_text(document)

    assert document.status == DocumentStatus.VALID
    assert document.number in text
    assert "Surat Izin Praktik Dokter".upper() in text.upper()
    assert "dr. Siti Rahmawati" in text
    assert HOLDER_NIK in text  # whole, as on the paper document (the public page masks it)
    assert agency.name.upper() in text
    assert "PEMERINTAH KOTA BATAM" in text
    assert "27 November 2031" in text
    assert f"{document.verification_code}/" in text.splitlines()  # whole, on a line of its own
    assert rendering.verification_url(document) in text.replace("\n", "")
    assert "RSUD Embung Fatimah" in text


def test_document_without_expiry_is_printed_as_valid_for_life(issue):
    document = issue(valid_until=None)

    assert document.valid_until is None
    assert "Seumur hidup" in pdf_text(document)


def test_stored_sha256_is_the_hash_of_the_stored_file(issue):
    document = issue()

    assert document.sha256 == hashlib.sha256(pdf_bytes(document)).hexdigest()


def test_the_qr_code_on_the_document_encodes_the_verification_url(issue):
    document = issue()
    url = rendering.verification_url(document)
    assert url == f"https://mpp.example.go.id/verifikasi/{document.verification_code}/"

    images = PdfReader(BytesIO(pdf_bytes(document))).pages[0].images
    assert len(images) == 1
    picture = images[0].image.convert("L")
    expected = segno.make(url, error="m", micro=False)
    size = expected.symbol_size(scale=1, border=rendering.QR_BORDER)[0]
    assert picture.size == (size * rendering.QR_SCALE, size * rendering.QR_SCALE)
    # Read the symbol back module by module (the centre pixel of each) and compare it with the
    # symbol segno makes for the URL: same modules, so any QR reader gets the same URL back.
    scanned = [
        [
            picture.getpixel(((x * rendering.QR_SCALE) + 3, (y * rendering.QR_SCALE) + 3)) < 128
            for x in range(size)
        ]
        for y in range(size)
    ]
    wanted = [[bool(module) for module in row] for row in expected.matrix_iter(border=4)]
    assert scanned == wanted


def test_issuing_twice_for_the_same_source_returns_the_same_document(issue, settings):
    first = issue("application:42")
    second = issue("application:42", holder_name="Someone Else")

    assert second.pk == first.pk
    assert second.number == first.number
    assert second.holder_name == "dr. Siti Rahmawati"
    assert IssuedDocument.objects.filter(source_key="application:42").count() == 1
    assert len(stored_files(settings)) == 1


def test_a_crash_while_signing_leaves_a_pending_row_that_the_retry_finishes_with_the_same_number(
    issue, settings
):
    crash = fail_once(signing.sign_pdf, RuntimeError("worker killed"))
    with mock.patch.object(signing, "sign_pdf", side_effect=crash):
        with pytest.raises(RuntimeError):
            issue("application:7")
        pending = IssuedDocument.objects.get(source_key="application:7")
        assert pending.status == DocumentStatus.PENDING
        assert not pending.file
        assert stored_files(settings) == []

        finished = issue("application:7")

    assert finished.pk == pending.pk
    assert finished.number == pending.number
    assert finished.verification_code == pending.verification_code
    assert finished.status == DocumentStatus.VALID
    assert IssuedDocument.objects.count() == 1
    assert len(stored_files(settings)) == 1
    assert issue("application:8").number.endswith("/000002")


def test_a_crash_after_the_file_is_written_but_before_commit_leaves_one_file(issue, settings):
    crash = fail_once(services.record_event, RuntimeError("database went away"))
    with mock.patch.object(services, "record_event", side_effect=crash):
        with pytest.raises(RuntimeError):
            issue("application:9")
        assert IssuedDocument.objects.get(source_key="application:9").status == "pending"
        assert len(stored_files(settings)) == 1  # written, but the row was rolled back

        document = issue("application:9")

    files = stored_files(settings)
    assert len(files) == 1
    assert document.sha256 == hashlib.sha256(files[0].read_bytes()).hexdigest()
    assert AuditEvent.objects.filter(action=AuditAction.DOCUMENT_ISSUED).count() == 1


def test_numbers_follow_a_yearly_sequence_per_prefix_which_the_agency_may_configure(
    issue, agency, authority
):
    year = datetime.date.today().year
    assert issue("a:1").number == f"2171/DINKES/{year}/000001"
    assert issue("a:2").number == f"2171/DINKES/{year}/000002"
    IssuerProfile.objects.create(agency=agency, number_prefix="503/2171/DINKES")
    assert issue("a:3").number == f"503/2171/DINKES/{year}/000001"

    other = AgencyFactory(short_name="Disdukcapil")
    services.ensure_signing_credential(other, authority=authority)
    assert issue("b:1", issuer=other).number == f"2171/DISDUKCAPIL/{year}/000001"


def test_two_agencies_with_the_same_prefix_never_get_the_same_number(issue, authority):
    twin = AgencyFactory(short_name="Dinkes")  # same kab/kota, same short name: same prefix
    services.ensure_signing_credential(twin, authority=authority)

    first = issue("a:1")
    second = issue("b:1", issuer=twin)

    assert first.number.rsplit("/", 1)[0] == second.number.rsplit("/", 1)[0]
    assert first.number != second.number


def test_the_file_path_reveals_neither_the_holder_nor_the_verification_code(issue):
    document = issue()

    assert document.verification_code not in document.file.name
    assert "Siti" not in document.file.name
    assert HOLDER_NIK not in document.file.name
    assert len(document.verification_code) >= 24


def test_issuing_without_an_agency_key_fails_clearly_and_issues_nothing(issue, settings):
    keyless = AgencyFactory(name="Dinas Tanpa Kunci Kota Batam")

    with pytest.raises(SigningKeyMissing, match="Dinas Tanpa Kunci Kota Batam belum memiliki"):
        issue("c:1", issuer=keyless)

    assert not IssuedDocument.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers; row locks need PostgreSQL"
)
def test_concurrent_issuing_gives_each_document_its_own_number(issue):
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def worker(index: int) -> None:
        try:
            start.wait()
            numbers.append(issue(f"concurrent:{index}").number)
        except BaseException as error:  # reported below: a thread cannot fail the test itself
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(numbers)) == 4
    assert sorted(number[-6:] for number in numbers) == ["000001", "000002", "000003", "000004"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers; row locks need PostgreSQL"
)
def test_two_workers_issuing_the_same_source_at_once_make_one_document(issue, settings):
    results: list[IssuedDocument] = []
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def worker() -> None:
        try:
            start.wait()
            results.append(issue("application:same"))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert {document.pk for document in results} == {results[0].pk}
    assert IssuedDocument.objects.count() == 1
    assert len(stored_files(settings)) == 1


def test_the_sweep_finishes_a_document_whose_worker_died_from_what_the_row_stores(issue, settings):
    crash = fail_once(signing.sign_pdf, RuntimeError("worker killed"))
    with mock.patch.object(signing, "sign_pdf", side_effect=crash), pytest.raises(RuntimeError):
        issue("application:11")
    pending = IssuedDocument.objects.get(source_key="application:11")

    assert services.finish_pending_documents() == 0  # still within the grace period
    out = StringIO()
    call_command("finish_pending_documents", "--older-than-minutes=0", stdout=out)
    assert "1 pending document(s) finished." in out.getvalue()

    document = IssuedDocument.objects.get(pk=pending.pk)
    assert document.status == DocumentStatus.VALID
    assert document.number == pending.number
    assert "RSUD Embung Fatimah" in pdf_text(document)
    assert len(stored_files(settings)) == 1
    assert services.finish_pending_documents(older_than=datetime.timedelta(0)) == 0


def test_a_malformed_holder_nik_is_refused_before_anything_is_reserved(issue):
    with pytest.raises(ValueError, match="16 digits"):
        issue(holder_nik="2171-0547")

    assert not IssuedDocument.objects.exists()


def test_issuing_with_an_expired_certificate_fails_clearly(issue, agency):
    SigningCredential.objects.filter(agency=agency).update(
        not_valid_after=timezone.now() - datetime.timedelta(days=1)
    )

    with pytest.raises(SigningKeyMissing, match="sudah kedaluwarsa"):
        issue()

    assert not IssuedDocument.objects.exists()
