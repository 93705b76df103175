"""An append-only record of security events and, later, every state change and view of personal data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    SIGNING_KEY_CREATED = "signing_key_created", _("Kunci tanda tangan instansi dibuat")
    SERVICE_PUBLISHED = "service_published", _("Versi standar layanan diterbitkan")
    SERVICE_RETIRED = "service_retired", _("Layanan dihentikan")
    SERVICE_ADOPTED = "service_adopted", _("Templat layanan nasional diadopsi")
    APPLICATION_VIEWED = "application_viewed", _("Petugas membuka data permohonan")
    APPLICATION_FILE_VIEWED = "application_file_viewed", _("Petugas melihat berkas permohonan")
    APPLICATION_FILED_AT_COUNTER = "application_filed_at_counter", _("Permohonan diajukan di loket")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} is append-only.")

    def delete(self):
        raise TypeError(f"{self.model.__name__} is append-only.")


class AppendOnlyModel(models.Model):
    """A record that is written once and never changed or deleted (audit trail, workflow history)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError(f"{type(self).__name__} is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} is append-only.")


class AuditEvent(AppendOnlyModel):
    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pelaku"),
    )
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
