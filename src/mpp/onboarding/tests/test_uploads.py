"""Onboarding files (letter, urgency study, agreement, SK Pengelola): checked by the upload service,
refused on the form with the reason, downloaded only as sandboxed files."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mpp.accounts.models import User
from mpp.accounts.tests.helpers import login_staff
from mpp.documents.tests import hostile_files as hostile
from mpp.documents.uploads import blank_pdf
from mpp.onboarding import services
from mpp.onboarding.models import ManagerDecree, OnboardingApplication
from mpp.onboarding.tests.test_onboarding import FORM
from mpp.tenancy.models import MPP

pytestmark = pytest.mark.django_db

HOSTILE_PDFS = [
    pytest.param(content, message, id=name) for name, content, message in hostile.hostile_pdfs()
]
HOSTILE = [
    *HOSTILE_PDFS,
    pytest.param(hostile.HUGE_PNG, hostile.HUGE_PNG_MESSAGE, id="36-megapixel-png"),
]


@pytest.fixture
def demo(request, demo_tenancy_once, settings, tmp_path):
    demo_tenancy_once.for_test(request, settings, tmp_path)


def _file(content: bytes, name: str = "surat.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _apply(client, letter: bytes):
    return client.post(
        "/lokus/ajukan/",
        {**FORM, "letter": _file(letter), "urgency_study": _file(blank_pdf(), "kajian.pdf")},
    )


@pytest.mark.parametrize(("content", "message"), HOSTILE)
def test_the_public_form_says_why_a_letter_is_refused(client, demo, content, message):
    response = _apply(client, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not OnboardingApplication.objects.exists()


@pytest.mark.parametrize(("content", "message"), HOSTILE)
def test_an_agreement_is_refused_with_the_reason(client, demo, content, message):
    assert _apply(client, blank_pdf()).status_code == 200
    application = OnboardingApplication.objects.get()
    ministry = User.objects.get(username="admin.kemenpanrb")
    services.designate(application, actor=ministry, phase=1)
    with pytest.raises(services.OnboardingError) as refused:
        services.upload_agreement(application, actor=ministry, upload=_file(content))
    assert message in refused.value.message
    application.refresh_from_db()
    assert not application.agreement


@pytest.mark.parametrize(("content", "message"), HOSTILE_PDFS)
def test_the_decree_form_says_why_an_sk_is_refused(client, demo, content, message):
    login_staff(client, User.objects.get(username="admin.batam"))
    mpp = MPP.objects.get(slug="mpp-kota-batam")
    data = {
        "number": "KPTS/45/2026", "decree_date": "2026-11-02", "signatory": "Wali Kota Batam",
        "valid_until": "2028-12-31", "appointee_name": "Rudi Hartono",
        "appointee_email": "rudi@contoh.go.id", "appointee_position": "Koordinator MPP Digital",
        "appointee_mpp": str(mpp.pk), "document": _file(content, "sk.pdf"),
    }  # fmt: skip
    response = client.post("/kelola/penerapan/sk/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ManagerDecree.objects.filter(number="KPTS/45/2026").exists()


def test_a_letter_is_downloaded_in_a_sandbox_never_shown_in_the_site(client, demo):
    assert _apply(client, blank_pdf()).status_code == 200
    application = OnboardingApplication.objects.get()
    login_staff(client, User.objects.get(username="admin.kemenpanrb"))
    response = client.get(f"/kelola/penerapan/{application.pk}/berkas/surat/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{application.reference}-surat.pdf"'
    )
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
