"""Open data API: the public, anonymous monthly per-service figures of one MPP (CC BY 4.0)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from mpp.api.problems import Problem, ProblemOut
from mpp.api.types import Id
from mpp.reporting import opendata

router = Router(tags=["data terbuka"])


class LicenceOut(Schema):
    name: str
    url: str
    attribution: str


class MonthlyRowOut(Schema):
    bulan: str
    kode_kabupaten_kota: str
    mpp: str
    instansi: str
    layanan: str
    diterima: int
    diputus: int
    tepat_waktu: int
    terlambat: int
    persen_tepat_waktu: float | None


class OpenDataOut(Schema):
    mpp_id: int
    mpp: str
    licence: LicenceOut
    rows: list[MonthlyRowOut]


@router.get(
    "/open-data/mpps/{mpp_id}",
    response={200: OpenDataOut, 404: ProblemOut},
    summary="Data terbuka kinerja satu MPP per bulan dan per layanan",
)
def open_data_mpp(request: HttpRequest, mpp_id: Id) -> OpenDataOut:
    try:
        mpp = opendata.mpp_or_404(mpp_id)
    except Http404 as error:
        raise Problem(404, _("MPP tidak ditemukan.")) from error
    return OpenDataOut.model_validate(
        {
            "mpp_id": mpp.pk,
            "mpp": mpp.name,
            "licence": opendata.LICENCE,
            "rows": opendata.monthly_rows(mpp),
        }
    )
