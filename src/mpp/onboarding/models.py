"""Region onboarding (four stages from the seed), the readiness rubric and the SK Pengelola."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mpp.deadlines.models import ClockedModel
from mpp.fields import user_reference
from mpp.onboarding.workflow import REGION_ONBOARDING
from mpp.tenancy.scope import Scope
from mpp.workflows.models import WorkflowModel


def upload_path(instance, filename: str) -> str:
    # Never the original name: it may carry personal data. One random name per stored file.
    return f"onboarding/{instance._meta.model_name}/{uuid.uuid4().hex}"


class Hosting(models.TextChoices):
    DATA_CENTER = "data_center", _("Pusat data milik daerah")
    CLOUD = "cloud", _("Komputasi awan (cloud)")
    NONE = "none", _("Belum tersedia")


class ReadinessRubric(models.Model):
    """How the ministry scores readiness: weights per checklist criterion, summing to 100 %.

    ``criteria`` is ``{criterion: weight}`` with the keys of :data:`CRITERIA`; the active rubric
    is the newest one. Weights are checked by ``services.save_rubric`` (they must sum to 100).
    """

    name = models.CharField(_("nama rubrik"), max_length=200)
    criteria = models.JSONField(_("bobot kriteria"), default=dict)
    created_by = user_reference()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rubrik kesiapan")
        verbose_name_plural = _("rubrik kesiapan")

    def __str__(self) -> str:
        return self.name


class OnboardingApplication(WorkflowModel, ClockedModel):
    """One region's way through Permohonan → Penetapan lokus → Perjanjian → Hak akses.

    The clock (``due_at``) is the ministry's review: it runs while the application is submitted
    (10 working days in the region's calendar), stops when the ministry returns or designates it,
    and starts again on resubmission. The one deadline sweep flags it and escalates it once
    (``review_escalated_at``).
    """

    workflow = REGION_ONBOARDING

    class Standing(models.TextChoices):
        GOOD = "good", _("Baik")
        PROBATION = "probation", _("Masa pembinaan")
        REVOKED = "revoked", _("Status lokus dicabut")

    reference = models.CharField(_("nomor permohonan"), max_length=20, unique=True)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kabupaten/kota"),
    )
    applicant = user_reference()
    contact_name = models.CharField(_("nama admin daerah"), max_length=150)
    contact_email = models.EmailField(_("surel admin daerah"))
    manager_name = models.CharField(_("nama pengelola MPP"), max_length=150)
    manager_email = models.EmailField(_("surel pengelola MPP"))
    letter = models.FileField(_("surat resmi bupati/wali kota"), upload_to=upload_path)
    urgency_study = models.FileField(_("kajian urgensi"), upload_to=upload_path)
    bandwidth_mbps = models.PositiveIntegerField(_("kapasitas internet (Mbps)"))
    devices = models.PositiveIntegerField(_("jumlah perangkat komputer di MPP"))
    trained_staff = models.PositiveIntegerField(_("jumlah petugas terlatih"))
    has_physical_mpp = models.BooleanField(_("sudah memiliki MPP fisik"))
    hosting = models.CharField(_("pusat data atau cloud"), max_length=20, choices=Hosting.choices)
    budget = models.PositiveBigIntegerField(_("anggaran yang disiapkan (rupiah)"))
    submitted_at = models.DateTimeField(_("diajukan pada"), default=timezone.now)
    review_escalated_at = models.DateTimeField(
        _("keterlambatan penelaahan dilaporkan pada"), null=True, blank=True
    )
    score = models.DecimalField(_("skor kesiapan"), max_digits=5, decimal_places=2, null=True)
    score_detail = models.JSONField(default=dict, blank=True)
    rubric = models.ForeignKey(
        ReadinessRubric, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    phase = models.PositiveSmallIntegerField(_("tahap"), null=True, blank=True)
    return_reason = models.TextField(_("alasan dikembalikan"), blank=True)
    agreement = models.FileField(
        _("perjanjian penerapan bertanda tangan"), upload_to=upload_path, blank=True
    )
    agreement_uploaded_at = models.DateTimeField(null=True, blank=True)
    access_granted_at = models.DateTimeField(_("hak akses diberikan pada"), null=True, blank=True)
    standing = models.CharField(
        _("status kinerja"), max_length=12, choices=Standing.choices, default=Standing.GOOD
    )
    standing_reason = models.TextField(_("alasan status kinerja"), blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("permohonan penerapan MPP Digital")
        verbose_name_plural = _("permohonan penerapan MPP Digital")
        constraints = [
            models.UniqueConstraint(
                fields=["region"],
                condition=~models.Q(status="revoked"),
                name="onboarding_one_open_per_region",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def policy_scope(self) -> Scope:
        return Scope(region_codes=frozenset({self.region_id}))

    def clock_region(self):
        return self.region

    @property
    def stage_number(self) -> int:
        from mpp.onboarding.workflow import STAGE_OF

        return STAGE_OF[self.status]


class ManagerDecree(models.Model):
    """SK Pengelola MPP Digital: the regional decree appointing the platform's managers."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("nomor SK"), max_length=120)
    decree_date = models.DateField(_("tanggal SK"))
    signatory = models.CharField(_("penanda tangan"), max_length=150)
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)
    document = models.FileField(_("berkas SK (PDF)"), upload_to=upload_path)
    sha256 = models.CharField(max_length=64)
    uploaded_by = user_reference(blank=False)
    uploaded_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("SK Pengelola MPP Digital")
        verbose_name_plural = _("SK Pengelola MPP Digital")

    def __str__(self) -> str:
        return self.number

    def policy_scope(self) -> Scope:
        return Scope(region_codes=frozenset({self.region_id}))

    def is_valid_on(self, day) -> bool:
        return self.replaced_at is None and (self.valid_until is None or self.valid_until >= day)


class DecreeAppointee(models.Model):
    """A person named in the decree, and the invitation to the MPP manager role sent to them (the
    grant exists once they accept it). ``grant`` is kept for decrees from before invitations."""

    decree = models.ForeignKey(ManagerDecree, on_delete=models.CASCADE, related_name="appointees")
    name = models.CharField(_("nama"), max_length=150)
    email = models.EmailField(_("surel"))
    position = models.CharField(_("jabatan dalam SK"), max_length=150)
    mpp = models.ForeignKey("tenancy.MPP", on_delete=models.PROTECT, related_name="+")
    grant = models.ForeignKey(
        "accounts.RoleGrant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invitation = models.ForeignKey(
        "accounts.Invitation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
