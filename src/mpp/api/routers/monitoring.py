"""Monitoring and evaluation: the compliance matrix and national totals of a reporting period."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field, field_validator

from mpp.api.auth import BearerRequest, bearer
from mpp.api.problems import Problem, ProblemOut
from mpp.api.types import Id
from mpp.monitoring import selectors

router = Router(tags=["monitoring"])


class MatrixRow(Schema):
    """A row of :func:`mpp.monitoring.selectors.matrix`."""

    report_id: int = Field(alias="id")
    region_code: str = Field(alias="region_id")
    region_name: str = Field(alias="region__name")
    status: str
    late: bool = Field(alias="is_late")
    missing: bool
    items: dict[str, bool]
    population_applicants: int | None
    health_applicants: int | None
    population_processed: int | None
    health_permits_issued: int | None
    score: float | None
    category: str

    @field_validator("items", mode="before")
    @classmethod
    def _items(cls, items: Iterable[tuple[object, bool]]) -> dict[str, bool]:
        return {str(item): filled for item, filled in items}


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

    @field_validator("*", mode="before")
    @classmethod
    def _none_is_zero(cls, value: Any) -> Any:
        return value or 0


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
def period_matrix(request: BearerRequest, period_id: Id) -> MatrixOut:
    user = request.auth
    if not selectors.may_view(user):
        raise Problem(403, _("Anda tidak memiliki peran untuk monitoring dan evaluasi."))
    period = selectors.period_for(user, period_id)
    if period is None:
        raise Problem(404, _("Periode laporan tidak ditemukan."))
    ministry = selectors.is_ministry(user)
    # The schema reads the selectors' rows once (a row already read is not read again).
    return MatrixOut.model_validate(
        {
            "period_id": period.pk,
            "name": period.name,
            "deadline": period.deadline,
            "totals": selectors.national_totals(period) if ministry else None,
            "rows": selectors.matrix(period, None if ministry else selectors.reports_for(user)),
        }
    )
