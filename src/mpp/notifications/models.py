"""Notifications, their per-channel deliveries, the in-app inbox, the SMS/WhatsApp outbox, preferences."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mpp.notifications.base import PHONE_CHANNELS, Channel


class Language(models.TextChoices):
    INDONESIAN = "id", "Bahasa Indonesia"
    ENGLISH = "en", "English"


class NotificationPreference(models.Model):
    """How a person wants to be told. Without a row the defaults below apply.

    The inbox is always on. WhatsApp is off until the person opts in (WhatsApp Business requires
    an explicit opt-in); a channel without an address on the account is skipped when sending.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    language = models.CharField(
        _("bahasa"), max_length=8, choices=Language.choices, default=Language.INDONESIAN
    )
    email_enabled = models.BooleanField(_("surel"), default=True)
    sms_enabled = models.BooleanField(_("SMS"), default=True)
    whatsapp_enabled = models.BooleanField(_("WhatsApp"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pengaturan pemberitahuan")
        verbose_name_plural = _("pengaturan pemberitahuan")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"

    def allows(self, channel: Channel | str) -> bool:
        return {
            Channel.EMAIL: self.email_enabled,
            Channel.INBOX: True,
            Channel.SMS: self.sms_enabled,
            Channel.WHATSAPP: self.whatsapp_enabled,
        }[Channel(channel)]


class Notification(models.Model):
    """One message for one person, as the caller asked for it (kind, context, link).

    The person is an account (``recipient``) or, for someone without one (a guest who filed a
    complaint), the contact they gave (``address``: an email address or a phone number) and the
    language they used.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    address = models.CharField(_("alamat tujuan"), max_length=254, blank=True)
    language = models.CharField(_("bahasa"), max_length=8, choices=Language.choices, blank=True)
    kind = models.CharField(_("jenis"), max_length=100)
    # Encoded by ``mpp.notifications.context.encode`` (dates and decimals keep their type).
    context = models.JSONField(default=dict, blank=True)
    link = models.CharField(_("tautan"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("pemberitahuan")
        verbose_name_plural = _("pemberitahuan")
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(address=""),
                name="notification_has_recipient_or_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id or 'kontak'}"


class Delivery(models.Model):
    """The sending of one notification over one channel, retried until sent or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        SENDING = "sending", _("Sedang dikirim")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal")
        SKIPPED = "skipped", _("Tidak dikirim")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("saluran"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    # A short reason without personal data (no address, no text): an exception class, a code.
    error = models.CharField(_("kesalahan"), max_length=300, blank=True)
    provider_id = models.CharField(_("ID penyedia"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pengiriman")
        verbose_name_plural = _("pengiriman")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_one_per_channel"
            ),
        ]
        indexes = [models.Index(fields=["status", "last_attempt_at"], name="delivery_retry_idx")]

    def __str__(self) -> str:
        return f"{self.channel} {self.status}"

    @property
    def idempotency_key(self) -> str:
        """Sent with every try of this delivery, so a provider keeps one message per delivery."""
        return f"mpp-{self.notification_id}-{self.channel}"


class InboxMessage(models.Model):
    """A message in a person's in-app inbox, rendered once in their language when delivered."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_messages"
    )
    notification = models.OneToOneField(
        Notification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbox_message",
    )
    kind = models.CharField(_("jenis"), max_length=100)
    subject = models.CharField(_("judul"), max_length=255)
    body = models.TextField(_("isi"))
    # Relative URL inside the site; never personal data (no NIK, no names).
    link = models.CharField(_("tautan"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("diterima"), default=timezone.now)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pesan")
        verbose_name_plural = _("pesan")
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="inbox_recipient_idx"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="inbox_unread_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class OutboxMessage(models.Model):
    """An SMS or WhatsApp text written by the default ``outbox`` gateway.

    A relay (or an operator, during a pilot) takes ``queued`` rows to a real provider and marks
    them ``sent`` or ``failed``.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Dalam antrean")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal")

    channel = models.CharField(
        _("saluran"),
        max_length=16,
        choices=[
            (channel.value, channel.label) for channel in Channel if channel in PHONE_CHANNELS
        ],
    )
    to = models.CharField(_("nomor tujuan"), max_length=32)
    text = models.TextField(_("teks"))
    # The sender's idempotency key (a delivery's): one row per key, whatever is retried.
    idempotency_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    provider_id = models.CharField(_("ID penyedia"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("kotak keluar SMS/WhatsApp")
        verbose_name_plural = _("kotak keluar SMS/WhatsApp")
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status_idx")]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk} {self.status}"


class GuestConfirmation(models.Model):
    """A one-time code sent to a guest's email address or phone number: a person without an
    account confirms the contact before a process writes to it (a complaint, an activity
    registration). Only the code's digest is stored (``mpp.notifications.contacts``)."""

    address = models.CharField(max_length=254)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"#{self.pk}"
