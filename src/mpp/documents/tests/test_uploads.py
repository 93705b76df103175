"""The upload service: PDFs inspected object by object, images refused by their header, bounded work.

Each upload point has its own test that the refusal reaches the person (cases, complaints,
onboarding); these pin the checks themselves.
"""

from __future__ import annotations

import io
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mpp.documents import pdf_check, uploads
from mpp.documents.tests import hostile_files as hostile
from mpp.documents.uploads import UnsafeFile, UploadRule, accept_upload, blank_pdf

ANY = UploadRule(types=("application/pdf", "image/png", "image/jpeg"), max_bytes=10 * 1024 * 1024)


def accepted(content: bytes, name: str = "berkas"):
    return accept_upload(SimpleUploadedFile(name, content), ANY)


def refusal(content: bytes) -> str:
    with pytest.raises(UnsafeFile) as refused:
        accepted(content)
    return refused.value.message


@pytest.mark.parametrize(
    ("content", "message"),
    [pytest.param(content, message, id=name) for name, content, message in hostile.hostile_pdfs()],
)
def test_every_pdf_the_probe_got_through_is_refused(content, message):
    assert message in refusal(content)


def test_a_page_tree_deeper_than_the_limit_is_refused_even_without_any_action():
    assert "terlalu rumit" in refusal(hostile.nested_page_tree(pdf_check.MAX_PAGE_TREE_DEPTH))
    assert accepted(hostile.nested_page_tree(5)).content_type == "application/pdf"


@pytest.mark.parametrize(
    "uri",
    [
        b"javascript:app.alert(1)",
        b" JaVa\tScRiPt:app.alert(1)",
        b"file:///C:/Windows/system32/calc.exe",
        b"data:text/plain;base64,SGFsbw==",
        b"\\\\\\\\attacker\\\\share\\\\doc.pdf",
    ],
)
def test_links_other_than_web_and_mail_are_refused(uri):
    assert "tautan yang tidak aman" in refusal(hostile.link(uri))


@pytest.mark.parametrize("uri", [b"https://mpp.batam.go.id/layanan/", b"mailto:mpp@batam.go.id"])
def test_web_and_mail_links_are_accepted(uri):
    assert accepted(hostile.link(uri)).content_type == "application/pdf"


@pytest.mark.parametrize(
    "hidden",
    [
        b"<< /Type /EmbeddedFile /Length 0 >>",
        b"<< /S /Launch /F (cmd.exe) >>",
        b"<< /S /SubmitForm /F (https://example.com/) >>",
        b"<< /XFA 3 0 R >>",
        b"<< /S /URI /URI (javascript:alert(1)) >>",
        b"<< /Type /Annot /Subtype /RichMedia >>",
        b"<< /Names << /JavaScript << /Names [] >> >> >>",
        b"<< /S /J#61vaScript /J#53 (alert(1)) >>",  # names spelled with escapes
    ],
)
def test_active_content_inside_an_object_stream_is_refused(hidden):
    assert "tidak" in refusal(hostile.in_object_stream(hidden))


def test_an_object_stream_without_active_content_is_accepted():
    content = hostile.in_object_stream(b"<< /Producer (Kantor Camat) >>")
    assert accepted(content).content == content


def test_a_page_that_goes_to_itself_when_opened_is_accepted():
    """An /OpenAction that only shows a page is harmless (office suites write one)."""
    content = hostile.one_page(catalog_extra=b"/OpenAction [3 0 R /Fit]")
    assert accepted(content).sha256


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF", id="no-table"),
        pytest.param(hostile.one_page()[:-60] + b"\n%%EOF", id="cut-table"),
        pytest.param(
            hostile.raw_pdf(
                {
                    1: b"<< /Type /Catalog /Pages 2 0 R >>",
                    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    3: b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
                }
            ),
            id="page-tree-loop",
        ),
        pytest.param(
            hostile.one_page(
                page_extra=b"/X [" + b" ".join(b"%d 0 R" % n for n in range(9, 99)) + b"]"
            ),
            id="refs-to-missing-objects",
        ),
        pytest.param(hostile.one_page(page_extra=b"/X " + b"[" * 100 + b"]" * 100), id="nesting"),
        pytest.param(hostile.one_page(page_extra=b"/X " + b"[" * 5000 + b"]" * 5000), id="deeper"),
    ],
)
def test_malformed_pdfs_are_refused_with_a_message(content):
    message = refusal(content)
    assert "bukan PDF yang sah" in message or "terlalu rumit" in message


