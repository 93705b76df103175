"""Public verification of issued documents (the same facts as the page the QR code opens)."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from mpp.api.problems import Problem, ProblemOut
from mpp.documents import selectors
from mpp.documents.models import IssuedDocument

router = Router(tags=["dokumen"])


class VerificationOut(Schema):
    number: str
    title: str
    status: str
    holder_name: str
    holder_nik_masked: str | None
    issuer: str
    issued_at: datetime.datetime
    valid_from: datetime.date
    valid_until: datetime.date | None
    sha256: str
    revoked_at: datetime.datetime | None
    revoked_reason: str | None

    @staticmethod
    def resolve_holder_nik_masked(document: IssuedDocument) -> str | None:
        return document.holder_nik_masked or None

    @staticmethod
    def resolve_issuer(document: IssuedDocument) -> str:
        return document.issuer.name

    @staticmethod
    def resolve_revoked_reason(document: IssuedDocument) -> str | None:
        return document.revoked_reason or None


@router.get(
    "/verify/{code}",
    auth=None,
    response={200: VerificationOut, 404: ProblemOut},
    summary="Memverifikasi dokumen terbit dengan kode pada kode QR-nya",
    description=(
        "Publik, tanpa autentikasi. `status` bernilai `valid` (sah) atau `revoked` (dicabut); "
        "`valid_until` kosong berarti berlaku seumur hidup. NIK pemegang selalu disamarkan. "
        "Bandingkan `sha256` dengan sidik jari SHA-256 berkas PDF yang Anda terima."
    ),
)
def verify_document(request: HttpRequest, code: str) -> IssuedDocument:
    document = selectors.document_by_code(code)
    if document is None:
        raise Problem(
            404,
            _("Dokumen tidak ditemukan."),
            _("Kode verifikasi ini tidak terdaftar."),
        )
    return document
