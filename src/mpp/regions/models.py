"""Provinces and kabupaten/kota with their Kemendagri codes (kode wilayah) and time zones."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

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

    def policy_scope(self):
        from mpp.accounts.policy import Scope

        return Scope(region_codes=frozenset({self.code}))

    @property
    def timezone_abbreviation(self) -> str:
        return TIME_ZONE_ABBREVIATIONS[self.timezone]
