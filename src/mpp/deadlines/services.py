"""Starting, pausing, resuming and stopping a clock, and the one sweep over every clocked model.

The clock functions return the field ``changes`` to write, so that a workflow transition stores
them in the same ``UPDATE`` as its new status (``apply_action(..., changes=clock.start(...))``).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from mpp.deadlines.models import ClockedModel, ClockUnit, breached_condition
from mpp.deadlines.registry import SweepRegistry, sweeps
from mpp.regions import calendar

logger = logging.getLogger(__name__)

# The field values a clock change writes, stored with the transition's own UPDATE.
Changes = dict[str, Any]


@dataclass(frozen=True)
class Limit:
    """A time limit: ``amount`` working days (due at the end of the N-th working day after the
    local start date), ``amount`` calendar days (the end of the local day N days after the start
    date) or ``amount`` hours of office time."""

    amount: int
    unit: str = ClockUnit.WORKING_DAYS


def _due(obj: ClockedModel, unit: str, at: datetime.datetime, amount: float) -> datetime.datetime:
    region = obj.clock_region()
    if unit == ClockUnit.HOURS:
        return calendar.add_office_time(
            region, obj.clock_office_hours(), at, datetime.timedelta(seconds=amount)
        )
    if unit == ClockUnit.CALENDAR_DAYS:
        return calendar.due_at_calendar_days(region, at, int(amount))
    return calendar.due_at(region, at, int(amount))


def _days_left(obj: ClockedModel, due: datetime.datetime, at: datetime.datetime) -> int:
    """Days of the clock's own day unit left at ``at`` before ``due`` (the day it stops is used)."""
    region = obj.clock_region()
    if obj.clock_unit == ClockUnit.CALENDAR_DAYS:
        zone = calendar.region_zone(region)
        return max(0, (due.astimezone(zone).date() - at.astimezone(zone).date()).days)
    return calendar.remaining_working_days(region, due, at)


def start(obj: ClockedModel, limit: Limit, *, at: datetime.datetime) -> Changes:
    """The clock starts at ``at`` with ``limit``."""
    amount = limit.amount * 3600 if limit.unit == ClockUnit.HOURS else limit.amount
    return {
        "due_at": _due(obj, limit.unit, at, amount),
        "clock_unit": limit.unit,
        "breached_at": None,
        "clock_paused_at": None,
        "clock_stopped_at": None,
        "remaining_working_days": None,
        "remaining_office_seconds": None,
    }


def pause(obj: ClockedModel, *, at: datetime.datetime) -> Changes:
    """The clock stops at ``at`` keeping what is left (working days, or seconds of office time)."""
    region, due = obj.clock_region(), obj.due_at
    changes: Changes = {"due_at": None, "breached_at": None, "clock_paused_at": at}
    if obj.clock_unit == ClockUnit.HOURS:
        left = (
            calendar.office_time_between(region, obj.clock_office_hours(), at, due)
            if due
            else datetime.timedelta(0)
        )
        changes["remaining_office_seconds"] = int(left.total_seconds())
    else:
        changes["remaining_working_days"] = _days_left(obj, due, at) if due else 0
    return changes


def resume(obj: ClockedModel, *, at: datetime.datetime) -> Changes:
    """The paused clock restarts at ``at`` with what was left."""
    if obj.clock_unit == ClockUnit.HOURS:
        due = _due(obj, ClockUnit.HOURS, at, obj.remaining_office_seconds or 0)
    else:
        unit = obj.clock_unit or ClockUnit.WORKING_DAYS
        due = _due(obj, unit, at, obj.remaining_working_days or 0)
    return {
        "due_at": due,
        "clock_paused_at": None,
        "remaining_working_days": None,
        "remaining_office_seconds": None,
    }


def extend(obj: ClockedModel, amount: int, *, at: datetime.datetime) -> Changes:
    """The running clock gets ``amount`` more of its own unit, counted from its deadline (from
    ``at`` when it has none); a breach flagged before is lifted, since the new deadline counts."""
    unit = obj.clock_unit or ClockUnit.WORKING_DAYS
    seconds_or_days = amount * 3600 if unit == ClockUnit.HOURS else amount
    return {"due_at": _due(obj, unit, obj.due_at or at, seconds_or_days), "breached_at": None}


def is_running(obj: ClockedModel) -> bool:
    return obj.due_at is not None and obj.clock_stopped_at is None


def is_paused(obj: ClockedModel) -> bool:
    return obj.clock_paused_at is not None and obj.clock_stopped_at is None


def stop(obj: ClockedModel, *, at: datetime.datetime) -> Changes:
    """The process finished: the clock stops for good (``breached_at`` stays, for reports)."""
    return {"clock_stopped_at": at, "clock_paused_at": None}


@dataclass
class SweepReport:
    breached: dict[str, int]
    steps: dict[str, dict[str, int]]
    failed: list[str]


def sweep(now: datetime.datetime | None = None, *, registry: SweepRegistry = sweeps) -> SweepReport:
    """Flag every newly breached row of every registered model, then run each model's own step.

    One UPDATE per model for the flags (indexed on ``due_at``); a failing step is logged and
    reported, and never stops the other models. Idempotent.
    """
    now = now or timezone.now()
    report = SweepReport(breached={}, steps={}, failed=[])
    for entry in registry.entries():
        try:
            report.breached[entry.label] = (
                entry.model._default_manager.filter(breached_condition(now))
                .filter(breached_at__isnull=True)
                .exclude(entry.skip)
                .update(breached_at=now)
            )
            if entry.step is not None:
                report.steps[entry.label] = entry.step(now)
        except Exception as error:
            logger.error("deadline sweep of %s failed: %s", entry.label, type(error).__name__)
            report.failed.append(entry.label)
    return report
