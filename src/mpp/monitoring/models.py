"""Monitoring and evaluation: reporting periods and one report per locus with the 8 seed items.

The figures of items 2–4 are computed from the applications when the locus computes or submits
the report and stored on the report row (with the counting rule used), so the compliance matrix
and the national totals read at most one row per locus, never the applications.

The deadline is a clock of the deadlines mechanism on each report row: ``due_at`` is the end of the
period's deadline day in the locus's own zone (23.59 WIB, WITA or WIT), stored and indexed; the
clock stops when the report is first sent and the one sweep flags the reports still unsent after it.
"Late" is decided only by :func:`is_late`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mpp.deadlines.models import ClockedModel
from mpp.fields import user_reference
from mpp.monitoring.workflow import MONITORING_REPORT
from mpp.regions import calendar
from mpp.tenancy.scope import Scope
from mpp.workflows.models import WorkflowModel

ITEMS = {
    1: _("SK Pengelola MPP Digital"),
    2: _("Jumlah pemohon layanan kependudukan dan izin tenaga kesehatan"),
    3: _("Jumlah layanan kependudukan yang diproses melalui MPP Digital"),
    4: _("Jumlah izin tenaga kesehatan yang diterbitkan"),
    5: _("Upaya percepatan penggunaan MPP Digital"),
    6: _("Upaya percepatan aktivasi IKD dan penginputan SISDMK"),
    7: _("Kendala pelaksanaan MPP Digital"),
    8: _("Saran dan masukan"),
}
ALL_ITEMS = list(ITEMS)

DEFAULT_RUBRIC: dict[str, Any] = {
    "weights": {"1": 20, "2": 10, "3": 15, "4": 15, "5": 15, "6": 10, "7": 7.5, "8": 7.5},
    "late_penalty": 10,
    "thresholds": {"prima": 85, "baik": 70, "cukup": 50},
}


class ReportingPeriod(models.Model):
    name = models.CharField(_("nama periode"), max_length=200)
    phase = models.PositiveSmallIntegerField(_("tahap lokus"), default=1)
    starts_on = models.DateField(_("data dihitung sejak"))
    ends_on = models.DateField(_("data dihitung sampai"))
    deadline = models.DateField(_("batas penyampaian"))
    items = models.JSONField(_("butir laporan"), default=list)
    rubric = models.JSONField(_("rubrik penilaian"), default=dict)
    reminder_days = models.PositiveSmallIntegerField(_("pengingat (hari sebelum batas)"), default=3)
    created_by = user_reference()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-deadline", "-id"]
        verbose_name = _("periode monitoring dan evaluasi")
        verbose_name_plural = _("periode monitoring dan evaluasi")

    def __str__(self) -> str:
        return self.name

    def policy_scope(self):
        return None  # national: the ministry's object


def deadline_end(region, deadline: datetime.date) -> datetime.datetime:
    """The last moment a report of ``region`` is on time: 23.59 local time on the deadline day."""
    return calendar.end_of_day(region, deadline)


def is_late(
    due_at: datetime.datetime, sent_at: datetime.datetime | None, now: datetime.datetime
) -> bool:
    """THE rule of "late": a report is on time when first sent by ``due_at`` (23.59 local time of
    its region on the deadline day); one not sent yet is late once ``now`` is past it. The sweep's
    breach flag (``due_at < now`` on a running clock) is the same rule in SQL."""
    return (sent_at or now) > due_at


class LocusReport(WorkflowModel, ClockedModel):
    workflow = MONITORING_REPORT

    class Category(models.TextChoices):
        KURANG = "kurang", _("Kurang")
        CUKUP = "cukup", _("Cukup")
        BAIK = "baik", _("Baik")
        PRIMA = "prima", _("Prima")

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reports")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    # Item 1: the decree in force when the report was computed or submitted.
    decree = models.ForeignKey(
        "onboarding.ManagerDecree",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Items 2–4: the snapshot of platform figures, and the rule they were counted by.
    population_applicants = models.PositiveIntegerField(null=True, blank=True)
    health_applicants = models.PositiveIntegerField(null=True, blank=True)
    population_processed = models.PositiveIntegerField(null=True, blank=True)
    health_permits_issued = models.PositiveIntegerField(null=True, blank=True)
    # Item 6 from the platform, snapshot with items 2–4: the region's citizen accounts, those of
    # them that signed in with INApas/IKD, and SIP applicants checked against SATUSEHAT.
    citizen_accounts = models.PositiveIntegerField(null=True, blank=True)
    inapas_accounts = models.PositiveIntegerField(null=True, blank=True)
    satusehat_verified = models.PositiveIntegerField(null=True, blank=True)
    # The optional item "Keterlibatan warga", snapshot with items 2–4 from the daily facts
    # (``counting.COMMUNITY_FIGURES``: activities held, registrations, attendance, rooms approved,
    # groups served), and what the locus adds in its own words. Neither is required nor scored.
    community_figures = models.JSONField(default=dict, blank=True)
    community_engagement = models.TextField(_("keterlibatan warga"), blank=True)
    counting_rule = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    # Figures from outside the platform, declared by the locus (shown as declared).
    declared_population_applicants = models.PositiveIntegerField(null=True, blank=True)
    declared_health_applicants = models.PositiveIntegerField(null=True, blank=True)
    declared_population_processed = models.PositiveIntegerField(null=True, blank=True)
    declared_health_permits_issued = models.PositiveIntegerField(null=True, blank=True)
    # Items 5–8.
    acceleration_efforts = models.TextField(
        _("upaya percepatan penggunaan MPP Digital"), blank=True
    )
    ikd_sisdmk_efforts = models.TextField(_("upaya percepatan IKD dan SISDMK"), blank=True)
    ikd_activations = models.PositiveIntegerField(_("jumlah aktivasi IKD"), null=True, blank=True)
    sisdmk_entries = models.PositiveIntegerField(
        _("jumlah data SISDMK diinput"), null=True, blank=True
    )
    obstacles = models.TextField(_("kendala pelaksanaan"), blank=True)
    suggestions = models.TextField(_("saran dan masukan"), blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    is_late = models.BooleanField(_("terlambat"), default=False)
    review_note = models.TextField(_("catatan kementerian"), blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    category = models.CharField(max_length=10, choices=Category.choices, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["region__name"]
        verbose_name = _("laporan monitoring dan evaluasi lokus")
        verbose_name_plural = _("laporan monitoring dan evaluasi lokus")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "region"], name="monitoring_one_report_per_locus"
            )
        ]
        indexes = [models.Index(fields=["period", "status"], name="monitoring_period_status")]

    def __str__(self) -> str:
        return f"{self.period_id}:{self.region_id}"

    def policy_scope(self) -> Scope:
        from mpp.tenancy.models import MPP

        return Scope(
            region_codes=frozenset({self.region_id}),
            mpp_ids=frozenset(
                MPP.objects.filter(region_id=self.region_id).values_list("id", flat=True)
            ),
        )

    def history_place(self):
        return self.region_id, None, None

    def clock_region(self):
        return self.region

    def late(self, now: datetime.datetime) -> bool:
        """Sent after its deadline, or not sent and the deadline passed (see :func:`is_late`)."""
        from mpp.monitoring.services import deadline_end

        return is_late(deadline_end(self), self.first_submitted_at, now)

    def filled_items(self) -> dict[int, bool]:
        """Which of the 8 items the report answers now (items 2–4 once computed)."""
        computed = self.computed_at is not None
        return {
            1: self.decree_id is not None,
            2: computed,
            3: computed,
            4: computed,
            5: bool(self.acceleration_efforts.strip()),
            6: bool(self.ikd_sisdmk_efforts.strip()),
            7: bool(self.obstacles.strip()),
            8: bool(self.suggestions.strip()),
        }

    @property
    def inapas_share(self) -> float | None:
        """Share (0–100) of the region's citizen accounts that signed in with INApas/IKD."""
        if not self.citizen_accounts or self.inapas_accounts is None:
            return None
        return 100 * self.inapas_accounts / self.citizen_accounts
