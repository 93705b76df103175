"""What follows a monitoring report's committed transition: telling the locus it was returned.

Registered in :meth:`mpp.monitoring.apps.MonitoringConfig.ready`. Run after the commit by the
workflow engine; a failing hook is recorded and retried by
:func:`mpp.workflows.services.retry_failed_hooks`, and is idempotent (a person already told of this
return is not told again).
"""

from __future__ import annotations

from mpp.monitoring.models import LocusReport
from mpp.monitoring.services import tell_locus
from mpp.monitoring.workflow import MONITORING_REPORT
from mpp.workflows.hooks import HookRegistry, hooks
from mpp.workflows.models import TransitionRecord


def tell_locus_returned(report: LocusReport, record: TransitionRecord) -> None:
    """The people of the locus read the ministry's note and a link to the report."""
    tell_locus(
        report,
        "monitoring.returned",
        {
            "period_name": report.period.name,
            "region_name": report.region.name,
            "note": record.note,
        },
        since=record.at,
    )


def register(registry: HookRegistry = hooks) -> None:
    registry.register(MONITORING_REPORT.name, tell_locus_returned, action="return")
