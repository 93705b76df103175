"""From a document row to PDF bytes: an HTML template rendered in Indonesian, then WeasyPrint (A4)."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from mpp.documents.exports import pdf_bytes
from mpp.documents.models import IssuedDocument

DEFAULT_TEMPLATE = "documents/pdf/default.html"
QR_SCALE = 6
QR_BORDER = 4


# The built-in value of ``MPP_PUBLIC_BASE_URL``: when it has not been configured, the host that
# served the issuing request is the product's address (a demo on another port, a test server).
BUILT_IN_BASE_URL = "http://127.0.0.1:8000"


def public_base_url(request: HttpRequest | None = None) -> str:
    """The product's public address for links printed on documents.

    ``MPP_PUBLIC_BASE_URL`` when it is configured (production: the address citizens know); else the
    scheme and host of ``request`` (the one serving the product now); else the built-in value.
    """
    configured = str(settings.MPP_PUBLIC_BASE_URL or "").rstrip("/")
    if configured and configured != BUILT_IN_BASE_URL:
        return configured
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return configured or BUILT_IN_BASE_URL


def verification_url(document: IssuedDocument) -> str:
    """The absolute public URL the QR code points to (no personal data in it): under the address
    captured when the document was issued (``public_base_url`` in its context), if any."""
    path = reverse("documents:verify", args=[document.verification_code])
    base = (document.render_context or {}).get("public_base_url") or public_base_url()
    return str(base).rstrip("/") + path


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


def qr_data_uri(url: str) -> str:
    return qr_code(url).png_data_uri(scale=QR_SCALE, border=QR_BORDER)


def render_html(
    document: IssuedDocument, *, template_name: str, context: dict[str, Any], identity: Any
) -> str:
    url = verification_url(document)
    # The code goes on a line of its own, unbroken, so that a person can read and type it.
    address, code, tail = url.rpartition(document.verification_code)
    values = {
        **context,
        "document": document,
        "issuer": document.issuer,
        "region": document.issuer.region,
        "identity": identity,
        "verification_url": url,
        "verification_url_lines": (address, code + tail),
        "qr_data_uri": qr_data_uri(url),
    }
    # Documents are always in Indonesian, whatever language the caller's request or worker uses.
    with translation.override("id"):
        return render_to_string(template_name, values)


def render_pdf(
    document: IssuedDocument, *, template_name: str, context: dict[str, Any], identity: Any
) -> bytes:
    html = render_html(document, template_name=template_name, context=context, identity=identity)
    return pdf_bytes(html)
