"""Tenancy base: Region (kab/kota) → MPP → Agency (instansi) and where each agency serves.

These models sit below every process: catalog services, applications, accounts' role scopes and
documents all point at them. They moved here from ``catalog`` and keep their ``catalog_*`` tables so
that no data had to move (see docs/decisions.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from mpp.tenancy.scope import Scope


class MPP(models.Model):
    """A Mal Pelayanan Publik: one service point of a kab/kota (a region may run several)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="mpps")
    name = models.CharField(_("nama"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    address = models.TextField(_("alamat"), blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(_("telepon"), max_length=40, blank=True)
    email = models.EmailField(_("surel"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    facilities = models.JSONField(
        _("fasilitas"),
        default=list,
        blank=True,
        help_text=_("Kode fasilitas dari daftar Facility, misalnya ramp atau ruang laktasi."),
    )

    if TYPE_CHECKING:
        # Set by the catalog's API read of one MPP (absent otherwise): its public services.
        service_count: int

    class Facility(models.TextChoices):
        RAMP = "ramp", _("Jalur landai (ramp) untuk kursi roda")
        GUIDING_BLOCK = "guiding_block", _("Ubin pemandu (guiding block) bagi tunanetra")
        DISABILITY_SEATING = (
            "disability_seating",
            _("Kursi tunggu prioritas bagi penyandang disabilitas"),
        )
        ACCESSIBLE_TOILET = "accessible_toilet", _("Toilet ramah disabilitas")
        WHEELCHAIR = "wheelchair", _("Kursi roda yang dapat dipinjam")
        SIGN_LANGUAGE = "sign_language", _("Petugas yang menguasai bahasa isyarat")
        LACTATION_ROOM = "lactation_room", _("Ruang laktasi")
        CHILDREN_AREA = "children_area", _("Ruang bermain anak")
        PRAYER_ROOM = "prayer_room", _("Musala")
        PARKING = "parking", _("Tempat parkir")
        WIFI = "wifi", _("Wi-Fi gratis")
        SELF_SERVICE = "self_service", _("Anjungan layanan mandiri")

    class Meta:
        db_table = "catalog_mpp"
        ordering = ["region_id", "name"]
        verbose_name = _("MPP")
        verbose_name_plural = _("MPP")

    def __str__(self) -> str:
        return self.name

    def policy_scope(self) -> Scope:
        return Scope(region_codes=frozenset({self.region_id}), mpp_ids=frozenset({self.pk}))

    def facility_labels(self) -> list[str]:
        labels = dict(self.Facility.choices)
        return [str(labels[code]) for code in self.facilities if code in labels]


class OpeningHours(models.Model):
    """When an MPP is open on one weekday (local time of its region); a missing weekday is closed."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Senin")
        TUESDAY = 1, _("Selasa")
        WEDNESDAY = 2, _("Rabu")
        THURSDAY = 3, _("Kamis")
        FRIDAY = 4, _("Jumat")
        SATURDAY = 5, _("Sabtu")
        SUNDAY = 6, _("Minggu")

    mpp = models.ForeignKey(MPP, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("hari"), choices=Weekday.choices)
    opens = models.TimeField(_("buka"))
    closes = models.TimeField(_("tutup"))
    # A break in service (Friday prayers 11.30–13.00, say): office hours do not count during it.
    break_starts = models.TimeField(_("istirahat mulai"), null=True, blank=True)
    break_ends = models.TimeField(_("istirahat selesai"), null=True, blank=True)
    note = models.CharField(_("catatan"), max_length=200, blank=True)

    class Meta:
        db_table = "catalog_openinghours"
        ordering = ["mpp_id", "weekday", "opens"]
        constraints = [
            models.UniqueConstraint(fields=["mpp", "weekday"], name="unique_opening_hours_day"),
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="opening_hours_order"
            ),
            models.CheckConstraint(
                condition=models.Q(break_starts__isnull=True, break_ends__isnull=True)
                | models.Q(
                    break_starts__gt=models.F("opens"),
                    break_ends__gt=models.F("break_starts"),
                    closes__gt=models.F("break_ends"),
                ),
                name="opening_hours_break_inside",
            ),
        ]
        verbose_name = _("jam layanan")
        verbose_name_plural = _("jam layanan")

    def __str__(self) -> str:
        return f"{self.mpp_id} {self.weekday} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Agency(models.Model):
    """An instansi that serves at one or more MPPs (vertical, provincial, OPD, BUMN, BUMD, private)."""

    class Kind(models.TextChoices):
        CENTRAL = "central", _("Instansi pusat/vertikal")
        PROVINCIAL = "provincial", _("Perangkat daerah provinsi")
        REGIONAL = "regional", _("Perangkat daerah kabupaten/kota")
        BUMN = "bumn", _("BUMN")
        BUMD = "bumd", _("BUMD")
        PRIVATE = "private", _("Swasta")
        # The region's internal government auditor (APIP: Inspektorat daerah), which handles
        # integrity complaints (pungli, gratifikasi, maladministrasi by staff) about the others.
        INSPECTORATE = "inspectorate", _("Inspektorat daerah (APIP)")

    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("nama singkat"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("jenis instansi"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("wilayah asal"),
        help_text=_("Kabupaten/kota tempat kantor instansi ini berada."),
    )
    description = models.TextField(_("keterangan"), blank=True)
    mpps = models.ManyToManyField(MPP, through="AgencyPresence", related_name="agencies")

    class Meta:
        db_table = "catalog_agency"
        ordering = ["name"]
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")

    def __str__(self) -> str:
        return self.name

    def policy_scope(self) -> Scope:
        """The agency itself, the MPPs where it serves and their kab/kota (and its home region)."""
        sites = list(self.presences.filter(is_active=True).values_list("mpp_id", "mpp__region_id"))
        return Scope(
            region_codes=frozenset({self.region_id, *(region for _, region in sites)}),
            mpp_ids=frozenset(mpp_id for mpp_id, _ in sites),
            agency_id=self.pk,
        )


class AgencyPresence(models.Model):
    """An agency serving at an MPP (its counters come with the queueing issue)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="presences")
    mpp = models.ForeignKey(MPP, on_delete=models.CASCADE, related_name="presences")
    is_active = models.BooleanField(_("aktif"), default=True)
    counters = models.CharField(
        _("loket"),
        max_length=100,
        blank=True,
        help_text=_("Nomor loket instansi di MPP ini, misalnya “Loket 1–4”."),
    )

    class Meta:
        db_table = "catalog_agencypresence"
        constraints = [
            models.UniqueConstraint(fields=["agency", "mpp"], name="unique_agency_presence"),
        ]
        verbose_name = _("kehadiran instansi di MPP")
        verbose_name_plural = _("kehadiran instansi di MPP")

    def __str__(self) -> str:
        return _("%(agency)s di %(mpp)s") % {"agency": self.agency, "mpp": self.mpp}

    def policy_scope(self) -> Scope:
        return Scope.at(self.mpp, self.agency_id)


class CounterHours(models.Model):
    """When an agency's counters at an MPP serve on one weekday, where they differ from the MPP's
    own hours (Batam's Dukcapil: Monday–Friday 09.00–15.00 in an MPP open 08.00–16.00).

    An agency that recorded none serves whenever the MPP is open; one that recorded some serves
    only on those weekdays. The queue offers slots inside both these and the MPP's hours (and its
    break), on the days the region's calendar lets the MPP open.
    """

    presence = models.ForeignKey(
        AgencyPresence, on_delete=models.CASCADE, related_name="counter_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("hari"), choices=OpeningHours.Weekday.choices)
    opens = models.TimeField(_("buka"))
    closes = models.TimeField(_("tutup"))

    class Meta:
        ordering = ["presence_id", "weekday"]
        constraints = [
            models.UniqueConstraint(
                fields=["presence", "weekday"], name="unique_counter_hours_day"
            ),
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="counter_hours_order"
            ),
        ]
        verbose_name = _("jam layanan loket instansi")
        verbose_name_plural = _("jam layanan loket instansi")

    def __str__(self) -> str:
        return f"{self.presence_id} {self.weekday} {self.opens:%H:%M}-{self.closes:%H:%M}"


class MppNetwork(models.Model):
    """A network (CIDR) of an MPP's own: its hall Wi-Fi, its counters, its kiosks.

    Requests from these addresses get higher anonymous rate limits (``mpp.accounts.limits``):
    many citizens share the hall's one public address. Registered by the MPP's manager or the
    regional admin (Perm.MANAGE_MPP), on the page /akun/kerja/jaringan/.
    """

    mpp = models.ForeignKey(MPP, on_delete=models.CASCADE, related_name="networks")
    network = models.CharField(_("jaringan (CIDR)"), max_length=49)
    label = models.CharField(_("keterangan"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mpp", "network"], name="unique_mpp_network"),
        ]
        ordering = ["mpp_id", "network"]
        verbose_name = _("jaringan MPP")
        verbose_name_plural = _("jaringan MPP")

    def __str__(self) -> str:
        return self.network

    def policy_scope(self) -> Scope:
        return self.mpp.policy_scope()
