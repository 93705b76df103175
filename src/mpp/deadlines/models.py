"""The deadline clock every process shares: fields, the one rule for "breached", and its index.

A clocked object (an application, a complaint) has a clock that is **running** (``due_at``
set), **paused** (``clock_paused_at`` set, what was left kept in ``remaining_working_days`` — the
days left in the clock's day unit, working or calendar days — or ``remaining_office_seconds``), or **stopped** (``clock_stopped_at`` set: the process finished).
The fields are written only by :mod:`mpp.deadlines.services`, usually as the ``changes`` of a
workflow transition.

"Breached" has one definition, :func:`breached_condition`: a running clock whose deadline has
passed, or that the sweep has flagged. Every list, count, filter and report uses it through
:class:`ClockQuerySet`.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from mpp.regions.calendar import OfficeHours, RegionLike


class ClockUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("hari kerja")
    HOURS = "hours", _("jam")
    # Plain days (weekends and holidays count), due at the end of the local day: the complaint's
    # reply window and its whole-case limit.
    CALENDAR_DAYS = "calendar_days", _("hari kalender")


def breached_condition(now: datetime.datetime | None = None) -> Q:
    """THE rule: the clock runs and its deadline passed before ``now`` (or the sweep flagged it)."""
    now = now or timezone.now()
    return Q(due_at__isnull=False, clock_stopped_at__isnull=True) & (
        Q(breached_at__isnull=False) | Q(due_at__lt=now)
    )


class ClockQuerySet(models.QuerySet[Any]):
    def running(self) -> Self:
        return self.filter(due_at__isnull=False, clock_stopped_at__isnull=True)

    def breached(self, now: datetime.datetime | None = None) -> Self:
        return self.filter(breached_condition(now))

    def not_breached(self, now: datetime.datetime | None = None) -> Self:
        return self.exclude(breached_condition(now))

    def with_breached(self, now: datetime.datetime | None = None) -> Self:
        """Each row gets ``is_breached`` (bool), computed by the database with the one rule."""
        annotated: Self = self.annotate(
            is_breached=models.ExpressionWrapper(
                breached_condition(now), output_field=models.BooleanField()
            )
        )
        return annotated


class ClockedModel(models.Model):
    """Abstract base of a model with a deadline clock.

    Subclasses implement :meth:`clock_region` (whose working days count) and, for limits in
    hours, :meth:`clock_office_hours`; they join the sweep with
    :func:`mpp.deadlines.registry.sweeps.register`.
    """

    due_at = models.DateTimeField(_("batas waktu"), null=True, blank=True, db_index=True)
    breached_at = models.DateTimeField(
        _("melewati batas waktu sejak"), null=True, blank=True, db_index=True
    )
    clock_unit = models.CharField(
        _("satuan jangka waktu"), max_length=16, choices=ClockUnit.choices, blank=True
    )
    clock_paused_at = models.DateTimeField(_("jam dihentikan pada"), null=True, blank=True)
    clock_stopped_at = models.DateTimeField(_("jam selesai pada"), null=True, blank=True)
    remaining_working_days = models.PositiveIntegerField(
        _("sisa hari kerja saat dihentikan"), null=True, blank=True
    )
    remaining_office_seconds = models.PositiveIntegerField(
        _("sisa detik jam layanan saat dihentikan"), null=True, blank=True
    )

    objects = ClockQuerySet.as_manager()

    class Meta:
        abstract = True

    def clock_region(self) -> RegionLike:
        """The :class:`~mpp.regions.models.Region` whose calendar counts this object's time."""
        raise NotImplementedError

    @property
    def remaining_label(self) -> str:
        """What is left of a paused clock, in its own unit: "2 hari kerja" for a limit in working
        days, "1 jam 30 menit waktu layanan" for one in hours (a 1-hour service once read "0 hari
        kerja"); empty while the clock runs."""
        if self.remaining_office_seconds is not None:
            minutes = -(-self.remaining_office_seconds // 60)
            hours, minutes = divmod(minutes, 60)
            if hours and minutes:
                return _("%(hours)d jam %(minutes)d menit waktu layanan") % {
                    "hours": hours,
                    "minutes": minutes,
                }
            if hours:
                return ngettext("%(n)d jam waktu layanan", "%(n)d jam waktu layanan", hours) % {
                    "n": hours
                }
            return ngettext("%(n)d menit waktu layanan", "%(n)d menit waktu layanan", minutes) % {
                "n": minutes
            }
        if self.remaining_working_days is not None:
            days = self.remaining_working_days
            if self.clock_unit == ClockUnit.CALENDAR_DAYS:
                return ngettext("%(n)d hari", "%(n)d hari", days) % {"n": days}
            return ngettext("%(n)d hari kerja", "%(n)d hari kerja", days) % {"n": days}
        return ""

    def clock_office_hours(self) -> OfficeHours:
        """The :class:`~mpp.regions.calendar.OfficeHours` for limits in hours."""
        raise NotImplementedError
