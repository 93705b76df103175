"""Re-issuing an application's document (issue 24: "revocations and re-issues appear in the
timeline"): the officer gives a reason, the old document is revoked when still valid, a new number
is signed, the application points to it, the old verification page names its successor, the
applicant is told, and both events are in the timeline."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from mpp.accounts.tests.helpers import login_staff
from mpp.cases import services
from mpp.cases.tests.factories import (
    StaffFactory,
    issued_application,
)
from mpp.documents import services as document_services
from mpp.documents.models import DocumentStatus
from mpp.notifications.models import Notification

pytestmark = pytest.mark.django_db

REASON = "Penanda tangan pada dokumen lama keliru."


@pytest.fixture
def issued(service, citizen, signing, django_capture_on_commit_callbacks):
    application, officer = issued_application(service, citizen, django_capture_on_commit_callbacks)
    return application, application.issued_document, officer


def test_the_officer_reissues_through_the_page_and_everyone_sees_the_new_document(
    client, citizen, issued
):
    application, old, officer = issued
    login_staff(client, officer)
    detail = client.get(f"/kelola/permohonan/{application.pk}/").content.decode()
    assert f"/kelola/permohonan/{application.pk}/terbitkan-ulang/" in detail
    confirm = client.get(f"/kelola/permohonan/{application.pk}/terbitkan-ulang/")
    assert "akan dicabut" in confirm.content.decode()

    refused = client.post(f"/kelola/permohonan/{application.pk}/terbitkan-ulang/", {"reason": " "})
    assert refused.status_code == 400
    old.refresh_from_db()
    assert old.status == DocumentStatus.VALID  # a refusal changes nothing

    response = client.post(
        f"/kelola/permohonan/{application.pk}/terbitkan-ulang/", {"reason": REASON}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    old.refresh_from_db()
    new = application.issued_document
    assert new.pk != old.pk and new.status == DocumentStatus.VALID and new.sha256
    assert new.number != old.number and new.verification_code != old.verification_code
    assert old.status == DocumentStatus.REVOKED and old.revoked_reason == REASON
    assert new.replaces_id == old.pk and new.issued_by == officer

    verify_old = client.get(f"/verifikasi/{old.verification_code}/").content.decode()
    assert "telah dicabut" in verify_old and f"nomor {new.number}" in verify_old
    assert Notification.objects.filter(
        recipient=citizen, kind="application.issued", context__document_number=new.number
    ).exists()

    timeline = client.get(f"/kelola/permohonan/{application.pk}/").content.decode()
    timeline = timeline[timeline.index('class="timeline"') :]
    assert f"Dokumen {old.number} dicabut" in timeline
    assert f"Dokumen {new.number} diterbitkan ulang menggantikan {old.number}" in timeline
    assert timeline.count(REASON) == 2 and officer.name in timeline

    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    mine = client.get(f"/permohonan/{application.pk}/").content.decode()
    assert f"diterbitkan ulang menggantikan {old.number}" in mine
    pdf = client.get(f"/permohonan/{application.pk}/dokumen.pdf")
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content) == new.file.open("rb").read()


def test_a_document_is_replaced_once_and_a_revoked_one_is_reissued_without_a_second_revocation(
    issued,
):
    application, old, officer = issued
    document_services.revoke_document(old, by=officer, reason="Rusak.")
    new = services.reissue_application_document(application, actor=officer, reason=REASON)
    old.refresh_from_db()
    assert old.revoked_reason == "Rusak."  # the earlier revocation stands
    assert new.replaces_id == old.pk
    with pytest.raises(ValidationError) as again:
        document_services.reissue_document(old, by=officer, reason=REASON)
    assert f"sudah diterbitkan ulang sebagai {new.number}" in str(again.value)


def test_only_the_agency_officer_reissues(client, service, issued):
    application, old, _officer = issued
    stranger = StaffFactory()
    with pytest.raises(services.ApplicationError) as refused:
        services.reissue_application_document(application, actor=stranger, reason=REASON)
    assert refused.value.status == 403
    login_staff(client, stranger)
    response = client.post(
        f"/kelola/permohonan/{application.pk}/terbitkan-ulang/", {"reason": REASON}
    )
    assert response.status_code in (403, 404)
    old.refresh_from_db()
    assert old.status == DocumentStatus.VALID
