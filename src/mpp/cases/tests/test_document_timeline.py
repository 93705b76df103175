"""Issue 24: a revoked document appears in the application's timeline, for the citizen and the
officer, with who revoked it, when and why."""

from __future__ import annotations

import pytest

from mpp.accounts.tests.helpers import login_staff
from mpp.cases.tests.factories import issued_application
from mpp.documents import services as document_services

pytestmark = pytest.mark.django_db

REASON = "Nama pemegang salah ketik; dokumen diganti."


@pytest.fixture
def revoked(service, citizen, signing, django_capture_on_commit_callbacks):
    application, officer = issued_application(service, citizen, django_capture_on_commit_callbacks)
    document = application.issued_document
    document_services.revoke_document(document, by=officer, reason=REASON)
    return application, document, officer


def test_the_citizen_reads_the_revocation_with_its_reason(client, citizen, revoked):
    application, document, officer = revoked
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    page = client.get(f"/permohonan/{application.pk}/").content.decode()
    timeline = page[page.index('class="timeline"') :]
    assert f"Dokumen {document.number} dicabut" in timeline
    assert REASON in timeline
    # After the issue in the timeline, by an officer (the citizen is not given the name).
    assert timeline.index("Dokumen diterbitkan") < timeline.index("dicabut")
    assert officer.name not in timeline


def test_the_officer_reads_who_revoked_it(client, revoked):
    application, document, officer = revoked
    login_staff(client, officer)
    page = client.get(f"/kelola/permohonan/{application.pk}/").content.decode()
    timeline = page[page.index('class="timeline"') :]
    assert f"Dokumen {document.number} dicabut" in timeline
    assert REASON in timeline and officer.name in timeline
