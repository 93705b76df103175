"""Complaint attachments: refused on the form with the reason, downloaded only as sandboxed files."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from mpp.accounts.models import User
from mpp.accounts.tests.helpers import login_staff
from mpp.complaints.models import Attachment, Complaint
from mpp.documents.tests import hostile_files as hostile
from mpp.documents.uploads import blank_pdf

from .factories import desk, submitted, web_form

pytestmark = pytest.mark.django_db

HOSTILE = [
    pytest.param(content, message, id=name) for name, content, message in hostile.hostile_pdfs()
] + [pytest.param(hostile.HUGE_PNG, hostile.HUGE_PNG_MESSAGE, id="36-megapixel-png")]


def _jpeg() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(output, format="JPEG")
    return output.getvalue()


@pytest.mark.parametrize(("content", "message"), HOSTILE)
def test_the_form_says_why_an_attachment_is_refused(client, demo, content, message):
    client.force_login(User.objects.get(nik="2171011508900003"))
    response = client.post(
        "/pengaduan/baru/", web_form(attachments=SimpleUploadedFile("bukti.pdf", content))
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Complaint.objects.filter(title="AC ruang tunggu mati").exists()
    assert not Attachment.objects.exists()


def test_a_pdf_and_a_photo_are_still_accepted(client, demo):
    client.force_login(User.objects.get(nik="2171011508900003"))
    response = client.post(
        "/pengaduan/baru/",
        web_form(
            attachments=[
                SimpleUploadedFile("surat.pdf", blank_pdf()),
                SimpleUploadedFile("foto.jpg", _jpeg()),
            ]
        ),
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get(title="AC ruang tunggu mati")
    assert sorted(complaint.attachments.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/jpeg",
    ]


def test_an_attachment_is_downloaded_in_a_sandbox_never_shown_in_the_site(client, demo):
    complaint = submitted(attachments=[SimpleUploadedFile("bukti.pdf", blank_pdf())])
    attachment = complaint.attachments.get()
    login_staff(client, desk())
    response = client.get(
        reverse("complaints:staff_attachment", args=[complaint.pk, attachment.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="lampiran-{attachment.pk}.pdf"'
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == attachment.file.open("rb").read()
