"""Issued documents (signed PDFs that anyone can verify) and the keys that sign them.

An issued document is the product of a public service: a permit, a certificate, an agreement, a
decree (SK). Its row is created first, in ``pending`` state with its number already reserved, and
becomes ``valid`` only once the signed file and its SHA-256 are stored; so a crash between the two
steps leaves a row that a retry finishes, never a second document.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mpp.accounts.nik import mask_nik
from mpp.fields import user_reference

if TYPE_CHECKING:
    from mpp.tenancy.scope import Scope


def new_verification_code() -> str:
    """24 URL-safe characters (144 random bits): unguessable, and says nothing about the holder."""
    return secrets.token_urlsafe(18)


def new_file_key() -> str:
    """A random file name, independent of the public verification code."""
    return secrets.token_urlsafe(24)


class CertificateAuthority(models.Model):
    """A certificate authority whose certificates sign documents (the demo root CA in development).

    In production the agencies' certificates come from BSrE (Balai Sertifikasi Elektronik) and the
    keys stay in an HSM; see docs/documents.md.
    """

    name = models.CharField(_("nama"), max_length=200, unique=True)
    certificate_pem = models.TextField(_("sertifikat (PEM)"))
    private_key_pem = models.TextField(_("kunci privat terenkripsi (PEM)"))
    created_at = models.DateTimeField(_("dibuat pada"), default=timezone.now)

    class Meta:
        verbose_name = _("otoritas sertifikat")
        verbose_name_plural = _("otoritas sertifikat")

    def __str__(self) -> str:
        return self.name


class SigningCredential(models.Model):
    """An agency's signing key (encrypted at rest) and its certificate, issued by ``authority``."""

    agency = models.OneToOneField(
        "tenancy.Agency",
        on_delete=models.CASCADE,
        related_name="signing_credential",
        verbose_name=_("instansi"),
    )
    authority = models.ForeignKey(
        CertificateAuthority,
        on_delete=models.PROTECT,
        related_name="credentials",
        verbose_name=_("otoritas sertifikat"),
    )
    certificate_pem = models.TextField(_("sertifikat (PEM)"))
    private_key_pem = models.TextField(_("kunci privat terenkripsi (PEM)"))
    fingerprint = models.CharField(_("sidik jari SHA-256 sertifikat"), max_length=64)
    not_valid_after = models.DateTimeField(_("berlaku sampai"))
    created_at = models.DateTimeField(_("dibuat pada"), default=timezone.now)

    class Meta:
        verbose_name = _("kredensial tanda tangan")
        verbose_name_plural = _("kredensial tanda tangan")

    def __str__(self) -> str:
        return str(self.agency)


class IssuerProfile(models.Model):
    """How an agency's documents read: the number prefix and who signs. Optional: defaults apply."""

    agency = models.OneToOneField(
        "tenancy.Agency",
        on_delete=models.CASCADE,
        related_name="issuer_profile",
        verbose_name=_("instansi"),
    )
    number_prefix = models.CharField(
        _("awalan nomor dokumen"),
        max_length=80,
        blank=True,
        help_text=_(
            "Contoh: 474.1/2171/DUKCAPIL. Nomor dokumen menjadi <awalan>/<tahun>/<urutan>."
        ),
    )
    signatory_title = models.CharField(_("jabatan penanda tangan"), max_length=200, blank=True)
    signatory_name = models.CharField(_("nama penanda tangan"), max_length=150, blank=True)
    signatory_nip = models.CharField(
        _("NIP penanda tangan"),
        max_length=18,
        blank=True,
        help_text=_("Nomor Induk Pegawai, 18 digit; dicetak di bawah nama penanda tangan."),
    )

    class Meta:
        verbose_name = _("profil penerbit")
        verbose_name_plural = _("profil penerbit")

    def __str__(self) -> str:
        return str(self.agency)


class DocumentNumberSequence(models.Model):
    """The last number used with one prefix in one year; incremented under a row lock.

    Keyed by the prefix, not the agency: two agencies that happen to share a prefix share the
    counter, so numbers stay unique.
    """

    prefix = models.CharField(max_length=80)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="unique_document_sequence"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}/{self.year}: {self.last_value}"


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Sedang diterbitkan")
    VALID = "valid", _("Sah")
    REVOKED = "revoked", _("Dicabut")


class IssuedDocument(models.Model):
    number = models.CharField(_("nomor dokumen"), max_length=120, unique=True)
    title = models.CharField(_("judul dokumen"), max_length=200)
    holder_name = models.CharField(_("nama pemegang"), max_length=150)
    holder_nik = models.CharField(_("NIK pemegang"), max_length=16, blank=True)
    issuer = models.ForeignKey(
        "tenancy.Agency",
        on_delete=models.PROTECT,
        related_name="issued_documents",
        verbose_name=_("instansi penerbit"),
    )
    issued_at = models.DateTimeField(_("diterbitkan pada"), default=timezone.now)
    valid_from = models.DateField(_("berlaku mulai"))
    valid_until = models.DateField(
        _("berlaku sampai"), null=True, blank=True, help_text=_("Kosong: berlaku seumur hidup.")
    )
    verification_code = models.CharField(
        _("kode verifikasi"), max_length=32, unique=True, default=new_verification_code
    )
    file_key = models.CharField(max_length=40, unique=True, default=new_file_key, editable=False)
    file = models.FileField(_("berkas"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256 berkas"), max_length=64, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DocumentStatus.choices,
        default=DocumentStatus.PENDING,
        db_index=True,
    )
    template_name = models.CharField(_("templat"), max_length=200)
    render_context = models.JSONField(
        _("data tambahan untuk templat"),
        default=dict,
        blank=True,
        help_text=_("Disimpan agar dokumen yang terhenti saat diterbitkan dapat diselesaikan."),
    )
    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)
    revoked_by = user_reference(_("dicabut oleh"))
    revoked_reason = models.TextField(_("alasan pencabutan"), blank=True)
    # A re-issue: the document this one replaces (revoked first), who issued it and why.
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacement",
        verbose_name=_("menggantikan dokumen"),
    )
    issued_by = user_reference(_("diterbitkan oleh"))
    reissue_reason = models.TextField(_("alasan penerbitan ulang"), blank=True)
    source_content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_object_id = models.CharField(max_length=64, blank=True)
    source = GenericForeignKey("source_content_type", "source_object_id")
    source_key = models.CharField(
        _("kunci sumber"),
        max_length=200,
        unique=True,
        help_text=_("Satu dokumen untuk satu sumber: menerbitkan ulang mengembalikan dokumen ini."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("dokumen terbit")
        verbose_name_plural = _("dokumen terbit")
        indexes = [
            models.Index(fields=["source_content_type", "source_object_id"]),
            models.Index(fields=["issuer", "issued_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="valid") | ~models.Q(sha256=""),
                name="issued_document_valid_has_hash",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="revoked") | ~models.Q(revoked_reason=""),
                name="issued_document_revoked_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.number}"

    @property
    def holder_nik_masked(self) -> str:
        return mask_nik(self.holder_nik)

    @property
    def is_valid(self) -> bool:
        return self.status == DocumentStatus.VALID

    @property
    def is_revoked(self) -> bool:
        return self.status == DocumentStatus.REVOKED

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()

    def policy_scope(self) -> Scope:
        from mpp.tenancy.scope import Scope

        mpp_ids = frozenset(self.issuer.presences.values_list("mpp_id", flat=True))
        return Scope(
            region_codes=frozenset({self.issuer.region_id}),
            mpp_ids=mpp_ids,
            agency_id=self.issuer_id,
        )
