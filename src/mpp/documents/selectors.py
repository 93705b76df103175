"""Reads of issued documents. The verification page is public: it sees valid and revoked documents
by their unguessable code, never pending ones."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from mpp.documents.models import DocumentStatus, IssuedDocument, IssuerProfile
from mpp.tenancy.models import Agency

VERIFICATION_CODE = re.compile(r"^[A-Za-z0-9_-]{16,32}$")


def _published() -> QuerySet[IssuedDocument]:
    return IssuedDocument.objects.exclude(status=DocumentStatus.PENDING).select_related(
        "issuer", "issuer__region"
    )


def document_by_code(code: str) -> IssuedDocument | None:
    """The valid or revoked document with this verification code, or None (one query)."""
    if not VERIFICATION_CODE.match(code or ""):
        return None
    return _published().filter(verification_code=code).first()


def document_for_source(source_key: str) -> IssuedDocument | None:
    """The document issued (or being issued) for a source, e.g. ``application:42``."""
    return IssuedDocument.objects.select_related("issuer").filter(source_key=source_key).first()


@dataclass(frozen=True)
class IssuerIdentity:
    number_prefix: str
    signatory_title: str
    signatory_name: str
    signatory_nip: str = ""


def _agency_code(agency: Agency) -> str:
    code = re.sub(r"[^A-Z0-9]", "", (agency.short_name or agency.slug).upper())
    return code[:20] or str(agency.pk)


def issuer_identity(agency: Agency) -> IssuerIdentity:
    """How the agency's documents read; ``IssuerProfile`` overrides the defaults."""
    profile = IssuerProfile.objects.filter(agency=agency).first()
    return IssuerIdentity(
        number_prefix=(profile.number_prefix if profile else "")
        or f"{agency.region_id}/{_agency_code(agency)}",
        signatory_title=(profile.signatory_title if profile else "") or f"Kepala {agency.name}",
        signatory_name=profile.signatory_name if profile else "",
        signatory_nip=profile.signatory_nip if profile else "",
    )


def sha256_of_upload(upload: UploadedFile[Any]) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()
