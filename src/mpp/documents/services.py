"""Issuing, signing and revoking documents; creating the demo certificate authority and keys.

Issuing is idempotent per ``source_key`` and safe against crashes:

1. reserve: in one transaction, create the row in ``pending`` state with its number taken from the
   yearly sequence of the agency's number prefix (row-locked) and the template context;
2. render and sign outside any transaction (the slow part: WeasyPrint and pyHanko);
3. finish: lock the row, store the file under the row's random ``file_key`` (replacing what an
   interrupted attempt may have left) with its SHA-256, and mark the document ``valid``.

A crash after step 1 leaves a pending row; calling ``issue_document`` again with the same
``source_key``, or the ``finish_pending_documents`` sweep, finishes that row with the same number.
Two callers racing finish it once.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mpp.accounts.models import User
from mpp.accounts.policy import Perm, can
from mpp.audit.models import AuditAction
from mpp.audit.services import record_event
from mpp.documents import pki, rendering, selectors, signing
from mpp.documents.models import (
    CertificateAuthority,
    DocumentNumberSequence,
    DocumentStatus,
    IssuedDocument,
    IssuerProfile,
    SigningCredential,
)
from mpp.documents.store import store_calls
from mpp.regions.localtime import local_date
from mpp.tenancy.models import Agency

logger = logging.getLogger(__name__)

DEMO_CA_NAME = "MPP Digital Demo Root CA"
# A pending row younger than this is presumably still being finished by its own worker.
PENDING_GRACE = datetime.timedelta(minutes=10)


class SigningKeyMissing(Exception):
    """The issuing agency has no signing key: nothing is issued (never an unsigned PDF)."""

    def __init__(self, agency: Agency):
        self.agency = agency
        super().__init__(
            _(
                "Instansi %(agency)s belum memiliki kunci tanda tangan elektronik, sehingga dokumen "
                "tidak dapat diterbitkan. Hubungi admin untuk membuat kunci dan sertifikatnya."
            )
            % {"agency": agency.name}
        )


class SigningCertificateExpired(SigningKeyMissing):
    """The agency's certificate has expired: a signature made with it would not validate."""

    def __init__(self, agency: Agency):
        Exception.__init__(
            self,
            _(
                "Sertifikat elektronik %(agency)s sudah kedaluwarsa, sehingga dokumen tidak dapat "
                "diterbitkan. Hubungi admin untuk memperbarui sertifikatnya."
            )
            % {"agency": agency.name},
        )
        self.agency = agency


def check_can_sign(agency: Agency) -> None:
    """Raise ``SigningKeyMissing`` (or ``SigningCertificateExpired``) unless ``agency`` can sign
    now: callers check before they commit to issuing, so the officer hears why at once."""
    _credential_for(agency)


def _credential_for(agency: Agency) -> SigningCredential:
    credential = (
        SigningCredential.objects.select_related("authority", "agency")
        .filter(agency=agency)
        .first()
    )
    if credential is None:
        raise SigningKeyMissing(agency)
    if credential.not_valid_after <= timezone.now():
        raise SigningCertificateExpired(agency)
    return credential


def _next_number(agency: Agency, year: int) -> str:
    """The agency's next number for ``year``; must run inside a transaction (the row stays locked)."""
    prefix = selectors.issuer_identity(agency).number_prefix
    sequence, _ = DocumentNumberSequence.objects.select_for_update().get_or_create(
        prefix=prefix, year=year
    )
    DocumentNumberSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + 1)
    sequence.refresh_from_db(fields=["last_value"])
    return f"{prefix}/{year}/{sequence.last_value:06d}"


def _reserve(
    *,
    source_key: str,
    source_obj: models.Model | None,
    title: str,
    holder_name: str,
    holder_nik: str,
    issuer: Agency,
    template_name: str,
    context: dict[str, Any],
    valid_from: datetime.date | None,
    valid_until: datetime.date | None,
    replaces: IssuedDocument | None = None,
    issued_by: User | None = None,
    reissue_reason: str = "",
) -> IssuedDocument:
    issued_at = timezone.now()
    local_day = local_date(issued_at, issuer.region)
    try:
        with transaction.atomic():
            return IssuedDocument.objects.create(
                number=_next_number(issuer, local_day.year),
                title=title,
                holder_name=holder_name,
                holder_nik=holder_nik or "",
                issuer=issuer,
                issued_at=issued_at,
                valid_from=valid_from or local_day,
                valid_until=valid_until,
                template_name=template_name,
                render_context=context,
                source_content_type=(
                    ContentType.objects.get_for_model(source_obj) if source_obj else None
                ),
                source_object_id=str(source_obj.pk) if source_obj else "",
                source_key=source_key,
                replaces=replaces,
                issued_by=issued_by,
                reissue_reason=reissue_reason,
            )
    except IntegrityError:
        # Another caller reserved this source first; its row (and number) is the one.
        existing = selectors.document_for_source(source_key)
        if existing is None:
            raise
        return existing


def _record(
    action: AuditAction,
    document: IssuedDocument,
    *,
    actor: User | None,
    request: HttpRequest | None,
) -> None:
    """A document's event in the audit log, named by its number (never its holder)."""
    record_event(action, actor=actor, target=document, summary=document.number, request=request)


def issue_document(
    *,
    source_key: str,
    source_obj: models.Model | None,
    title: str,
    holder_name: str,
    holder_nik: str,
    issuer: Agency,
    template_name: str = rendering.DEFAULT_TEMPLATE,
    context: dict[str, Any] | None = None,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    actor: User | None = None,
    request: HttpRequest | None = None,
    finish: bool = True,
    replaces: IssuedDocument | None = None,
    reissue_reason: str = "",
) -> IssuedDocument:
    """Issue the signed PDF for ``source_key`` once; calling again returns the same document.

    With ``finish=False`` only step 1 runs: the pending row (with its number) is committed and
    returned, and a later call finishes it.

    ``replaces``: a re-issue (:func:`reissue_document`), the revoked document this one replaces.

    ``context`` is passed to ``template_name`` (default ``documents/pdf/default.html``) and stored
    with the row as JSON (lazy strings become text, dates ISO strings: format dates before); the
    default template shows a ``details`` list of ``(label, value)`` pairs as a table.
    Raises ``SigningKeyMissing`` when ``issuer`` has no signing key.
    """
    if holder_nik and not (len(holder_nik) == 16 and holder_nik.isdigit()):
        raise ValueError("holder_nik must be empty or 16 digits")
    # Stored with the row and rendered from there, so the first attempt and any retry agree.
    context = json.loads(json.dumps(context or {}, cls=DjangoJSONEncoder))
    existing = selectors.document_for_source(source_key)
    if existing is not None and existing.status != DocumentStatus.PENDING:
        return existing
    credential = _credential_for(existing.issuer if existing else issuer)
    document = existing or _reserve(
        source_key=source_key,
        source_obj=source_obj,
        title=title,
        holder_name=holder_name,
        holder_nik=holder_nik,
        issuer=issuer,
        template_name=template_name or rendering.DEFAULT_TEMPLATE,
        context=context,
        valid_from=valid_from,
        valid_until=valid_until,
        replaces=replaces,
        issued_by=actor,
        reissue_reason=reissue_reason,
    )
    if document.status != DocumentStatus.PENDING or not finish:
        return document
    return _render_sign_finish(document, credential, actor=actor, request=request)


def _render_sign_finish(
    document: IssuedDocument,
    credential: SigningCredential,
    *,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> IssuedDocument:
    """Steps 2 and 3 for a pending row, from what the row itself stores: render and sign, then
    store the signed file and mark the row valid (unless a concurrent attempt finished first)."""
    document = IssuedDocument.objects.select_related("issuer", "issuer__region").get(pk=document.pk)
    pdf = rendering.render_pdf(
        document,
        template_name=document.template_name,
        context=document.render_context,
        identity=selectors.issuer_identity(document.issuer),
    )
    signed = signing.sign_pdf(
        pdf,
        credential=credential,
        reason=f"{document.title} {document.number}",
        location=document.issuer.region.name,
    )
    digest = hashlib.sha256(signed).hexdigest()
    with transaction.atomic():
        locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
        if locked.status != DocumentStatus.PENDING:
            return locked  # a concurrent attempt finished first
        storage = locked.file.storage
        name = f"documents/{locked.issued_at:%Y}/{locked.file_key}.pdf"
        with store_calls():  # a store that is down leaves the row pending for the sweep
            if storage.exists(name):
                storage.delete(name)  # left by an attempt that crashed before its commit
            locked.file.name = storage.save(name, ContentFile(signed))
        locked.sha256 = digest
        locked.status = DocumentStatus.VALID
        locked.save(update_fields=["file", "sha256", "status", "updated_at"])
        _record(AuditAction.DOCUMENT_ISSUED, locked, actor=actor, request=request)
    return locked


def finish_document(
    document: IssuedDocument, *, actor: User | None = None, request: HttpRequest | None = None
) -> IssuedDocument:
    """Sign a document reserved with ``finish=False`` (steps 2 and 3); a document no longer
    pending is answered as it is. Raises ``SigningKeyMissing`` when its issuer has no key."""
    if document.status != DocumentStatus.PENDING:
        return document
    credential = _credential_for(document.issuer)
    return _render_sign_finish(document, credential, actor=actor, request=request)


def finish_pending_documents(*, older_than: datetime.timedelta = PENDING_GRACE) -> int:
    """Finish documents left pending by a crashed worker; returns how many were finished.

    Safe to run at any time and repeatedly (a scheduled sweep): a row another worker is finishing
    right now is finished once. Rows younger than ``older_than`` are left to their own worker. A row
    that cannot be finished (no key, a broken template) is logged and left for the next run; it
    never stops the others.
    """
    finished = 0
    cutoff = timezone.now() - older_than
    stale = IssuedDocument.objects.filter(status=DocumentStatus.PENDING, created_at__lt=cutoff)
    for document in stale.select_related("issuer").order_by("pk"):
        try:
            credential = _credential_for(document.issuer)
            _render_sign_finish(document, credential)
        except SigningKeyMissing:
            logger.warning("Pending document %s: issuer has no signing key", document.pk)
            continue
        except Exception as error:
            # Only the class: the message may quote the holder's data.
            logger.error("Pending document %s failed: %s", document.pk, type(error).__name__)
            continue
        finished += 1
    return finished


# What revoking or re-issuing a document answers without a reason, and to someone who may not.
_DECIDER_REFUSALS = {
    "revoke": (
        gettext_lazy("Alasan pencabutan wajib diisi."),
        gettext_lazy("Anda tidak berwenang mencabut dokumen ini."),
    ),
    "reissue": (
        gettext_lazy("Alasan penerbitan ulang wajib diisi."),
        gettext_lazy("Anda tidak berwenang menerbitkan ulang dokumen ini."),
    ),
}


def _reason_of_decider(document: IssuedDocument, by: User, reason: str, act: str) -> str:
    """The stripped ``reason`` to ``act`` on ``document`` ("revoke", "reissue"): only someone who
    may decide its cases does, and always with a reason."""
    missing, refused = _DECIDER_REFUSALS[act]
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [missing]})
    if not can(by, Perm.DECIDE_CASES, document):
        raise PermissionDenied(str(refused))
    return reason


def revoke_document(
    document: IssuedDocument, *, by: User, reason: str, request: HttpRequest | None = None
) -> IssuedDocument:
    """Revoke a valid document; the verification page then says so, with the reason and date."""
    reason = _reason_of_decider(document, by, reason, "revoke")
    with transaction.atomic():
        locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
        if locked.status != DocumentStatus.VALID:
            raise ValidationError(_("Hanya dokumen yang sah yang dapat dicabut."))
        _revoke(locked, by=by, reason=reason, request=request)
    return locked


def _revoke(locked: IssuedDocument, *, by: User, reason: str, request: HttpRequest | None) -> None:
    locked.status = DocumentStatus.REVOKED
    locked.revoked_at = timezone.now()
    locked.revoked_by = by
    locked.revoked_reason = reason[:2000]
    locked.save(
        update_fields=["status", "revoked_at", "revoked_by", "revoked_reason", "updated_at"]
    )
    _record(AuditAction.DOCUMENT_REVOKED, locked, actor=by, request=request)


