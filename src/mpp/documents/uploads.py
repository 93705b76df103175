"""Uploaded files checked by their structure, not their first bytes.

A PDF is parsed (pypdf) and refused when it carries active content (JavaScript, an open action,
launch actions, embedded files), data after its end, too many pages or a stream that inflates
beyond a limit. An image is decoded (Pillow, with a pixel limit against decompression bombs) and
re-encoded, so that whatever rode behind its header (HTML, a ZIP) is not stored.
"""

from __future__ import annotations

import io
import re
import zlib

from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

MAX_PDF_PAGES = 200
MAX_STREAM_BYTES = 50 * 1024 * 1024  # one inflated PDF stream
MAX_IMAGE_PIXELS = 40_000_000  # e.g. 8000 x 5000; a phone photo is 12 MP
ACTIVE_KEYS = {"/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/EmbeddedFiles"}
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToE", "/Rendition"}


def blank_pdf() -> bytes:
    """A valid one-page PDF (demo uploads and tests)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


class UnsafeFile(Exception):
    """The file is refused; ``message`` says why in the person's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def checked_content(content: bytes, content_type: str) -> bytes:
    """The bytes to store for an upload already recognised as ``content_type``; UnsafeFile if not."""
    if content_type == "application/pdf":
        _check_pdf(content)
        return content
    if content_type in {"image/png", "image/jpeg"}:
        return _reencoded_image(content, content_type)
    return content


def _walk(value, seen: set[int], depth: int = 0):
    """Every dictionary reachable from ``value`` (each indirect object once)."""
    if depth > 60:
        return
    if isinstance(value, IndirectObject):
        if value.idnum in seen:
            return
        seen.add(value.idnum)
        value = value.get_object()
    if isinstance(value, DictionaryObject):
        yield value
        for item in value.values():
            yield from _walk(item, seen, depth + 1)
    elif isinstance(value, ArrayObject):
        for item in value:
            yield from _walk(item, seen, depth + 1)


def _check_pdf(content: bytes) -> None:
    tail = content[content.rfind(b"%%EOF") + 5 :] if b"%%EOF" in content else content
    if b"%%EOF" not in content or tail.strip(b"\r\n\t \x00"):
        raise UnsafeFile(_("Berkas PDF tidak utuh atau berisi data lain setelah akhir dokumen."))
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise UnsafeFile(_("Berkas PDF yang dikunci kata sandi tidak dapat diterima."))
        if len(reader.pages) > MAX_PDF_PAGES:
            raise UnsafeFile(
                _("Berkas PDF paling banyak %(pages)s halaman.") % {"pages": MAX_PDF_PAGES}
            )
        seen: set[int] = set()
        for dictionary in _walk(reader.trailer["/Root"], seen):
            if ACTIVE_KEYS & set(dictionary.keys()) or dictionary.get("/S") in ACTIVE_ACTIONS:
                raise UnsafeFile(
                    _("Berkas PDF berisi skrip atau tindakan otomatis dan tidak dapat diterima.")
                )
            if isinstance(dictionary, StreamObject):
                _check_stream(dictionary)
    except UnsafeFile:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise UnsafeFile(_("Berkas ini bukan PDF yang sah.")) from None
    if re.search(rb"<\s*(html|script|body)\b", content[:4096], re.IGNORECASE):
        raise UnsafeFile(_("Berkas ini bukan PDF yang sah."))


def _check_stream(stream: StreamObject) -> None:
    filters = stream.get("/Filter")
    names = list(filters) if isinstance(filters, ArrayObject) else [filters]
    if "/FlateDecode" not in names:
        return
    inflater = zlib.decompressobj()
    try:
        inflater.decompress(stream._data, MAX_STREAM_BYTES)
    except zlib.error:
        raise UnsafeFile(_("Berkas ini bukan PDF yang sah.")) from None
    if inflater.unconsumed_tail:
        raise UnsafeFile(_("Berkas PDF ini terlalu besar setelah dibuka."))


def _reencoded_image(content: bytes, content_type: str) -> bytes:
    too_big = _("Gambar terlalu besar (paling banyak %(megapixels)s megapiksel).") % {
        "megapixels": MAX_IMAGE_PIXELS // 1_000_000
    }
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise UnsafeFile(too_big)
            image.load()
            output = io.BytesIO()
            if content_type == "image/png":
                image.save(output, format="PNG", optimize=False)
            else:
                image.convert("RGB").save(output, format="JPEG", quality=90)
            return output.getvalue()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UnsafeFile(too_big) from None
    except UnsafeFile:
        raise
    except (OSError, ValueError, SyntaxError):
        raise UnsafeFile(_("Berkas gambar rusak atau bukan gambar yang sah.")) from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous
