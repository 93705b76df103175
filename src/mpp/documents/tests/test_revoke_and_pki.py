"""Revoking a document, and the demo certificate authority with one key per agency."""

from __future__ import annotations

import datetime

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from mpp.audit.models import AuditAction, AuditEvent
from mpp.documents import services
from mpp.documents.models import CertificateAuthority, DocumentStatus, SigningCredential
from mpp.documents.tests.factories import AgencyFactory, PresenceFactory, officer_of
from mpp.tenancy.models import Agency

pytestmark = pytest.mark.django_db


def test_an_officer_of_the_issuing_agency_revokes_with_a_reason(issue, presence):
    document = issue()
    officer = officer_of(presence)

    revoked = services.revoke_document(
        document, by=officer, reason="  Izin dicabut atas permintaan pemegang. "
    )

    assert revoked.status == DocumentStatus.REVOKED
    assert revoked.revoked_by == officer
    assert revoked.revoked_at is not None
    assert revoked.revoked_reason == "Izin dicabut atas permintaan pemegang."
    event = AuditEvent.objects.get(action=AuditAction.DOCUMENT_REVOKED)
    assert event.actor == officer
    assert event.summary == document.number


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_revoking_requires_a_reason_and_changes_nothing_without_one(issue, presence, reason):
    document = issue()

    with pytest.raises(ValidationError) as error:
        services.revoke_document(document, by=officer_of(presence), reason=reason)

    assert error.value.message_dict == {"reason": ["Alasan pencabutan wajib diisi."]}
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID
    assert not AuditEvent.objects.filter(action=AuditAction.DOCUMENT_REVOKED).exists()


def test_an_officer_of_another_agency_cannot_revoke(issue):
    document = issue()
    stranger = officer_of(PresenceFactory())

    with pytest.raises(PermissionDenied):
        services.revoke_document(document, by=stranger, reason="Salah terbit.")

    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID


def test_a_revoked_document_cannot_be_revoked_again(issue, presence):
    officer = officer_of(presence)
    document = services.revoke_document(issue(), by=officer, reason="Salah terbit.")

    with pytest.raises(ValidationError, match="Hanya dokumen yang sah"):
        services.revoke_document(document, by=officer, reason="Lagi.")

    document.refresh_from_db()
    assert document.revoked_reason == "Salah terbit."


def test_create_demo_pki_gives_every_agency_a_key_and_keeps_them_when_run_again():
    AgencyFactory.create_batch(3)

    call_command("create_demo_pki")
    first = dict(SigningCredential.objects.values_list("agency_id", "fingerprint"))
    call_command("create_demo_pki")
    again = dict(SigningCredential.objects.values_list("agency_id", "fingerprint"))

    assert set(first) == set(Agency.objects.values_list("pk", flat=True))
    assert again == first
    assert CertificateAuthority.objects.count() == 1


def test_create_demo_pki_with_force_replaces_the_ca_and_the_keys():
    AgencyFactory()
    call_command("create_demo_pki")
    before = set(SigningCredential.objects.values_list("fingerprint", flat=True))
    ca_before = CertificateAuthority.objects.get().certificate_pem

    call_command("create_demo_pki", "--force")

    assert set(SigningCredential.objects.values_list("fingerprint", flat=True)).isdisjoint(before)
    assert CertificateAuthority.objects.get().certificate_pem != ca_before


def test_a_new_agency_gets_a_key_on_the_next_run():
    call_command("create_demo_pki")
    agency = AgencyFactory()

    call_command("create_demo_pki")

    assert SigningCredential.objects.filter(agency=agency).exists()


def test_private_keys_are_encrypted_at_rest(agency, settings):
    credential = SigningCredential.objects.get(agency=agency)

    assert "ENCRYPTED PRIVATE KEY" in credential.private_key_pem
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(credential.private_key_pem.encode(), password=None)
    settings.MPP_SIGNING_KEY_PASSPHRASE = "another passphrase"
    with pytest.raises(ValueError):
        services.pki.decrypt_private_key(credential.private_key_pem)


def test_create_demo_pki_renews_an_expired_certificate(agency):
    SigningCredential.objects.filter(agency=agency).update(
        not_valid_after=timezone.now() - datetime.timedelta(days=1)
    )

    call_command("create_demo_pki")

    assert SigningCredential.objects.get(agency=agency).not_valid_after > timezone.now()