def reissue_document(
    document: IssuedDocument,
    *,
    by: User,
    reason: str,
    title: str | None = None,
    holder_name: str | None = None,
    context: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    finish: bool = True,
) -> IssuedDocument:
    """Issue a new document in place of ``document``: revoked first with ``reason`` when still
    valid, then a new number, verification code and signature, linked both ways
    (``replaces`` / ``replacement``) so the old one's verification page names its successor.

    The content is the old document's unless the source gives a corrected ``title``,
    ``holder_name`` or ``context``. A document is replaced once: asking again, or racing another
    officer, answers with the one replacement. With ``finish=False`` the new row is reserved
    (pending, with its number) and a later call or the sweep signs it.
    """
    reason = _reason_of_decider(document, by, reason, "reissue")
    with transaction.atomic():
        locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
        replacement = IssuedDocument.objects.filter(replaces=locked).first()
        if replacement is not None:
            raise ValidationError(
                _("Dokumen ini sudah diterbitkan ulang sebagai %(number)s.")
                % {"number": replacement.number}
            )
        if locked.status == DocumentStatus.PENDING:
            raise ValidationError(_("Dokumen ini masih dalam proses penerbitan."))
        if locked.status == DocumentStatus.VALID:
            _revoke(locked, by=by, reason=reason, request=request)
    return issue_document(
        source_key=f"{locked.source_key}:ulang",
        source_obj=locked.source,
        title=title or locked.title,
        holder_name=holder_name or locked.holder_name,
        holder_nik=locked.holder_nik,
        issuer=locked.issuer,
        template_name=locked.template_name,
        context=locked.render_context if context is None else context,
        valid_until=locked.valid_until,
        actor=by,
        request=request,
        finish=finish,
        replaces=locked,
        reissue_reason=reason[:2000],
    )


@transaction.atomic
def ensure_demo_authority(*, force: bool = False) -> CertificateAuthority:
    authority = CertificateAuthority.objects.filter(name=DEMO_CA_NAME).first()
    if authority is not None and not force:
        return authority
    pair = pki.create_root_ca(DEMO_CA_NAME)
    if authority is None:
        return CertificateAuthority.objects.create(
            name=DEMO_CA_NAME,
            certificate_pem=pair.certificate_pem,
            private_key_pem=pair.private_key_pem,
        )
    authority.certificate_pem = pair.certificate_pem
    authority.private_key_pem = pair.private_key_pem
    authority.created_at = timezone.now()
    authority.save()
    return authority


@transaction.atomic
def ensure_signing_credential(
    agency: Agency, *, authority: CertificateAuthority, force: bool = False
) -> tuple[SigningCredential, bool]:
    """The agency's credential, created when missing or expired (or replaced with ``force``);
    returns (row, created)."""
    credential = SigningCredential.objects.filter(agency=agency).first()
    if (
        credential is not None
        and not force
        and credential.authority_id == authority.pk
        and credential.not_valid_after > timezone.now()
    ):
        return credential, False
    pair = pki.create_signing_certificate(
        ca_certificate_pem=authority.certificate_pem,
        ca_private_key_pem=authority.private_key_pem,
        organisation=agency.name,
        locality=agency.region.name,
    )
    values = {
        "authority": authority,
        "certificate_pem": pair.certificate_pem,
        "private_key_pem": pair.private_key_pem,
        "fingerprint": pki.fingerprint(pair.certificate_pem),
        "not_valid_after": pair.not_valid_after,
        "created_at": timezone.now(),
    }
    credential, _ = SigningCredential.objects.update_or_create(agency=agency, defaults=values)
    record_event(AuditAction.SIGNING_KEY_CREATED, target=agency, summary=agency.name)
    return credential, True


def create_demo_pki(*, force: bool = False) -> tuple[CertificateAuthority, int]:
    """The demo root CA and one credential per agency; returns (CA, number of keys created)."""
    authority = ensure_demo_authority(force=force)
    created = 0
    for agency in Agency.objects.select_related("region").order_by("pk"):
        _, was_created = ensure_signing_credential(agency, authority=authority, force=force)
        created += was_created
    return authority, created


@transaction.atomic
def set_signatory(
    agency: Agency,
    *,
    actor: User,
    name: str,
    title: str,
    nip: str,
    request: HttpRequest | None = None,
) -> IssuerProfile:
    """Set who signs ``agency``'s documents (``Perm.MANAGE_SERVICES`` on the agency)."""
    if not can(actor, Perm.MANAGE_SERVICES, agency):
        raise PermissionDenied
    profile, _created = IssuerProfile.objects.get_or_create(agency=agency)
    profile.signatory_name = name.strip()
    profile.signatory_title = title.strip()
    profile.signatory_nip = nip
    profile.save(update_fields=["signatory_name", "signatory_title", "signatory_nip"])
    record_event(
        AuditAction.SIGNATORY_CHANGED,
        actor=actor,
        target=agency,
        summary=agency.name,
        request=request,
    )
    return profile
