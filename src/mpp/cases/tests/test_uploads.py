"""Hostile uploads refused by structure; images re-encoded; files served as attachments."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, TextStringObject

from mpp.accounts.services import issue_token
from mpp.accounts.tests.helpers import login_staff
from mpp.cases import services
from mpp.cases.models import ApplicationDocument
from mpp.cases.tests.factories import PDF_BYTES, pdf_upload, service_with
from mpp.catalog.tests.factories import SAMPLE_FORM
from mpp.documents.tests import hostile_files as hostile

pytestmark = pytest.mark.django_db


def _js_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(document.cookie);"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _bomb_pdf() -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    stream = DecodedStreamObject()
    stream.set_data(b"\0" * (200 * 1024 * 1024))
    page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _png(width: int = 8, height: int = 8) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(output, format="PNG")
    return output.getvalue()


def _jpeg() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(output, format="JPEG")
    return output.getvalue()


def _big_png() -> bytes:
    # 20000 x 20000 pixels: a tiny file that would take 1.2 GB to decode.
    output = io.BytesIO()
    Image.new("1", (20000, 20000)).save(output, format="PNG")
    return output.getvalue()


@pytest.fixture
def service():
    form = [dict(item) for item in SAMPLE_FORM]
    for item in form:
        if item["type"] == "file":
            item["file_types"] = ["application/pdf", "image/png", "image/jpeg"]
    return service_with(form_definition=form)


@pytest.fixture
def draft(service, citizen):
    return services.start_application(service=service, applicant=citizen)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("js.pdf", _js_pdf(), "skrip atau tindakan otomatis"),
        ("html.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>", "setelah akhir"),
        ("html-eof.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF", "bukan PDF"),
        ("exe-tail.pdf", b"%PDF-1.4\nMZ\x90\x00\x03" + b"\x00" * 200, "setelah akhir"),
        ("tail.pdf", PDF_BYTES + b"<html><script>alert(1)</script></html>", "setelah akhir"),
        ("bomb.pdf", _bomb_pdf(), "terlalu besar setelah dibuka"),
        ("html.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>", "bukan gambar"),
        ("zip.jpg", b"\xff\xd8\xff\xe0PK\x03\x04" + b"\x00" * 100, "bukan gambar"),
        ("besar.png", _big_png(), "Gambar terlalu besar"),
        ("exe.pdf", b"%PDF-1.4\nMZ\x90\x00\x03" + b"\x00" * 200 + b"%%EOF", "bukan PDF"),
    ],
)
def test_hostile_files_are_refused(draft, citizen, name, content, message, settings):
    upload = pdf_upload(name, content)
    with pytest.raises(services.ApplicationError) as refused:
        services.attach_file(draft, actor=citizen, field="dokumen", upload=upload)
    assert message in refused.value.message
    assert not ApplicationDocument.objects.exists()


@pytest.mark.parametrize("content", [_png(), _jpeg()])
def test_images_are_reencoded_without_what_rode_behind_them(draft, citizen, content):
    upload = pdf_upload("foto", content + b"PK\x03\x04<html>")
    document = services.attach_file(draft, actor=citizen, field="dokumen", upload=upload)
    stored = document.file.read()
    assert b"<html>" not in stored and b"PK\x03\x04" not in stored
    Image.open(io.BytesIO(stored)).verify()


def test_files_are_served_to_staff_as_sandboxed_attachments(client, draft, citizen, officer):
    document = services.attach_file(draft, actor=citizen, field="dokumen", upload=pdf_upload())
    services.update_draft(draft, actor=citizen, data={"nama_lengkap": "Budi"})
    login_staff(client, officer)
    response = client.get(reverse("cases:staff_file", args=[draft.pk, document.pk]))
    if response.status_code == 404:  # a draft is not visible to staff; the citizen's own view
        client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
        response = client.get(reverse("cases:file", args=[draft.pk, document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


HOSTILE = [
    pytest.param(content, message, id=name) for name, content, message in hostile.hostile_pdfs()
] + [pytest.param(hostile.HUGE_PNG, hostile.HUGE_PNG_MESSAGE, id="36-megapixel-png")]


@pytest.mark.parametrize(("content", "message"), HOSTILE)
def test_the_form_step_shows_why_a_file_is_refused(client, draft, citizen, content, message):
    services.update_draft(draft, actor=citizen, data={"nama_lengkap": "Budi"})
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    response = client.post(
        reverse("cases:step", args=[draft.pk, 3]), {"dokumen": pdf_upload("ktp.pdf", content)}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ApplicationDocument.objects.exists()


@pytest.mark.parametrize(("content", "message"), HOSTILE)
def test_the_api_answers_why_a_file_is_refused(client, draft, citizen, content, message):
    _token, raw = issue_token(citizen)
    response = client.post(
        f"/api/v1/applications/{draft.pk}/documents",
        {"field": "dokumen", "file": pdf_upload("ktp.pdf", content)},
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ApplicationDocument.objects.exists()
