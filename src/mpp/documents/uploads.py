"""The one way a person's file is accepted, stored and served back.

Every upload point (an application's files, complaint attachments, onboarding letters, studies,
agreements and SK Pengelola) calls :func:`accept_upload` with its :class:`UploadRule` and stores the
:class:`AcceptedUpload` it gets; every download of such a file is :func:`serve_upload`.

Accepting means, in this order and at a bounded cost: not empty, within the size limit, of an
allowed type recognised by its first bytes (never by its name), then checked by its structure. A
PDF is inspected object by object (:mod:`mpp.documents.pdf_check`). An image's dimensions are read
from its header and refused over the pixel budget before anything is decoded; within the budget it
is decoded and re-encoded (so that whatever rode behind its header is not stored), one image at a
time per process. The bytes stored are the checked ones, with their SHA-256 digest.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image

from mpp.documents.pdf_check import PdfRefused, check_pdf
from mpp.documents.store import store_calls

# Content types an upload may be, each recognised by its first bytes.
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
# How long an upload waits for the process's image decoder before it is asked to try again.
DECODER_WAIT_SECONDS = 20


class UnsafeFile(Exception):
    """The file is refused; ``message`` says why in the person's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class UploadRule:
    """What one upload point accepts: content types (see :data:`SIGNATURES`) and a size in bytes."""

    types: tuple[str, ...]
    max_bytes: int


@dataclass(frozen=True)
class AcceptedUpload:
    """A checked upload: the bytes to store (an image re-encoded), its type and digest."""

    content: bytes
    content_type: str
    sha256: str
    original_name: str

    @property
    def size(self) -> int:
        return len(self.content)

    def save_to(self, field_file: FieldFile, name: str) -> None:
        """Store the content in ``field_file`` (a model's FileField) without saving the row.

        Raises :class:`~mpp.documents.store.StoreUnavailable` when the store does not answer; the
        caller's transaction then rolls back and no row points to the missing file."""
        with store_calls():
            field_file.save(name, ContentFile(self.content), save=False)


def megabytes(value: int) -> str:
    """``10 MB``, ``2,5 MB``: a size as people read it."""
    return f"{value / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0") + " MB"


def sniff_content_type(head: bytes) -> str | None:
    """The supported content type ``head`` (the first bytes of a file) really is, or None."""
    for content_type, signatures in SIGNATURES.items():
        if any(head.startswith(signature) for signature in signatures):
            return content_type
    return None


def upload_problem(upload: UploadedFile[Any], rule: UploadRule) -> str | None:
    """Why ``upload`` (a Django UploadedFile) is refused by its size or type, or None.

    The cheap part of :func:`accept_upload`, for forms that say so before anything is stored."""
    size = getattr(upload, "size", 0) or 0
    if size == 0:
        return _("Berkas kosong.")
    if size > rule.max_bytes:
        return _("Berkas terlalu besar; paling besar %(max)s.") % {"max": megabytes(rule.max_bytes)}
    if _sniffed(upload) not in rule.types:
        return _("Jenis berkas tidak diterima; unggah berkas %(types)s.") % {
            "types": ", ".join(TYPE_NAMES.get(t, t) for t in rule.types)
        }
    return None


def accept_upload(upload: UploadedFile[Any], rule: UploadRule) -> AcceptedUpload:
    """``upload`` checked against ``rule`` and by its content; UnsafeFile (nothing stored) if not."""
    problem = upload_problem(upload, rule)
    content_type = _sniffed(upload)
    if problem or content_type is None:
        raise UnsafeFile(problem or _("Jenis berkas tidak diterima."))
    upload.seek(0)
    content = checked_content(upload.read(), content_type)
    return AcceptedUpload(
        content=content,
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
        original_name=safe_name(getattr(upload, "name", "") or ""),
    )


def checked_content(content: bytes, content_type: str) -> bytes:
    """The bytes to store for content already recognised as ``content_type``; UnsafeFile if not."""
    if content_type == "application/pdf":
        try:
            check_pdf(content)
        except PdfRefused as refused:
            raise UnsafeFile(refused.message) from None
        return content
    if content_type in PILLOW_FORMATS:
        return _reencoded_image(content, content_type)
    raise UnsafeFile(_("Jenis berkas tidak diterima."))


def safe_name(name: str) -> str:
    """The uploaded file's name for display, without digit runs that could be a NIK."""
    base = re.sub(r"\d{6,}", "…", name)
    base = re.sub(r"[^\w.\- ()…]", "_", base)
    return base[-100:]


def serve_upload(field_file: FieldFile, *, name: str) -> FileResponse:
    """A person's stored upload as the download ``name`` plus its extension.

    Never rendered in our origin, even if a check missed something: a download, of the type its
    bytes are (read from the stored file, not from anything the uploader said), and a browser that
    shows it anyway runs it in a sandbox without any resource."""
    with store_calls():
        stored = field_file.open("rb")
        content_type = sniff_content_type(stored.read(16)) or "application/octet-stream"
        stored.seek(0)
    response = FileResponse(
        stored,
        content_type=content_type,
        as_attachment=True,
        filename=f"{name}.{EXTENSIONS.get(content_type, 'bin')}",
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def blank_pdf() -> bytes:
    """A valid one-page PDF (demo uploads and tests)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _sniffed(upload: UploadedFile[Any]) -> str | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return sniff_content_type(head)


def max_image_pixels() -> int:
    return int(settings.MPP_UPLOAD_MAX_IMAGE_PIXELS)


@cache
def _decoder() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(int(settings.MPP_UPLOAD_IMAGE_DECODERS))


def _reencoded_image(content: bytes, content_type: str) -> bytes:
    budget = max_image_pixels()
    too_big = _("Gambar terlalu besar (paling banyak %(megapixels)s megapiksel).") % {
        "megapixels": f"{budget / 1_000_000:g}".replace(".", ",")
    }
    broken = _("Berkas gambar rusak atau bukan gambar yang sah.")
    try:
        # Opening reads the header only. Pillow's own bomb guard (set to the same budget when the
        # app starts) stays as a second line.
        image = Image.open(io.BytesIO(content), formats=[PILLOW_FORMATS[content_type]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UnsafeFile(too_big) from None
    except (OSError, ValueError, SyntaxError):
        raise UnsafeFile(broken) from None
    with image:
        if image.width * image.height > budget:
            raise UnsafeFile(too_big)
        if not _decoder().acquire(timeout=DECODER_WAIT_SECONDS):
            raise UnsafeFile(
                _("Server sedang memeriksa berkas lain. Coba unggah lagi beberapa saat lagi.")
            )
        try:
            image.load()
            output = io.BytesIO()
            if content_type == "image/png":
                image.save(output, format="PNG", compress_level=1)
            else:
                image.convert("RGB").save(output, format="JPEG", quality=90)
            return output.getvalue()
        except (OSError, ValueError, SyntaxError):
            raise UnsafeFile(broken) from None
        finally:
            _decoder().release()
