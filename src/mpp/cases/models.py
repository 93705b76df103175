"""Applications (permohonan) for a service, their uploaded files and internal notes.

An application points at the exact published ``ServiceVersion`` it was filed under (PROTECT), so the
standard that applied — form, time limit, fiktif positif — can always be shown and re-checked. The
agency and MPP are copied from the service so back-office lists filter and sort on one table.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mpp.cases.workflow import APPLICATION, FINAL, OPEN, WITHOUT_APPROVAL
from mpp.deadlines.models import ClockedModel
from mpp.fields import user_reference
from mpp.tenancy.scope import Scope
from mpp.workflows.models import WorkflowModel

if TYPE_CHECKING:
    from mpp.regions.calendar import OfficeHours
    from mpp.regions.models import Region
    from mpp.workflows.definitions import Workflow


class Status(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    IN_REVIEW = "in_review", _("Sedang diperiksa")
    REVISION_REQUESTED = "revision_requested", _("Perlu diperbaiki")
    APPROVED = "approved", _("Disetujui")
    ISSUED = "issued", _("Dokumen terbit")
    REJECTED = "rejected", _("Ditolak")
    WITHDRAWN = "withdrawn", _("Dibatalkan")


class ApplicationChannel(models.TextChoices):
    ONLINE = "online", _("Daring")
    COUNTER = "counter", _("Di loket")


class TrackingSequence(models.Model):
    """The last tracking number used per kab/kota and local day (row-locked when taken)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "day"], name="unique_tracking_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.day}: {self.last_value}"


