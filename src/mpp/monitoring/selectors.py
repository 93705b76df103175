"""Reads of monitoring, scoped to the viewer. The matrix and totals read report rows only."""

from __future__ import annotations

import datetime

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet, Sum
from django.utils import timezone

from mpp.accounts.policy import Perm, can, has_any, scope_filter_any
from mpp.monitoring.models import ITEMS, LocusReport, ReportingPeriod, is_late

VIEW_PERMS = (Perm.VIEW_MONITORING, Perm.SUBMIT_MONITORING, Perm.REVIEW_MONITORING)


def may_view(user) -> bool:
    return any(has_any(user, perm) for perm in VIEW_PERMS)


def is_ministry(user) -> bool:
    return can(user, Perm.VIEW_MONITORING) or can(user, Perm.REVIEW_MONITORING)


def reports_for(user) -> QuerySet[LocusReport]:
    return LocusReport.objects.filter(
        scope_filter_any(user, VIEW_PERMS, agency=None, mpp="region__mpps__id", region="region_id")
    ).distinct()


def report_for(user, pk: int) -> LocusReport | None:
    return (
        reports_for(user)
        .filter(pk=pk)
        .select_related("period", "region", "region__province", "decree")
        .first()
    )


def periods_for(user) -> QuerySet[ReportingPeriod]:
    if is_ministry(user):
        return ReportingPeriod.objects.all()
    return ReportingPeriod.objects.filter(reports__in=reports_for(user)).distinct()


def period_for(user, pk: int) -> ReportingPeriod | None:
    return periods_for(user).filter(pk=pk).first()


def flags(report: LocusReport, now: datetime.datetime | None = None) -> dict[str, bool]:
    """late: sent after the deadline; missing: deadline passed and nothing sent (yet). Both by
    :func:`~mpp.monitoring.models.is_late`, in the locus's own day."""
    now = now or timezone.now()
    return {
        "late": report.is_late,
        "missing": report.first_submitted_at is None and report.late(now),
    }


MATRIX_FIELDS = (
    "id", "region_id", "region__name", "status", "decree_id", "computed_at", "is_late",
    "first_submitted_at", "due_at", "score", "category", "population_applicants", "health_applicants",
    "population_processed", "health_permits_issued", "has_5", "has_6", "has_7", "has_8",
)  # fmt: skip
# Items 5–8 are answered when their text is not blank: decided in SQL, so the matrix never
# transfers the texts themselves.
_TEXT_ITEMS = {
    "has_5": "acceleration_efforts",
    "has_6": "ikd_sisdmk_efforts",
    "has_7": "obstacles",
    "has_8": "suggestions",
}


def _answered(field: str) -> ExpressionWrapper:
    # services strip the texts when they store them, so blank means empty
    return ExpressionWrapper(~Q(**{field: ""}), output_field=BooleanField())


def matrix(
    period: ReportingPeriod,
    reports: QuerySet[LocusReport] | None = None,
    now: datetime.datetime | None = None,
) -> list[dict]:
    """One row per locus × item (filled or not), with status and flags, from the report rows."""
    rows = (reports if reports is not None else period.reports.all()).filter(period=period)
    now = now or timezone.now()
    out = []
    annotated = rows.annotate(**{key: _answered(field) for key, field in _TEXT_ITEMS.items()})
    for row in annotated.order_by("region__name").values(*MATRIX_FIELDS):
        computed = row["computed_at"] is not None
        filled = {
            1: row["decree_id"] is not None,
            2: computed,
            3: computed,
            4: computed,
            5: row["has_5"],
            6: row["has_6"],
            7: row["has_7"],
            8: row["has_8"],
        }
        out.append(
            {
                **row,
                "items": [(item, filled[item]) for item in period.items],
                "missing": row["first_submitted_at"] is None and is_late(row["due_at"], None, now),
            }
        )
    return out


def national_totals(period: ReportingPeriod) -> dict:
    """Sums of items 2–4 over submitted and accepted reports, and counts per status."""
    sent = Q(status__in=("submitted", "accepted"))
    return period.reports.aggregate(
        population_applicants=Sum("population_applicants", filter=sent),
        health_applicants=Sum("health_applicants", filter=sent),
        population_processed=Sum("population_processed", filter=sent),
        health_permits_issued=Sum("health_permits_issued", filter=sent),
        declared_population_applicants=Sum("declared_population_applicants", filter=sent),
        declared_health_applicants=Sum("declared_health_applicants", filter=sent),
        declared_population_processed=Sum("declared_population_processed", filter=sent),
        declared_health_permits_issued=Sum("declared_health_permits_issued", filter=sent),
        loci=Count("id"),
        submitted=Count("id", filter=Q(status="submitted")),
        accepted=Count("id", filter=Q(status="accepted")),
        returned=Count("id", filter=Q(status="returned")),
        draft=Count("id", filter=Q(status="draft")),
        late=Count("id", filter=Q(is_late=True)),
    )


def item_labels(period: ReportingPeriod) -> list[tuple[int, str]]:
    return [(item, str(ITEMS[item])) for item in period.items]
