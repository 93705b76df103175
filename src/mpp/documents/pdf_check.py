"""A PDF checked object by object: every object the cross-reference table lists, not only the pages.

Active content can sit in any object a viewer reads, so the check does not walk from the catalogue
(a deep page tree or an object nothing points to hid JavaScript from such a walk). It lists every
object of every cross-reference section (tables, streams and objects inside object streams, through
pypdf), adds whatever those objects point to, and looks at each one once, iteratively:

- refused: JavaScript (``/JS``, the ``/JavaScript`` name tree or action), launch, submit-form,
  import-data, remote and embedded go-to, rendition and rich-media actions, embedded files and file
  attachments, XFA forms, and links (``/URI``) whose scheme is not http, https or mailto. An
  ``/OpenAction`` or ``/AA`` that only goes to a page is harmless and accepted; one that runs any of
  the above is refused because the action object itself is looked at.
- refused: an encrypted file (its objects cannot be read), a malformed one (whatever pypdf raises),
  a page tree deeper than :data:`MAX_PAGE_TREE_DEPTH`, an object nested deeper than
  :data:`MAX_NESTING`, more than :data:`MAX_OBJECTS` objects, a stream inflating beyond
  :data:`MAX_STREAM_BYTES` or all streams together beyond :data:`MAX_INFLATED_BYTES`.

The file is refused rather than rewritten without its active content: a rewritten file would no
longer be the one the person signed or stamped, and a refusal tells them what to fix.
"""

from __future__ import annotations

import io
import logging
import re
import zlib
from collections import deque
from typing import Any

from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.filters import ASCII85Decode, ASCIIHexDecode
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

logger = logging.getLogger(__name__)

MAX_PDF_PAGES = 200
MAX_OBJECTS = 20_000  # a 200-page scan has a few thousand
MAX_MISSING_OBJECTS = 50  # references to objects the table does not list (each costs a file scan)
MAX_XREF_ENTRIES = 5 * MAX_OBJECTS  # free entries included (a stream-based table states its size)
MAX_NESTING = 64  # arrays and dictionaries inside one object
MAX_PAGE_TREE_DEPTH = 32  # a balanced tree of a million pages is 6 levels deep
MAX_STREAM_BYTES = 50 * 1024 * 1024  # one inflated stream
MAX_INFLATED_BYTES = 250 * 1024 * 1024  # all streams of the file together (images aside)
MAX_IMAGE_PIXELS = 100_000_000  # one image in a PDF: an A4 page scanned at 600 dpi is 35 MP

# Keys whose mere presence means active content.
ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/XFA", "/RichMediaContent"}
)
# Values of /S (actions), /Type and /Subtype that are, or carry, active content.
ACTIVE_NAMES = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToE",
        "/GoToR",
        "/Rendition",
        "/RichMedia",
        "/RichMediaExecute",
        "/EmbeddedFile",
        "/FileAttachment",
    }
)
SAFE_LINK = re.compile(r"(https?|mailto):", re.IGNORECASE)
# Browsers and viewers drop these before reading a scheme ("java\tscript:" is javascript:).
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]")


