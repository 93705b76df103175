"""Monitoring and evaluation: the compliance matrix and national totals of a reporting period."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Router, Schema

from mpp.api.auth import ApiRequest, BearerToken
from mpp.api.problems import Problem, ProblemOut
from mpp.api.types import Id
from mpp.monitoring import selectors

router = Router(tags=["monitoring"])
bearer = BearerToken()


class MatrixRow(Schema):
    report_id: int
    region_code: str
    region_name: str
    status: str
    late: bool
    missing: bool
    items: dict[str, bool]
    population_applicants: int | None
    health_applicants: int | None
    population_processed: int | None
    health_permits_issued: int | None
    score: float | None
    category: str


class Totals(Schema):
    population_applicants: int
    health_applicants: int
    population_processed: int
    health_permits_issued: int
    loci: int
    submitted: int
    accepted: int
    returned: int
    draft: int
    late: int


class MatrixOut(Schema):
    period_id: int
    name: str
    deadline: datetime.date
    totals: Totals | None
    rows: list[MatrixRow]


@router.get(
    "/monitoring/periods/{period_id}/matrix",
    auth=bearer,
    response={200: MatrixOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut},
    summary="Matriks kepatuhan dan total nasional satu periode laporan",
)
def period_matrix(request: ApiRequest, period_id: Id) -> dict[str, Any]:
    user = request.auth
    if not selectors.may_view(user):
        raise Problem(403, _("Anda tidak memiliki peran untuk monitoring dan evaluasi."))
    period = selectors.period_for(user, period_id)
    if period is None:
        raise Problem(404, _("Periode laporan tidak ditemukan."))
    ministry = selectors.is_ministry(user)
    rows = selectors.matrix(period, None if ministry else selectors.reports_for(user))
    totals = None
    if ministry:
        raw = selectors.national_totals(period)
        totals = {key: raw[key] or 0 for key in Totals.model_fields}
    return {
        "period_id": period.pk,
        "name": period.name,
        "deadline": period.deadline,
        "totals": totals,
        "rows": [
            {
                "report_id": row["id"],
                "region_code": row["region_id"],
                "region_name": row["region__name"],
                "status": row["status"],
                "late": row["is_late"],
                "missing": row["missing"],
                "items": {str(item): filled for item, filled in row["items"]},
                "population_applicants": row["population_applicants"],
                "health_applicants": row["health_applicants"],
                "population_processed": row["population_processed"],
                "health_permits_issued": row["health_permits_issued"],
                "score": float(row["score"]) if row["score"] is not None else None,
                "category": row["category"],
            }
            for row in rows
        ],
    }
