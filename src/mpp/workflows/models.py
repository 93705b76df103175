"""The workflow contract for models, and the append-only history of every transition."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from mpp.audit.models import AppendOnlyModel
from mpp.fields import optional_link, user_reference
from mpp.regions.models import Region
from mpp.tenancy.models import MPP, Agency

if TYPE_CHECKING:
    from mpp.workflows.definitions import Workflow


class WorkflowModel(models.Model):
    """Abstract base for a model driven by a workflow (an application, a complaint, a booking...).

    ``status`` is changed only by :func:`mpp.workflows.services.apply_action`; ``version`` grows by
    one with every transition, for optimistic concurrency. Subclasses set the class attribute
    ``workflow`` and may override :meth:`get_workflow` to pick a variant per object.
    """

    workflow: ClassVar[Workflow]

    status = models.CharField(_("status"), max_length=32, db_index=True)
    version = models.PositiveIntegerField(_("versi"), default=0)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.status:
            self.status = self.get_workflow().initial
        super().save(*args, **kwargs)

    def get_workflow(self) -> Workflow:
        """The workflow definition that governs this object (override to choose a variant)."""
        return type(self).workflow

    def history_place(self) -> tuple[str | None, int | None, int | None]:
        """(region code, MPP id, agency id) copied onto each :class:`TransitionRecord`, so reports
        count transitions of every process without a join per type. Read from ``region_id``,
        ``mpp_id`` (its region when ``region_id`` is absent) and ``agency_id``; override when the
        object keeps them elsewhere."""
        mpp_id = getattr(self, "mpp_id", None)
        region_id = getattr(self, "region_id", None)
        if region_id is None and mpp_id is not None:
            # Only models with an ``mpp`` foreign key have an ``mpp_id``.
            region_id = cast(Any, self).mpp.region_id
        return region_id, mpp_id, getattr(self, "agency_id", None)


class TransitionRecord(AppendOnlyModel):
    """One applied action: who took it, when, from which state to which, with what note."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    workflow = models.CharField(_("alur kerja"), max_length=64)
    action = models.CharField(_("tindakan"), max_length=64)
    from_state = models.CharField(_("dari status"), max_length=32)
    to_state = models.CharField(_("ke status"), max_length=32)
    version = models.PositiveIntegerField(_("versi"))
    actor = user_reference(_("pelaku"))
    actor_kind = models.CharField(_("peran pelaku"), max_length=32)
    note = models.TextField(_("catatan"), blank=True)
    at = models.DateTimeField(_("waktu"))
    data = models.JSONField(default=dict, blank=True)
    # Where it happened, copied from the object (reports across processes, without joins).
    region = optional_link(Region)
    mpp = optional_link(MPP)
    agency = optional_link(Agency)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("riwayat alur kerja")
        verbose_name_plural = _("riwayat alur kerja")
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "at"], name="workflow_history_subject_idx"
            ),
            models.Index(fields=["region", "at"], name="workflow_history_region_idx"),
            models.Index(fields=["mpp", "at"], name="workflow_history_mpp_idx"),
            models.Index(fields=["agency", "at"], name="workflow_history_agency_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.workflow}:{self.object_id} {self.from_state} → {self.to_state}"

    @property
    def is_automatic(self) -> bool:
        return self.actor_id is None


class HookFailure(models.Model):
    """A hook that raised after its transition committed; retried until it succeeds.

    Only the error's class is stored: a message may carry personal data.
    """

    record = models.ForeignKey(TransitionRecord, on_delete=models.CASCADE, related_name="+")
    hook = models.CharField(_("kait"), max_length=200)
    error = models.CharField(_("galat"), max_length=200)
    attempts = models.PositiveIntegerField(_("percobaan"), default=1)
    failed_at = models.DateTimeField(_("gagal pada"))
    next_attempt_at = models.DateTimeField(_("dicoba lagi pada"))
    resolved_at = models.DateTimeField(_("berhasil pada"), null=True, blank=True)

    class Meta:
        ordering = ["failed_at", "id"]
        verbose_name = _("kait yang gagal")
        verbose_name_plural = _("kait yang gagal")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(resolved_at__isnull=True),
                name="hook_failure_pending_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "hook"],
                name="hook_failure_once_per_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.hook} ({self.record_id}): {self.error}"
