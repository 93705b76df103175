"""Tenancy: Region (kab/kota) → MPP → Agency (instansi). Services are added by the catalog issue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from mpp.regions.models import Region

if TYPE_CHECKING:
    from mpp.accounts.policy import Scope


class MPP(models.Model):
    """A Mal Pelayanan Publik: one service point of a kab/kota (a region may run several)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="mpps")
    name = models.CharField(_("nama"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    address = models.TextField(_("alamat"), blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(_("telepon"), max_length=40, blank=True)
    email = models.EmailField(_("surel"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("MPP")
        verbose_name_plural = _("MPP")

    def __str__(self) -> str:
        return self.name

    def policy_scope(self) -> Scope:
        from mpp.accounts.policy import Scope

        return Scope(region_codes=frozenset({self.region_id}), mpp_ids=frozenset({self.pk}))


class Agency(models.Model):
    """An instansi that serves at one or more MPPs (vertical, provincial, OPD, BUMN, BUMD, private)."""

    class Kind(models.TextChoices):
        CENTRAL = "central", _("Instansi pusat/vertikal")
        PROVINCIAL = "provincial", _("Perangkat daerah provinsi")
        REGIONAL = "regional", _("Perangkat daerah kabupaten/kota")
        BUMN = "bumn", _("BUMN")
        BUMD = "bumd", _("BUMD")
        PRIVATE = "private", _("Swasta")

    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("nama singkat"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("jenis instansi"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("wilayah asal"),
        help_text=_("Kabupaten/kota tempat kantor instansi ini berada."),
    )
    description = models.TextField(_("keterangan"), blank=True)
    mpps = models.ManyToManyField(MPP, through="AgencyPresence", related_name="agencies")

    class Meta:
        ordering = ["name"]
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")

    def __str__(self) -> str:
        return self.name

    def policy_scope(self) -> Scope:
        from mpp.accounts.policy import Scope

        return Scope(region_codes=frozenset({self.region_id}), mpp_ids=frozenset({self.pk}))


class AgencyPresence(models.Model):
    """An agency serving at an MPP (its counters come with the queueing issue)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="presences")
    mpp = models.ForeignKey(MPP, on_delete=models.CASCADE, related_name="presences")
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "mpp"], name="unique_agency_presence"),
        ]
        verbose_name = _("kehadiran instansi di MPP")
        verbose_name_plural = _("kehadiran instansi di MPP")

    def __str__(self) -> str:
        return f"{self.agency} @ {self.mpp}"

    def policy_scope(self) -> Scope:
        from mpp.accounts.policy import Scope

        return Scope(
            region_codes=frozenset({self.mpp.region_id}),
            mpp_ids=frozenset({self.mpp_id}),
            agency_id=self.agency_id,
        )
