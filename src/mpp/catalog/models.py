"""Catalog: an agency's services at an MPP (or national templates), with versioned service standards.

A ``Service`` is an agency's service at one MPP (or a national template when it has no agency). Its
content lives in ``ServiceVersion`` rows: at most one draft is edited at a time; publishing freezes the
draft as the service's ``current_version``. Published versions are immutable so that an application
can keep pointing at the exact version it was filed under.
"""

from __future__ import annotations

import copy

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from mpp.catalog.form_schema import FormDefinition, definition_problems
from mpp.fields import user_reference
from mpp.tenancy.models import MPP, Agency
from mpp.tenancy.scope import Scope


def localized(indonesian, english):
    """``english`` when the active language is English and it is given, else ``indonesian``."""
    from django.utils.translation import get_language

    if english and (get_language() or "").startswith("en"):
        return english
    return indonesian


class Category(models.TextChoices):
    KEPENDUDUKAN = "kependudukan", _("Kependudukan")
    PERIZINAN_KESEHATAN = "perizinan_kesehatan", _("Perizinan kesehatan")
    PERIZINAN_USAHA = "perizinan_usaha", _("Perizinan usaha")
    TRANSPORTASI = "transportasi", _("Transportasi")
    PAJAK = "pajak", _("Pajak")
    PERTANAHAN = "pertanahan", _("Pertanahan")
    KEIMIGRASIAN = "keimigrasian", _("Keimigrasian")
    KEPOLISIAN = "kepolisian", _("Kepolisian")
    JAMINAN_SOSIAL = "jaminan_sosial", _("Jaminan sosial")
    UTILITAS = "utilitas", _("Utilitas")
    PERBANKAN = "perbankan", _("Perbankan")


class Channel(models.TextChoices):
    ONLINE = "online", _("Daring")
    COUNTER = "counter", _("Di loket")
    BOTH = "both", _("Daring dan di loket")


class TimeLimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("hari kerja")
    HOURS = "hours", _("jam")


class ServiceQuerySet(models.QuerySet):
    def published(self) -> ServiceQuerySet:
        """Services a citizen can find and apply for: published, not retired, not a template."""
        return self.filter(
            current_version__isnull=False, retired_at__isnull=True, agency__isnull=False
        )

    def templates(self) -> ServiceQuerySet:
        return self.filter(agency__isnull=True, mpp__isnull=True)


class Service(models.Model):
    """An agency's service at an MPP, or a national template (no agency, no MPP) kept by the ministry."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="services", null=True, blank=True
    )
    mpp = models.ForeignKey(
        MPP, on_delete=models.PROTECT, related_name="services", null=True, blank=True
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    template = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adoptions",
        verbose_name=_("templat nasional asal"),
    )
    current_version = models.OneToOneField(
        "ServiceVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("versi yang berlaku"),
    )
    retired_at = models.DateTimeField(_("dihentikan pada"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    # A listing copy of the current version (or of the first draft before any publication), written
    # only by services.publish_version / save_draft, so lists and search filter and sort on one table.
    name = models.CharField(_("nama layanan"), max_length=200, db_index=True)
    name_en = models.CharField(_("nama layanan dalam bahasa Inggris"), max_length=200, blank=True)
    category = models.CharField(_("kategori"), max_length=30, choices=Category.choices)
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    fee = models.PositiveBigIntegerField(_("biaya/tarif (rupiah)"), default=0)
    # Search document of the current version, refreshed on publish: plain text for the SQLite fallback,
    # and (on PostgreSQL) a tsvector with a GIN index.
    # ``search_document`` holds every word with its stem (``mpp.catalog.search.document``), and
    # ``search_name`` the same for the name alone (Indonesian and English), which ranking favours.
    search_document = models.TextField(blank=True, editable=False)
    search_name = models.TextField(blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(agency__isnull=True, mpp__isnull=True)
                    | models.Q(agency__isnull=False, mpp__isnull=False)
                ),
                name="service_agency_and_mpp_together",
            ),
        ]
        indexes = [
            models.Index(fields=["mpp", "agency"], name="service_mpp_agency"),
            models.Index(fields=["category", "name"], name="service_category_name"),
            # Lists of findable services are sorted by name and counted often.
            models.Index(
                Lower("name"),
                "id",
                condition=models.Q(
                    current_version__isnull=False, retired_at__isnull=True, agency__isnull=False
                ),
                name="service_published_name",
            ),
        ]
        verbose_name = _("layanan")
        verbose_name_plural = _("layanan")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the active language (English when given and English is active)."""
        return localized(self.name, self.name_en)

    @property
    def is_template(self) -> bool:
        return self.agency_id is None

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def accepts_applications(self) -> bool:
        """New applications may be filed only against a published, not retired, non-template service."""
        return self.current_version_id is not None and not self.is_retired and not self.is_template

    def policy_scope(self) -> Scope:
        mpp = self.mpp
        if self.agency_id is None or mpp is None:
            return Scope()  # national templates: only national roles cover them
        return Scope.at(mpp, self.agency_id)


