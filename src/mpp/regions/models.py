"""Provinces and kabupaten/kota with their Kemendagri codes (kode wilayah) and time zones."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mpp.fields import user_reference
from mpp.tenancy.scope import Scope

TIME_ZONE_ABBREVIATIONS = {
    "Asia/Jakarta": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


class TimeZone(models.TextChoices):
    WIB = "Asia/Jakarta", "WIB"
    WITA = "Asia/Makassar", "WITA"
    WIT = "Asia/Jayapura", "WIT"


class Province(models.Model):
    code = models.CharField(_("kode"), max_length=2, primary_key=True)
    name = models.CharField(_("nama"), max_length=100)
    timezone = models.CharField(_("zona waktu"), max_length=32, choices=TimeZone.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("provinsi")
        verbose_name_plural = _("provinsi")

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    """A kabupaten or kota: the tenant that runs one or more MPPs."""

    class Kind(models.TextChoices):
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")

    code = models.CharField(_("kode"), max_length=4, primary_key=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="regions")
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    capital = models.CharField(_("ibu kota"), max_length=100, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    timezone = models.CharField(_("zona waktu"), max_length=32, choices=TimeZone.choices)
    is_pilot_locus = models.BooleanField(
        _("lokus tahap pertama"),
        default=False,
        help_text=_("Salah satu dari 21 lokus uji coba MPP Digital yang diluncurkan Juni 2023."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")

    def __str__(self) -> str:
        return self.name

    def policy_scope(self) -> Scope:
        return Scope(region_codes=frozenset({self.code}))

    @property
    def timezone_abbreviation(self) -> str:
        return TIME_ZONE_ABBREVIATIONS[self.timezone]


class CalendarOverride(models.Model):
    """A day an administrator turns into a day off, or back into a working day, without a release.

    ``region`` empty means a national override set by the ministry (an SKB revision, say); a
    regional override for the same date beats it, and any override beats the ``holidays`` package.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Hari libur")
        WORKING_DAY = "working_day", _("Hari kerja")

    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_overrides",
        verbose_name=_("kabupaten/kota"),
    )
    date = models.DateField(_("tanggal"))
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    reason = models.CharField(_("alasan"), max_length=200)
    created_by = user_reference(_("dibuat oleh"))
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("pengecualian kalender")
        verbose_name_plural = _("pengecualian kalender")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "date"],
                name="calendar_override_unique_region_date",
            ),
            models.UniqueConstraint(
                fields=["date"],
                condition=models.Q(region__isnull=True),
                name="calendar_override_unique_national_date",
            ),
        ]
        indexes = [models.Index(fields=["date"], name="calendar_override_date_idx")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.kind} ({self.region_id or 'nasional'})"

    @property
    def is_national(self) -> bool:
        return self.region_id is None

    def policy_scope(self) -> Scope | None:
        if self.region_id is None:
            return None
        return Scope(region_codes=frozenset({self.region_id}))
