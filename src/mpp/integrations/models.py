"""Connections to outside systems: per-region configuration, the call log, the circuit breakers
and the verifications a connector answers later when it is down.

Nothing here holds a person's data beyond what a decision needs: the call log has no NIK, name,
token or body; a verification keeps the per-element answer and the score, not what was sent.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mpp.deadlines.models import ClockedModel
from mpp.tenancy.scope import Scope


class ConnectorConfig(models.Model):
    """How one region reaches one connector (or, without a region, the national default).

    ``options`` holds the settings that are not secret; ``sealed_secrets`` the secret ones, as one
    Fernet token (:mod:`mpp.integrations.crypto`), never shown back in a form or a log.
    """

    connector = models.CharField(_("konektor"), max_length=60)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kabupaten/kota"),
    )
    enabled = models.BooleanField(_("aktif"), default=False)
    endpoint = models.URLField(_("alamat layanan"), max_length=300, blank=True)
    options: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    sealed_secrets = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connector", "region"], name="integration_config_per_region"
            ),
            models.UniqueConstraint(
                fields=["connector"],
                condition=Q(region__isnull=True),
                name="integration_config_national",
            ),
        ]
        verbose_name = _("konfigurasi konektor")
        verbose_name_plural = _("konfigurasi konektor")

    def __str__(self) -> str:
        return f"{self.connector} @ {self.region_id or 'nasional'}"

    def policy_scope(self) -> Scope:
        return Scope(region_codes=frozenset({self.region_id})) if self.region_id else Scope()


class Outcome(models.TextChoices):
    OK = "ok", _("berhasil")
    REFUSED = "refused", _("ditolak (4xx)")
    ERROR = "error", _("galat layanan (5xx)")
    TIMEOUT = "timeout", _("waktu habis")
    UNREACHABLE = "unreachable", _("tidak terjangkau")
    GARBAGE = "garbage", _("jawaban tidak dapat dibaca")
    CIRCUIT_OPEN = "circuit_open", _("tidak dipanggil (pemutus terbuka)")


class Call(models.Model):
    """One outbound call (or one refused by the breaker): no NIK, name, token or body, ever."""

    at = models.DateTimeField(db_index=True)
    connector = models.CharField(max_length=60)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    operation = models.CharField(max_length=40)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["connector", "region", "-at"], name="integration_call_recent")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.connector} {self.operation} {self.outcome}"


class BreakerState(models.TextChoices):
    CLOSED = "closed", _("normal")
    OPEN = "open", _("terputus sementara")
    HALF_OPEN = "half_open", _("mencoba lagi")


class Breaker(models.Model):
    """The circuit breaker of one (connector, region), in the database so every worker shares it."""

    connector = models.CharField(max_length=60)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=BreakerState.choices, default="closed")
    failures = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connector", "region"], name="integration_breaker"),
            models.UniqueConstraint(
                fields=["connector"],
                condition=Q(region__isnull=True),
                name="integration_breaker_national",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.connector} @ {self.region_id or 'nasional'}: {self.state}"


class VerificationState(models.TextChoices):
    PENDING = "pending", _("sedang diperiksa")
    MATCHED = "matched", _("cocok")
    NOT_MATCHED = "not_matched", _("tidak cocok")
    UNAVAILABLE = "unavailable", _("belum terverifikasi — akan dicek ulang")


class Verification(ClockedModel):
    """A check of a person against an outside registry that may have to wait for it.

    A connector that is down never blocks a citizen: the step goes on, this row says
    "belum terverifikasi — akan dicek ulang", and the one deadline sweep retries it when its
    ``due_at`` (the next try) has passed. The clock stops when the check is settled. What is sent
    is the subject's account data, or the query sealed on the row (emptied once settled); only the
    answer is kept.
    """

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    connector = models.CharField(max_length=60)
    purpose = models.CharField(max_length=30)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        max_length=12, choices=VerificationState.choices, default=VerificationState.PENDING
    )
    # What the look-up is shown under in the citizen's access log (a tracking number, say).
    reference = models.CharField(max_length=40, blank=True)
    # What to send when the answer must wait (the name typed at a counter, say), sealed like the
    # connector secrets and emptied as soon as the check is settled.
    sealed_query = models.TextField(blank=True)
    elements: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "connector", "purpose"], name="integration_verification"
            )
        ]
        verbose_name = _("verifikasi")
        verbose_name_plural = _("verifikasi")

    def __str__(self) -> str:
        return f"{self.connector} {self.purpose} #{self.subject_id}: {self.state}"

    def clock_region(self) -> Any:
        return self.region

    @property
    def settled(self) -> bool:
        return self.state in {VerificationState.MATCHED, VerificationState.NOT_MATCHED}
