"""Hostile and harmless files built byte by byte, so each test shows exactly what it sends."""

from __future__ import annotations

import io
import struct
import zlib

from pypdf import PdfReader, PdfWriter

from mpp.documents.uploads import blank_pdf

JS_ACTION = b"<< /Type /Action /S /JavaScript /JS (app.alert\\(document.cookie\\)) >>"


def raw_pdf(objects: dict[int, bytes], *, root: int = 1) -> bytes:
    """A PDF of ``objects`` (number -> body) with a classic cross-reference table listing each."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    size = max(objects) + 1
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        if number in offsets:
            out += b"%010d 00000 n \n" % offsets[number]
        else:
            out += b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref_at)
    return bytes(out)


def one_page(page_extra: bytes = b"", catalog_extra: bytes = b"", **more: bytes) -> bytes:
    """A one-page PDF (catalog 1, pages 2, page 3) plus objects ``o4``, ``o5``… by number."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page_extra + b" >>",
    }
    objects.update({int(key[1:]): value for key, value in more.items()})
    return raw_pdf(objects)


def nested_page_tree(levels: int, page_extra: bytes = b"") -> bytes:
    """``levels`` page-tree nodes, each the only kid of the one above, then a single page."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    for level in range(levels):
        number = 2 + level
        parent = b" /Parent %d 0 R" % (number - 1) if level else b""
        objects[number] = b"<< /Type /Pages /Kids [%d 0 R] /Count 1%s >>" % (number + 1, parent)
    page = 2 + levels
    objects[page] = b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] %s >>" % (
        page - 1,
        page_extra,
    )
    return raw_pdf(objects)


def page_action_javascript(levels: int = 40) -> bytes:
    """The probe's file: a deep page tree whose page runs JavaScript when opened (``/AA /O``)."""
    return nested_page_tree(levels, b"/AA << /O " + JS_ACTION + b" >>")


def open_action_outside_the_page_tree() -> bytes:
    """A second catalogue with a JavaScript ``/OpenAction``, listed in the table, referenced by
    nothing the trailer reaches (a viewer repairing or updating the file may take it)."""
    return one_page(
        o4=b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
        o5=JS_ACTION,
    )


def link(uri: bytes) -> bytes:
    """A page with one link annotation to ``uri``."""
    return one_page(
        page_extra=b"/Annots [4 0 R]",
        o4=b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /URI /URI (%s) >> >>"
        % uri,
    )


def in_object_stream(hidden: bytes) -> bytes:
    """A PDF 1.5 file (cross-reference stream) whose object 4, ``hidden``, sits compressed inside
    object stream 5 and is referenced by nothing."""
    header = b"4 0 "
    packed = zlib.compress(header + hidden)
    plain = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        5: b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(packed))
        + packed
        + b"\nendstream",
    }
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in plain.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    offsets[6] = len(out)
    rows = [struct.pack(">BIH", 0, 0, 0xFFFF)]
    rows += [struct.pack(">BIH", 1, offsets[n], 0) for n in (1, 2, 3)]
    rows += [struct.pack(">BIH", 2, 5, 0)]  # object 4: in object stream 5, at index 0
    rows += [struct.pack(">BIH", 1, offsets[n], 0) for n in (5, 6)]
    table = zlib.compress(b"".join(rows))
    out += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length %d"
        b" >>\nstream\n"
        % len(table)
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[6]
    )
    return bytes(out)


def encrypted_pdf() -> bytes:
    """A one-page PDF locked with an owner password (it opens without one in a viewer)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank_pdf())))
    writer.encrypt(user_password="", owner_password="rahasia", algorithm="RC4-128")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A few hundred bytes claiming ``width`` x ``height`` RGB pixels (a decompression bomb's
    header: decoding it would allocate width x height x 3 bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 4096))
        + chunk(b"IEND", b"")
    )


def hostile_pdfs() -> list[tuple[str, bytes, str]]:
    """(what it is, the file, what the refusal says): every PDF the probe got past the check."""
    return [
        ("page-js-40-levels", page_action_javascript(), "skrip atau tindakan otomatis"),
        ("open-action-off-tree", open_action_outside_the_page_tree(), "skrip atau tindakan"),
        ("javascript-link", link(b"javascript:app.alert(1)"), "tautan yang tidak aman"),
        ("object-stream", in_object_stream(JS_ACTION), "skrip atau tindakan otomatis"),
        ("encrypted", encrypted_pdf(), "Simpan ulang tanpa kata sandi"),
    ]


# 6000 x 6000 = 36 megapixels in 150 bytes: over the 25-megapixel budget, refused unread.
HUGE_PNG = png_header(6000, 6000)
HUGE_PNG_MESSAGE = "Gambar terlalu besar (paling banyak 25 megapiksel)."
