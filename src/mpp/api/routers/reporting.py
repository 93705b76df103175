"""Open data API: the public, anonymous monthly per-service figures of one MPP (CC BY 4.0)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from mpp.api.problems import Problem, ProblemOut
from mpp.api.types import Id
from mpp.reporting import opendata
from mpp.tenancy.models import MPP

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
    return OpenDataOut.model_validate(_data_set(mpp_id, opendata.monthly_rows))


def _data_set(mpp_id: int, rows: Callable[[MPP], list[dict[str, Any]]]) -> dict[str, object]:
    """One published MPP's data set with its licence, or a 404 problem."""
    try:
        mpp = opendata.mpp_or_404(mpp_id)
    except Http404 as error:
        raise Problem(404, _("MPP tidak ditemukan.")) from error
    return {"mpp_id": mpp.pk, "mpp": mpp.name, "licence": opendata.LICENCE, "rows": rows(mpp)}


class CommunityRowOut(Schema):
    bulan: str
    kode_kabupaten_kota: str
    mpp: str
    kegiatan_diselenggarakan: int
    pendaftaran_kegiatan: int
    peserta_hadir: int
    peminjaman_ruang_disetujui: int
    kelompok_masyarakat_baru: int


class CommunityDataOut(Schema):
    mpp_id: int
    mpp: str
    licence: LicenceOut
    rows: list[CommunityRowOut]


@router.get(
    "/open-data/mpps/{mpp_id}/community",
    response={200: CommunityDataOut, 404: ProblemOut},
    summary="Data terbuka keterlibatan warga satu MPP per bulan (kegiatan dan peminjaman ruang)",
)
def open_data_mpp_community(request: HttpRequest, mpp_id: Id) -> CommunityDataOut:
    return CommunityDataOut.model_validate(_data_set(mpp_id, opendata.community_rows))
