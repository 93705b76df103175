"""The devices of an MPP's hall: queue kiosks, hall displays and SKM kiosks, one kind of row.

A device is registered by the MPP's manager and carries a token (shown once, stored as its
SHA-256 digest, ``mpp.accounts.tokens``). What only one kind needs stays in its process as its own
row referring to the device (the SKM kiosk's service, interval and refusal counters in
``surveys.KioskDevice``); the queue kiosk and the hall display need nothing more than the MPP.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mpp.tenancy.scope import Scope


class DeviceKind(models.TextChoices):
    QUEUE_KIOSK = "queue_kiosk", _("Anjungan antrean")
    HALL_DISPLAY = "hall_display", _("Layar panggilan")
    SKM_KIOSK = "skm_kiosk", _("Kios SKM")
    DOOR_SCANNER = "door_scanner", _("Pemindai pintu kegiatan")


class Device(models.Model):
    mpp = models.ForeignKey("tenancy.MPP", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("jenis"), max_length=20, choices=DeviceKind.choices)
    name = models.CharField(_("nama perangkat"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Written at most once a minute (``services.touch``), not on every request.
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # The MPP's networks (CIDR text) the device may send from; empty: any address.
    networks = models.JSONField(_("jaringan MPP"), default=list, blank=True)
    # The one-time pairing link's code (digest) and until when it works; empty once used.
    pairing_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    pairing_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["mpp_id", "kind", "name"]
        indexes = [models.Index(fields=["mpp", "kind"], name="device_mpp_kind")]
        verbose_name = _("perangkat")
        verbose_name_plural = _("perangkat")

    def __str__(self) -> str:
        return self.name

    def policy_scope(self) -> Scope:
        return Scope(region_codes=frozenset({self.mpp.region_id}), mpp_ids=frozenset({self.mpp_id}))

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def seen_within(self, delta: datetime.timedelta, now: datetime.datetime | None = None) -> bool:
        """Whether the device was seen within ``delta`` of ``now`` (the display's "screen on?")."""
        moment = now or timezone.now()
        return self.last_seen_at is not None and moment - self.last_seen_at <= delta