def test_a_file_with_more_objects_than_the_limit_is_refused_before_looking_at_them_all():
    many = {f"o{n}": b"<< /N %d >>" % n for n in range(4, pdf_check.MAX_OBJECTS + 4)}
    assert "terlalu rumit" in refusal(hostile.one_page(**many))


def test_an_encrypted_pdf_is_refused_saying_what_to_do():
    message = refusal(hostile.encrypted_pdf())
    assert message == (
        "Berkas PDF ini dikunci atau dienkripsi dengan kata sandi sehingga isinya tidak dapat "
        "diperiksa. Simpan ulang tanpa kata sandi, lalu unggah kembali."
    )


def test_an_image_over_the_pixel_budget_is_refused_from_its_header():
    # 150 bytes claiming 36 megapixels: decoding would fail on the missing data, so the message
    # about size shows the header alone decided.
    assert refusal(hostile.HUGE_PNG) == hostile.HUGE_PNG_MESSAGE


def test_the_pixel_budget_is_a_setting(settings):
    settings.MPP_UPLOAD_MAX_IMAGE_PIXELS = 1_000_000
    output = io.BytesIO()
    Image.new("RGB", (2000, 1000), "white").save(output, format="PNG")
    assert refusal(output.getvalue()) == "Gambar terlalu besar (paling banyak 1 megapiksel)."


def test_a_pdf_and_a_photo_are_accepted_with_their_digest():
    pdf = accepted(blank_pdf(), "surat.pdf")
    assert (pdf.content_type, pdf.original_name) == ("application/pdf", "surat.pdf")
    assert len(pdf.sha256) == 64
    output = io.BytesIO()
    Image.new("RGB", (640, 480), "teal").save(output, format="JPEG")
    photo = accepted(output.getvalue(), "foto 3171011508900003.jpg")
    assert photo.content_type == "image/jpeg"
    assert "3171011508900003" not in photo.original_name  # a NIK-like run is never kept
    assert Image.open(io.BytesIO(photo.content)).size == (640, 480)


def test_an_image_is_decoded_one_at_a_time_and_a_waiting_upload_is_asked_to_retry(monkeypatch):
    """The decoder is held by another upload (as by a burst of parallel uploads): this one is not
    decoded alongside it but told, in Indonesian, to try again."""
    monkeypatch.setattr(uploads, "DECODER_WAIT_SECONDS", 0)
    output = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(output, format="PNG")
    decoder = uploads._decoder()
    held = 0
    while decoder.acquire(blocking=False):
        held += 1
    try:
        message = refusal(output.getvalue())
    finally:
        for _ in range(held):
            decoder.release()
    assert held == 1  # MPP_UPLOAD_IMAGE_DECODERS: one per process by default
    assert message == "Server sedang memeriksa berkas lain. Coba unggah lagi beberapa saat lagi."
    assert accepted(output.getvalue()).content_type == "image/png"


def test_streams_that_together_inflate_beyond_the_budget_are_refused(monkeypatch):
    """Each stream is within the limit of one stream; together they are over the file's budget
    (lowered here to 2 MB from 250 MB so that the test inflates little)."""
    monkeypatch.setattr(pdf_check, "MAX_INFLATED_BYTES", 2 * 1024 * 1024)
    packed = zlib.compress(b"\0" * (1024 * 1024))
    stream = b"<< /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (len(packed), packed)
    assert accepted(hostile.one_page(o4=stream, o5=stream)).sha256
    content = hostile.one_page(o4=stream, o5=stream, o6=stream)
    assert refusal(content) == "Berkas PDF ini terlalu besar setelah dibuka."


def test_a_scan_is_judged_by_its_declared_image_size_not_by_inflating_it():
    """Thirty 12-megapixel page images of 12 MB each once inflated (360 MB together, a long
    scan saved with Flate) are accepted; one image declaring 150 megapixels is refused."""
    packed = zlib.compress(b"\xff" * (12 * 1024 * 1024))

    def image(width: int, height: int) -> bytes:
        return (
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
            b" /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
            % (width, height, len(packed), packed)
        )

    scan = hostile.one_page(**{f"o{n}": image(4000, 3000) for n in range(4, 34)})
    assert accepted(scan).content_type == "application/pdf"
    assert refusal(hostile.one_page(o4=image(15000, 10000))) == (
        "Berkas PDF ini terlalu besar setelah dibuka."
    )