class PdfRefused(Exception):
    """The PDF is refused; ``message`` says why in the person's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def not_a_pdf() -> PdfRefused:
    return PdfRefused(_("Berkas ini bukan PDF yang sah."))


def too_complex() -> PdfRefused:
    return PdfRefused(
        _(
            "Struktur berkas PDF ini terlalu rumit untuk diperiksa. Simpan ulang dokumen sebagai "
            "PDF biasa (misalnya dengan Cetak ke PDF), lalu unggah kembali."
        )
    )


def active_content() -> PdfRefused:
    return PdfRefused(_("Berkas PDF berisi skrip atau tindakan otomatis dan tidak dapat diterima."))


def check_pdf(content: bytes) -> None:
    """Return when ``content`` is a PDF without active content; PdfRefused otherwise."""
    end = content.rfind(b"%%EOF")
    if end < 0 or content[end + 5 :].strip(b"\r\n\t \x00"):
        raise PdfRefused(_("Berkas PDF tidak utuh atau berisi data lain setelah akhir dokumen."))
    if re.search(rb"<\s*(html|script|body)\b", content[:4096], re.IGNORECASE):
        raise not_a_pdf()
    try:
        reader = PdfReader(
            io.BytesIO(content),
            strict=False,
            root_object_recovery_limit=MAX_OBJECTS,
            xref_stream_maximum_entries=MAX_XREF_ENTRIES,
        )
        if reader.is_encrypted:
            raise PdfRefused(
                _(
                    "Berkas PDF ini dikunci atau dienkripsi dengan kata sandi sehingga isinya tidak "
                    "dapat diperiksa. Simpan ulang tanpa kata sandi, lalu unggah kembali."
                )
            )
        _Inspection(reader).run()
    except PdfRefused:
        raise
    except Exception as error:
        # pypdf may raise anything on a hostile file: refused, and the kind of failure kept so
        # that a refused genuine file can be looked into (never the file or its name).
        logger.info("PDF upload refused as unreadable: %s", type(error).__name__)
        raise not_a_pdf() from None


class _Inspection:
    def __init__(self, reader: PdfReader):
        self.reader = reader
        self.seen: set[tuple[int, int]] = set()
        self.queue: deque[IndirectObject] = deque()
        self.missing = 0
        self.inflated = 0

    def run(self) -> None:
        # Objects at a file offset first: object streams are among them, so each is size-checked
        # before pypdf inflates it to read the objects it holds.
        for generation, entries in sorted(self.reader.xref.items()):
            for idnum in entries:
                self._enqueue(IndirectObject(idnum, generation, self.reader))
        for idnum in self.reader.xref_objStm:
            self._enqueue(IndirectObject(idnum, 0, self.reader))
        self._inspect(self.reader.trailer)
        while self.queue:
            self._inspect(self._resolve(self.queue.popleft()))
        self._check_page_tree()

    def _enqueue(self, reference: IndirectObject) -> None:
        key = (reference.idnum, reference.generation)
        if key in self.seen:
            return
        self.seen.add(key)
        if len(self.seen) > MAX_OBJECTS:
            raise too_complex()
        self.queue.append(reference)

    def _resolve(self, reference: IndirectObject) -> PdfObject | None:
        listed = (
            reference.idnum in self.reader.xref.get(reference.generation, {})
            or reference.idnum in self.reader.xref_objStm
        )
        if not listed:
            self.missing += 1
            if self.missing > MAX_MISSING_OBJECTS:
                raise not_a_pdf()
        return reference.get_object()

    def _value(self, value: Any) -> Any:
        # Any: pypdf's objects are str, int, list and dict subclasses read by their keys.
        """``value``, or the object it refers to (looked at on its own as well)."""
        if isinstance(value, IndirectObject):
            self._enqueue(value)
            return self._resolve(value)
        return value

    def _inspect(self, root: Any) -> None:
        stack = [(root, 0)]
        while stack:
            value, depth = stack.pop()
            if isinstance(value, IndirectObject):
                self._enqueue(value)
                continue
            if depth > MAX_NESTING:
                raise too_complex()
            if isinstance(value, DictionaryObject):
                self._check_dictionary(value)
                stack.extend((item, depth + 1) for item in value.values())
            elif isinstance(value, ArrayObject):
                stack.extend((item, depth + 1) for item in value)

    def _check_dictionary(self, dictionary: DictionaryObject) -> None:
        if not ACTIVE_KEYS.isdisjoint(dictionary.keys()):
            raise active_content()
        for key in ("/S", "/Type", "/Subtype"):
            if key in dictionary and self._value(dictionary[key]) in ACTIVE_NAMES:
                raise active_content()
        for key in ("/URI", "/Base"):  # a link, or the base a catalogue's relative links resolve on
            uri = self._value(dictionary.get(key))
            if isinstance(uri, (TextStringObject, ByteStringObject)) and not _safe_link(uri):
                raise PdfRefused(
                    _(
                        "Berkas PDF berisi tautan yang tidak aman (hanya tautan http, https, atau "
                        "mailto yang diterima) dan tidak dapat diterima."
                    )
                )
        if isinstance(dictionary, StreamObject):
            self._check_stream(dictionary)

    def _check_stream(self, stream: StreamObject) -> None:
        """Inflate a Flate stream (after any ASCII filters) within the file's remaining budget.

        An image is judged by the size it declares instead: a viewer decodes no more than its
        width x height, and a scan saved with Flate inflates to hundreds of megabytes honestly."""
        if self._value(stream.get("/Subtype")) == "/Image":
            width, height = self._value(stream.get("/Width")), self._value(stream.get("/Height"))
            if not isinstance(width, int) or not isinstance(height, int) or min(width, height) < 0:
                raise not_a_pdf()
            if width * height > MAX_IMAGE_PIXELS:
                raise PdfRefused(_("Berkas PDF ini terlalu besar setelah dibuka."))
            return
        filters = self._value(stream.get("/Filter"))
        names = list(filters) if isinstance(filters, ArrayObject) else [filters]
        data = stream._data
        for name in names:
            name = self._value(name)
            if name in ("/ASCIIHexDecode", "/AHx"):
                data = ASCIIHexDecode.decode(data)  # output half the input: no bomb
            elif name in ("/ASCII85Decode", "/A85"):
                data = ASCII85Decode.decode(data)  # output at most 5/4 of the input
            elif name in ("/FlateDecode", "/Fl"):
                self._inflate(data)
                return
            else:
                return  # image codecs and the rest are decoded by pypdf within its own limits

    def _inflate(self, data: bytes) -> None:
        limit = min(MAX_STREAM_BYTES, MAX_INFLATED_BYTES - self.inflated) + 1
        inflater = zlib.decompressobj()
        try:
            output = inflater.decompress(data, limit)
        except zlib.error:
            raise not_a_pdf() from None
        self.inflated += len(output)
        if len(output) >= limit:
            raise PdfRefused(_("Berkas PDF ini terlalu besar setelah dibuka."))

    def _check_page_tree(self) -> None:
        """Count the pages (without pypdf's recursion) and refuse a tree deeper than the limit."""
        root = self._value(self.reader.trailer.get("/Root"))
        if not isinstance(root, DictionaryObject):
            raise not_a_pdf()
        pages = 0
        visited: set[int] = set()
        stack = [(root.get("/Pages"), 1)]
        while stack:
            node, depth = stack.pop()
            if depth > MAX_PAGE_TREE_DEPTH:
                raise too_complex()
            if isinstance(node, IndirectObject):
                if node.idnum in visited:
                    raise not_a_pdf()  # a page tree that loops
                visited.add(node.idnum)
            node = self._value(node)
            if not isinstance(node, DictionaryObject):
                raise not_a_pdf()
            kids = self._value(node.get("/Kids"))
            if node.get("/Type") == NameObject("/Pages") or kids is not None:
                if not isinstance(kids, ArrayObject):
                    raise not_a_pdf()
                stack.extend((kid, depth + 1) for kid in kids)
                continue
            pages += 1
            if pages > MAX_PDF_PAGES:
                raise PdfRefused(
                    _("Berkas PDF paling banyak %(pages)s halaman.") % {"pages": MAX_PDF_PAGES}
                )


def _safe_link(uri: TextStringObject | ByteStringObject) -> bool:
    text = uri if isinstance(uri, str) else bytes(uri).decode("latin-1")
    return bool(SAFE_LINK.match(_IGNORED_IN_SCHEME.sub("", text)))
