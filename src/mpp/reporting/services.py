"""Writes of the reporting app: snapshots and the recompute of daily facts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from mpp.regions.localtime import NATIONAL_ZONE
from mpp.reporting import facts

# The first zone to start a day and the last to end it (WIT is UTC+9, WIB UTC+7).
LAST_ZONE = NATIONAL_ZONE


def snapshot_day(day: datetime.date, now: datetime.datetime | None = None) -> int:
    """Store every source's snapshot of ``day`` (as of ``now`` when the day has not ended)."""
    now = now or timezone.now()
    written = 0
    for source in facts.registry.sources():
        metrics = source.snapshot_metrics()
        if not metrics:
            continue
        values = source.snapshot(day, now=now)
        facts.put(day, day, metrics, values)
        written += len(values)
    return written


def snapshot_recent(now: datetime.datetime | None = None) -> int:
    """Yesterday's final snapshot and today's so far (the day as WIB counts it)."""
    now = now or timezone.now()
    today = now.astimezone(LAST_ZONE).date()
    return snapshot_day(today - datetime.timedelta(days=1), now) + snapshot_day(today, now)


def last_finished_day(now: datetime.datetime | None = None) -> datetime.date:
    """The last day that has ended in every zone of Indonesia."""
    now = now or timezone.now()
    return now.astimezone(LAST_ZONE).date() - datetime.timedelta(days=1)


@dataclass
class RecomputeReport:
    differences: list[facts.Difference]
    checked_metrics: int
    fixed: bool


def recompute(
    start: datetime.date,
    end: datetime.date,
    *,
    fix: bool = False,
    sources: list[str] | None = None,
    now: datetime.datetime | None = None,
) -> RecomputeReport:
    """Recompute ``start``..``end`` from the source rows and compare with the stored facts.

    Snapshot metrics are compared for days that have ended everywhere (a snapshot of today changes
    all day). With ``fix`` the stored facts of the range are replaced by the recomputed ones.
    """
    chosen = [s for s in facts.registry.sources() if sources is None or s.name in sources]
    differences: list[facts.Difference] = []
    checked = 0
    finished = last_finished_day(now)
    for source in chosen:
        counted = source.counted_metrics()
        if counted:
            expected = source.recompute(start, end)
            stored = facts.read(start, end, counted)
            found = facts.diff(stored, expected)
            differences += found
            checked += len(counted)
            if fix and found:
                facts.put(start, end, counted, expected)
        snapshots = source.snapshot_metrics()
        day = start
        while snapshots and day <= min(end, finished):
            expected = source.snapshot(day, now=now)
            stored = facts.read(day, day, snapshots)
            found = facts.diff(stored, expected)
            differences += found
            if fix and found:
                facts.put(day, day, snapshots, expected)
            day += datetime.timedelta(days=1)
        checked += len(snapshots)
    return RecomputeReport(differences, checked, fix)