class Application(WorkflowModel, ClockedModel):
    """One citizen's application for one service, online or filed at the counter."""

    workflow = APPLICATION

    if TYPE_CHECKING:
        # Set by mpp.cases.selectors.api_detail on the application the API's detail shows
        # (absent otherwise): the answers and files the caller may see, the Dukcapil check of
        # the applicant's identity (for those who may see it), the timeline, and the actions the
        # caller may take now.
        shown_data: dict[str, Any]
        shown_files: list[ApplicationDocument]
        identity_check_state: str | None
        timeline: list[Any]
        allowed_actions: list[str]

    tracking_number = models.CharField(_("nomor pelacakan"), max_length=20, unique=True)
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, related_name="applications"
    )
    service_version = models.ForeignKey(
        "catalog.ServiceVersion", on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    mpp = models.ForeignKey("tenancy.MPP", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(
        _("saluran"), max_length=10, choices=ApplicationChannel.choices, default="online"
    )
    filed_by = user_reference(_("diajukan oleh petugas"))
    # The name the counter officer typed: staff pages of a counter filing show it instead of the
    # account's registered name, so the counter form never becomes a NIK-to-name look-up.
    counter_name = models.CharField(_("nama yang diisi di loket"), max_length=150, blank=True)
    data = models.JSONField(_("isian"), default=dict, blank=True)
    created_at = models.DateTimeField(_("dibuat pada"), default=timezone.now)
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True)
    submitted_at = models.DateTimeField(_("diajukan pada"), null=True, blank=True)
    decided_at = models.DateTimeField(_("diputus pada"), null=True, blank=True)
    issuing_started_at = models.DateTimeField(_("mulai diterbitkan pada"), null=True, blank=True)
    auto_approved = models.BooleanField(_("disetujui otomatis"), default=False)
    assigned_to = user_reference(_("petugas"))
    issued_document = models.OneToOneField(
        "documents.IssuedDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("permohonan")
        verbose_name_plural = _("permohonan")
        indexes = [
            # The inbox's keyset pages (deadline, then newest first among the many applications
            # due at the same end of a day): one status of a unit, and the work queue of open
            # applications (a small share of all rows). The order ends in the id, so a page
            # starts inside the index range and reads only its rows.
            models.Index(
                fields=["agency", "mpp", "status", "due_at", "-id"], name="application_inbox_page"
            ),
            models.Index(
                fields=["agency", "mpp", "due_at", "-id"],
                condition=models.Q(status__in=OPEN),
                name="application_open_page",
            ),
            # An MPP's open applications across its agencies (its dashboard's overdue list, soonest
            # deadline first, and each officer's workload), without reading its closed years.
            models.Index(
                fields=["mpp", "due_at", "id"],
                condition=models.Q(status__in=OPEN),
                name="application_mpp_open",
            ),
            models.Index(fields=["applicant", "-created_at"], name="application_citizen"),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    def get_workflow(self) -> Workflow:
        return WITHOUT_APPROVAL if self.service_version.skip_approval else APPLICATION

    def policy_scope(self) -> Scope:
        return Scope.at(self.mpp, self.agency_id)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    def skm_subject(self) -> dict:
        """Who and where the satisfaction survey (SKM) asks about, once the application finished
        (the cross-process convention read by ``mpp.surveys``, which does not import cases)."""
        return {
            "citizen": self.applicant,
            "region_id": self.mpp.region_id,
            "mpp_id": self.mpp_id,
            "agency_id": self.agency_id,
            "service_id": self.service_id,
            "officer_id": self.assigned_to_id,
            "finished_at": self.decided_at or timezone.now(),
        }

    def clock_region(self) -> Region:
        return self.mpp.region

    def clock_office_hours(self) -> OfficeHours:
        from mpp.regions.calendar import OfficeHours

        return OfficeHours.from_opening_hours(self.mpp.opening_hours.all())

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def channel_label(self) -> str:
        """``get_channel_display()`` without it: Django's builds a dict of every choice, each
        label translated, on every call (once per row of a list page)."""
        return str(ApplicationChannel(self.channel).label)

    @property
    def is_being_issued(self) -> bool:
        """Issued, but the signed document is still being produced on the worker."""
        return self.status == "issued" and self.issued_document_id is None

    @property
    def status_tone(self) -> str:
        """The design system's tag modifier for the status."""
        return {
            "approved": "success",
            "issued": "success",
            "revision_requested": "warning",
            "rejected": "danger",
        }.get(self.status, "")


class StatusCount(models.Model):
    """How many applications of one unit (MPP and agency) are in one status, drafts excepted.

    Kept by database triggers on ``cases_application`` (migration ``0009_status_counts``) in the
    transaction that inserts, moves or deletes the application, whatever code path does it: the
    officer's inbox reads its counts per status here instead of counting a unit's whole archive on
    every request. ``manage.py recount_statuses`` compares the rows with a count of the
    applications and repairs drift with ``--fix`` (after a bulk load that bypassed the triggers).
    """

    mpp = models.ForeignKey("tenancy.MPP", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=32)
    total = models.BigIntegerField(_("jumlah"), default=0)

    class Meta:
        verbose_name = _("jumlah per status")
        verbose_name_plural = _("jumlah per status")
        constraints = [
            models.UniqueConstraint(
                fields=["mpp", "agency", "status"], name="application_status_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mpp_id}/{self.agency_id} {self.status}: {self.total}"


def upload_path(instance: ApplicationDocument, filename: str) -> str:
    """A random path: never the applicant's name or NIK, never guessable from the application."""
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        instance.content_type, "bin"
    )
    return f"applications/{timezone.now():%Y/%m}/{secrets.token_urlsafe(24)}.{extension}"


class ApplicationDocument(models.Model):
    """A file uploaded for one file field of an application; replacing keeps the old row."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    field = models.CharField(_("isian"), max_length=50)
    file = models.FileField(upload_to=upload_path, max_length=200)
    original_name = models.CharField(_("nama berkas"), max_length=120, blank=True)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = user_reference(blank=False)
    uploaded_at = models.DateTimeField(default=timezone.now)
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["application", "field"], name="application_document")]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.field}"


class InternalNote(models.Model):
    """A note officers leave on an application; never shown to the citizen."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notes")
    author = user_reference(blank=False)
    text = models.TextField(_("catatan"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.created_at:%Y-%m-%d}"


class IdempotencyRecord(models.Model):
    """The first answer to an API request sent with an ``Idempotency-Key`` header."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    scope = models.CharField(max_length=100)
    # SHA-256 of the request body: the same key with a different body is a client error, not a retry.
    request_digest = models.CharField(max_length=64, blank=True, default="")
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="unique_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
