"""An append-only record of security events and, later, every state change and view of personal data."""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mpp.fields import user_reference


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Masuk")
    LOGIN_FAILED = "login_failed", _("Gagal masuk")
    LOGOUT = "logout", _("Keluar")
    LOCKED_OUT = "locked_out", _("Akun dikunci sementara")
    OTP_SETUP = "otp_setup", _("Verifikasi dua langkah diaktifkan")
    OTP_FAILED = "otp_failed", _("Kode verifikasi dua langkah salah")
    ROLE_GRANTED = "role_granted", _("Peran diberikan")
    ROLE_REVOKED = "role_revoked", _("Peran dicabut")
    TOKEN_ISSUED = "token_issued", _("Token API diterbitkan")
    TOKEN_REVOKED = "token_revoked", _("Token API dicabut")
    CITIZEN_REGISTERED = "citizen_registered", _("Warga mendaftar")
    PASSWORD_RESET = "password_reset", _("Kata sandi diatur ulang")
    PASSWORD_CHANGED = "password_changed", _("Kata sandi diubah")
    CALENDAR_OVERRIDE_ADDED = "calendar_override_added", _("Pengecualian kalender ditambahkan")
    CALENDAR_OVERRIDE_REMOVED = "calendar_override_removed", _("Pengecualian kalender dihapus")
    DOCUMENT_ISSUED = "document_issued", _("Dokumen diterbitkan")
    DOCUMENT_REVOKED = "document_revoked", _("Dokumen dicabut")
    SIGNATORY_CHANGED = "signatory_changed", _("Pejabat penanda tangan diubah")
    CONTACT_CHANGED = "contact_changed", _("Surel atau nomor telepon diubah")
    SIGNING_KEY_CREATED = "signing_key_created", _("Kunci tanda tangan instansi dibuat")
    SERVICE_PUBLISHED = "service_published", _("Versi standar layanan diterbitkan")
    SERVICE_RETIRED = "service_retired", _("Layanan dihentikan")
    SERVICE_ADOPTED = "service_adopted", _("Templat layanan nasional diadopsi")
    APPLICATION_FILED_AT_COUNTER = "application_filed_at_counter", _("Permohonan diajukan di loket")
    COUNTER_LOOKUP = "counter_lookup", _("Pencarian warga di loket")
    SESSIONS_ENDED = "sessions_ended", _("Semua sesi dan token API diakhiri")
    COMPLAINT_REPORTER_VIEWED = "complaint_reporter_viewed", _("Data pelapor tamu dilihat")
    INTEGRATION_KEY_ISSUED = "integration_key_issued", _("Kunci API integrasi diterbitkan")
    INTEGRATION_KEY_REVOKED = "integration_key_revoked", _("Kunci API integrasi dicabut")
    KIOSK_CONFIGURED = "kiosk_configured", _("Jaringan dan jeda perangkat kios SKM diatur")
    KIOSK_ANSWERS_VOIDED = "kiosk_answers_voided", _("Jawaban kios SKM dibatalkan")
    DEVICE_REGISTERED = "device_registered", _("Perangkat MPP didaftarkan")
    DEVICE_ROTATED = "device_rotated", _("Token perangkat MPP diganti")
    DEVICE_REVOKED = "device_revoked", _("Perangkat MPP dicabut")
    MPP_NETWORK_CHANGED = "mpp_network_changed", _("Jaringan MPP diubah")
    OPENING_HOURS_CHANGED = "opening_hours_changed", _("Jam layanan MPP diubah")
    COUNTER_HOURS_CHANGED = "counter_hours_changed", _("Jam loket instansi diubah")
    EMAIL_VERIFIED = "email_verified", _("Alamat surel diverifikasi")
    INVITATION_SENT = "invitation_sent", _("Undangan peran dikirim")
    INVITATION_ACCEPTED = "invitation_accepted", _("Undangan peran diterima")
    INVITATION_REVOKED = "invitation_revoked", _("Undangan peran dibatalkan")
    IDENTITY_LINKED = "identity_linked", _("Identitas INApas ditautkan ke akun")
    INTEGRATION_CONFIGURED = "integration_configured", _("Konfigurasi konektor diubah")


_M = TypeVar("_M", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[_M]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError(f"{self.model.__name__} is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{self.model.__name__} is append-only.")


class AppendOnlyModel(models.Model):
    """A record that is written once and never changed or deleted (audit trail, workflow history)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError(f"{type(self).__name__} is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{type(self).__name__} is append-only.")


class AuditEvent(AppendOnlyModel):
    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    actor = user_reference(_("pelaku"))
    # No ``choices`` at the database level: every app adds its own actions to AuditAction without
    # a migration of this table.
    action = models.CharField(_("tindakan"), max_length=40, db_index=True)
    target_type = models.CharField(_("jenis objek"), max_length=60, blank=True)
    target_id = models.CharField(_("ID objek"), max_length=64, blank=True)
    summary = models.CharField(_("ringkasan"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("peristiwa audit")
        verbose_name_plural = _("peristiwa audit")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def action_label(self) -> str:
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action


class AccessKind(models.TextChoices):
    ANSWERS = "answers", _("Isian permohonan")
    FILE = "file", _("Berkas permohonan")
    DOCUMENT = "document", _("Dokumen terbit")
    CITIZEN = "citizen", _("Data warga")
    COUNTER_FILING = "counter_filing", _("Permohonan diajukan di loket")
    NIK_CHECK = "nik_check", _("Pemeriksaan NIK ke Dukcapil")
    PRACTITIONER_CHECK = "practitioner_check", _("Pemeriksaan data tenaga kesehatan ke SATUSEHAT")
    NIK_DATA = "nik_data", _("Data kependudukan dari Dukcapil untuk mengisi formulir")


class AccessRecord(AppendOnlyModel):
    """One look by staff at a citizen's personal data, shown to that citizen (UU 27/2022).

    The viewer's name, role and agency are copied at the moment of reading, so the record stays
    true after the person leaves or the role is revoked.
    """

    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    viewer = user_reference(blank=False)
    viewer_name = models.CharField(_("petugas"), max_length=150)
    viewer_role = models.CharField(_("peran"), max_length=32)
    agency_name = models.CharField(_("instansi"), max_length=200, blank=True)
    kind = models.CharField(_("yang dilihat"), max_length=20, choices=AccessKind.choices)
    application_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    reference = models.CharField(_("rujukan"), max_length=40, blank=True)
    channel = models.CharField(_("saluran"), max_length=10)  # "web" or "api"

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject", "-at"], name="access_record_subject")]
        verbose_name = _("catatan akses data pribadi")
        verbose_name_plural = _("catatan akses data pribadi")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"