class PublishedVersionError(Exception):
    """A published service version was about to be changed or deleted."""


class ServiceVersion(models.Model):
    """One edition of a service's standard (standar pelayanan, the 14 components of UU 25/2009)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        PUBLISHED = "published", _("Terbit")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("nomor versi"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    name = models.CharField(_("nama layanan"), max_length=200)
    summary = models.CharField(_("keterangan singkat"), max_length=500, blank=True)
    # English texts, shown when a visitor reads in English (empty: the Indonesian text is shown).
    name_en = models.CharField(_("nama layanan (bahasa Inggris)"), max_length=200, blank=True)
    summary_en = models.CharField(
        _("keterangan singkat (bahasa Inggris)"), max_length=500, blank=True
    )
    requirements_en = models.JSONField(_("persyaratan (bahasa Inggris)"), default=list, blank=True)
    category = models.CharField(_("kategori"), max_length=30, choices=Category.choices)
    channel = models.CharField(
        _("saluran"), max_length=10, choices=Channel.choices, default=Channel.BOTH
    )
    # Service delivery components (shown to citizens).
    requirements = models.JSONField(_("persyaratan"), default=list, blank=True)
    procedure = models.JSONField(_("sistem, mekanisme, dan prosedur"), default=list, blank=True)
    time_limit = models.PositiveIntegerField(_("jangka waktu penyelesaian"), default=1)
    time_limit_unit = models.CharField(
        _("satuan jangka waktu"),
        max_length=15,
        choices=TimeLimitUnit.choices,
        default=TimeLimitUnit.WORKING_DAYS,
    )
    fee = models.PositiveBigIntegerField(_("biaya/tarif (rupiah)"), default=0)
    fee_note = models.CharField(_("keterangan biaya"), max_length=500, blank=True)
    product = models.CharField(_("produk pelayanan"), max_length=300)
    complaint_handling = models.TextField(_("penanganan pengaduan, saran, dan masukan"), blank=True)
    # Manufacturing components (internal, shown to staff).
    legal_basis = models.JSONField(_("dasar hukum"), default=list, blank=True)
    facilities = models.TextField(_("sarana, prasarana, dan/atau fasilitas"), blank=True)
    staff_competence = models.TextField(_("kompetensi pelaksana"), blank=True)
    internal_supervision = models.TextField(_("pengawasan internal"), blank=True)
    staff_count = models.CharField(_("jumlah pelaksana"), max_length=200, blank=True)
    service_guarantee = models.TextField(_("jaminan pelayanan"), blank=True)
    security_guarantee = models.TextField(
        _("jaminan keamanan dan keselamatan pelayanan"), blank=True
    )
    performance_evaluation = models.TextField(_("evaluasi kinerja pelaksana"), blank=True)
    # What the applications app needs.
    form_definition = models.JSONField(_("definisi formulir"), default=list, blank=True)
    # What the issued document prints (mpp.catalog.document_template); empty = the default.
    document_template = models.JSONField(_("templat dokumen"), default=dict, blank=True)
    auto_approve = models.BooleanField(
        _("persetujuan otomatis (fiktif positif)"),
        default=False,
        help_text=_("Permohonan yang belum diputus saat jangka waktu habis disetujui otomatis."),
    )
    skip_approval = models.BooleanField(
        _("tanpa tahap persetujuan terpisah"),
        default=False,
        help_text=_("Dokumen diterbitkan langsung setelah pemeriksaan."),
    )
    change_note = models.CharField(_("catatan perubahan"), max_length=500, blank=True)
    effective_from = models.DateField(_("tanggal berlaku"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True)
    published_at = models.DateTimeField(_("diterbitkan pada"), null=True, blank=True)
    created_by = user_reference()
    published_by = user_reference()

    DELIVERY_FIELDS = (
        "requirements", "procedure", "time_limit", "time_limit_unit", "fee", "fee_note",
        "product", "complaint_handling",
    )  # fmt: skip
    INTERNAL_FIELDS = (
        "legal_basis", "facilities", "staff_competence", "internal_supervision", "staff_count",
        "service_guarantee", "security_guarantee", "performance_evaluation",
    )  # fmt: skip
    ENGLISH_FIELDS = ("name_en", "summary_en", "requirements_en")
    CONTENT_FIELDS = (
        "name", "summary", *ENGLISH_FIELDS, "category", "channel", *DELIVERY_FIELDS, *INTERNAL_FIELDS,
        "form_definition", "document_template", "auto_approve", "skip_approval",
    )  # fmt: skip

    class Meta:
        ordering = ["service_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="unique_service_version"),
            models.UniqueConstraint(
                fields=["service"],
                condition=models.Q(status="draft"),
                name="one_draft_per_service",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(published_at__isnull=False, effective_from__isnull=False),
                name="published_version_is_dated",
            ),
        ]
        verbose_name = _("versi standar pelayanan")
        verbose_name_plural = _("versi standar pelayanan")

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"

    def save(self, *args, **kwargs):
        if self.pk is not None and self._stored_status() == self.Status.PUBLISHED:
            raise PublishedVersionError(f"service version {self.pk} is published and immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_status() == self.Status.PUBLISHED:
            raise PublishedVersionError(f"service version {self.pk} is published and immutable")
        return super().delete(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return localized(self.name, self.name_en)

    @property
    def display_summary(self) -> str:
        return localized(self.summary, self.summary_en)

    @property
    def display_requirements(self) -> list:
        """The requirements in English when every one is translated, else in Indonesian."""
        if self.requirements_en and len(self.requirements_en) == len(self.requirements):
            return localized(self.requirements, self.requirements_en)
        return self.requirements

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_free(self) -> bool:
        return self.fee == 0

    @property
    def accepts_online(self) -> bool:
        return self.channel in (Channel.ONLINE, Channel.BOTH)

    def time_limit_display(self) -> str:
        from django.utils.translation import ngettext

        if self.time_limit_unit == TimeLimitUnit.HOURS:
            return ngettext("%(n)d jam", "%(n)d jam", self.time_limit) % {"n": self.time_limit}
        return ngettext("%(n)d hari kerja", "%(n)d hari kerja", self.time_limit) % {
            "n": self.time_limit
        }

    def _stored_status(self) -> str | None:
        if self.pk is None:
            return None
        return type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()

    @property
    def form(self) -> FormDefinition:
        """The typed form definition (``DefinitionError`` for a draft that cannot work yet).

        Parsed once per instance while the definition stays as it was: a request that creates,
        checks and saves a draft asks four times, and each parse checks every field again."""
        raw = self.form_definition
        kept = self.__dict__.get("_parsed_form")
        if kept is not None and kept[0] == raw:
            return kept[1]
        parsed = FormDefinition.parse(raw)
        self.__dict__["_parsed_form"] = (copy.deepcopy(raw), parsed)
        return parsed

    def clean(self) -> None:
        problems = definition_problems(self.form_definition)
        if problems:
            raise ValidationError({"form_definition": problems})
        if self.time_limit < 1:
            raise ValidationError({"time_limit": _("Jangka waktu paling sedikit 1.")})


class SearchSynonym(models.Model):
    """A word people type and what it means in the catalogue (``akte`` → ``akta``), kept by the
    ministry in the back office. A query word matching ``term`` also matches ``expansion`` (all of
    its words)."""

    term = models.CharField(
        _("kata yang diketik"),
        max_length=50,
        unique=True,
        help_text=_("Satu kata, misalnya “akte” atau “kk”."),
    )
    expansion = models.CharField(
        _("artinya"),
        max_length=200,
        help_text=_("Kata dalam nama layanan, misalnya “akta” atau “kartu keluarga”."),
    )
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)

    class Meta:
        ordering = ["term"]
        verbose_name = _("sinonim pencarian")
        verbose_name_plural = _("sinonim pencarian")

    def __str__(self) -> str:
        return f"{self.term} → {self.expansion}"
