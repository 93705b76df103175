"""SKM: responses from kiosks and the mobile app, and the IKM of any unit and period."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.security import HttpBearer
from pydantic import Field

from mpp.accounts.models import User
from mpp.api.auth import BearerRequest, bearer
from mpp.api.paging import PageOut, PageParams, list_page
from mpp.api.problems import Problem, ProblemOut
from mpp.audit.services import client_ip
from mpp.devices import auth as device_auth
from mpp.devices.models import DeviceKind
from mpp.devices.services import BEARER_PREFIXES
from mpp.surveys import selectors, services
from mpp.surveys.models import Channel, KioskDevice, Response
from mpp.surveys.selectors import ElementResult, IkmResult, OfficerResult
from mpp.surveys.services import KioskRefused, Submission, SurveyError
from mpp.surveys.units import BadUnit, Unit, parse_unit

router = Router(tags=["skm"])


@dataclass
class KioskCaller:
    """A kiosk device token (or the reason it no longer works)."""

    device: KioskDevice | None
    problem: str = ""


class UserOrKiosk(HttpBearer):
    """``Authorization: Bearer <token>``: a citizen's API token, or an SKM kiosk's device token
    (``mppd_``, or ``skmk_`` for the tokens issued before; recognised by ``mpp.devices.auth``,
    once per request: the rate-limit middleware asked the same)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | KioskCaller | None:
        if token.startswith(BEARER_PREFIXES):
            found = device_auth.recognise(request, DeviceKind.SKM_KIOSK)
            if found.device is not None:
                return KioskCaller(found.device.skm_kiosk)
            if found.problem is not None and found.problem.code == "revoked":
                return KioskCaller(None, found.problem.message)
            return None
        return bearer.authenticate(request, token)


class UserOrKioskRequest(HttpRequest):
    """The request of an operation behind :class:`UserOrKiosk`, for the type checker."""

    auth: User | KioskCaller


class ResponseIn(Schema):
    invitation: int | None = Field(
        default=None,
        ge=1,
        le=2**62,
        description="Undangan warga (aplikasi seluler); kosong untuk kios",
    )
    service: int | None = Field(
        default=None,
        ge=1,
        le=2**62,
        description="Layanan yang dinilai di kios (bawaan: layanan perangkat)",
    )
    answers: dict[str, int] = Field(description='Jawaban per unsur, 1 sampai 4: {"U1": 4, ...}')
    suggestion: str = Field(default="", max_length=2000)
    age_band: str = Field(default="", max_length=8)
    sex: str = Field(default="", max_length=1)
    education: str = Field(default="", max_length=8)
    occupation: str = Field(default="", max_length=12)


class ResponseOut(Schema):
    id: int
    channel: str
    answered_at: datetime.datetime


class ElementOut(Schema):
    code: str
    name: str
    nrr: float | None = Field(
        description="Nilai rata-rata unsur (tanpa pembulatan); null bila tanpa jawaban"
    )
    weight: float = Field(description="Bobot tepat (mis. 1/9 = 0,111…)")

    @staticmethod
    def resolve_nrr(element: ElementResult) -> float | None:
        return None if element.nrr is None else float(element.nrr)

    @staticmethod
    def resolve_weight(element: ElementResult) -> float:
        return float(element.weight)


class IkmOut(Schema):
    respondents: int
    population: int = Field(description="Transaksi selesai unit pada periode")
    required_sample: int | None = Field(
        description="Sampel minimal Krejcie dan Morgan; null bila populasi belum diketahui (0)"
    )
    sample_adequate: bool
    sample_status: str = Field(
        description=(
            "adequate (cukup), short (kurang dari sampel minimal), unknown_population (populasi "
            "0/belum tercatat), anomaly (responden melebihi populasi: periksa pencatatan)"
        )
    )
    elements: list[ElementOut]
    ikm: float | None = Field(
        description="Indeks (skala 1–4) dengan bobot tepat; null bila belum tersedia"
    )
    ikm_converted: float | None = Field(description="IKM × 25")
    mutu: str | None
    kinerja: str | None

    @staticmethod
    def resolve_ikm(result: IkmResult) -> float | None:
        return None if result.ikm is None else float(result.ikm)

    @staticmethod
    def resolve_ikm_converted(result: IkmResult) -> float | None:
        return None if result.converted is None else float(result.converted)

    @staticmethod
    def resolve_mutu(result: IkmResult) -> str | None:
        return result.band.mutu if result.band else None

    @staticmethod
    def resolve_kinerja(result: IkmResult) -> str | None:
        return result.band.kinerja if result.band else None


class IkmQuery(Schema):
    unit: str = Field(
        max_length=40,
        description="service:<id>, agency:<id>[@<mpp>], mpp:<id>, region:<kode>, national",
    )
    start: datetime.date
    end: datetime.date


class OfficerOut(Schema):
    officer_id: int
    name: str
    respondents: int
    nrr: float = Field(description="NRR unsur U7 (perilaku pelaksana)")

    @staticmethod
    def resolve_nrr(row: OfficerResult) -> float:
        return float(row.nrr)


class OfficerPage(PageOut):
    items: list[OfficerOut]


class OfficerQuery(IkmQuery, PageParams):
    pass


def _problem(error: SurveyError) -> Problem:
    if isinstance(error, KioskRefused) and error.code == "too_soon":
        return Problem(
            429,
            error.message,
            type_="urn:mpp:problem:kiosk_too_soon",
            headers={"Retry-After": str(error.retry_after)},
        )
    if isinstance(error, KioskRefused):
        return Problem(403, error.message, type_="urn:mpp:problem:kiosk_network")
    if error.code == "not_found":
        return Problem(404, _("Undangan survei tidak ditemukan."), error.message)
    if error.code in ("used", "expired"):
        return Problem(409, error.message, type_=f"urn:mpp:problem:survey_{error.code}")
    if error.code == "revoked":
        return Problem(403, error.message, type_="urn:mpp:problem:kiosk_revoked")
    return Problem(422, _("Jawaban survei belum lengkap atau tidak sah."), errors=error.errors)


@router.post(
    "/skm/responses",
    auth=UserOrKiosk(),
    response={
        201: ResponseOut,
        403: ProblemOut,
        404: ProblemOut,
        409: ProblemOut,
        422: ProblemOut,
        429: ProblemOut,
    },
    summary="Kirim jawaban SKM (kios dengan token perangkat, atau warga dengan undangannya)",
    description=(
        "Kios: satu jawaban per jeda perangkat (bawaan 20 detik); terlalu cepat dijawab 429 "
        "`urn:mpp:problem:kiosk_too_soon` dengan Retry-After. Perangkat yang terikat ke "
        "jaringan MPP menolak alamat lain dengan 403 `urn:mpp:problem:kiosk_network`."
    ),
)
def submit_response(request: UserOrKioskRequest, payload: ResponseIn) -> Status[Response]:
    caller = request.auth
    submission = Submission(
        answers=payload.answers,
        suggestion=payload.suggestion,
        profile={
            "age_band": payload.age_band,
            "sex": payload.sex,
            "education": payload.education,
            "occupation": payload.occupation,
        },
    )
    try:
        if isinstance(caller, KioskCaller):
            if caller.device is None:
                raise Problem(403, caller.problem, type_="urn:mpp:problem:kiosk_revoked")
            service = None
            if payload.service is not None:
                service = selectors.service_for_kiosk(payload.service)
                if service is None:
                    raise Problem(
                        422,
                        _("Layanan tidak ditemukan."),
                        errors={"service": [_("Layanan tidak ditemukan.")]},
                    )
            response = services.submit_at_kiosk(
                caller.device, submission, service=service, client_ip=client_ip(request)
            )
        else:
            if payload.invitation is None:
                raise Problem(
                    422,
                    _("Sebutkan undangan survei Anda."),
                    errors={"invitation": [_("Wajib diisi untuk warga.")]},
                )
            invitation = selectors.invitation_of(caller, payload.invitation)
            if invitation is None:
                raise Problem(404, _("Undangan survei tidak ditemukan."))
            response = services.submit_for_invitation(invitation, submission, channel=Channel.APP)
    except SurveyError as error:
        raise _problem(error) from None
    return Status(201, response)


T = TypeVar("T")


def _of_unit(
    request: BearerRequest,
    filters: IkmQuery,
    read: Callable[[User, Unit, datetime.date, datetime.date], T | None],
) -> T:
    """What ``read`` answers for the unit and period of ``filters``: 422 for a unit or period
    that cannot be, 404 for a unit that does not exist or that the caller may not read."""
    try:
        unit = parse_unit(filters.unit)
    except BadUnit as error:
        raise Problem(422, str(error), errors={"unit": [str(error)]}) from None
    if filters.end < filters.start:
        message = _("Tanggal akhir tidak boleh sebelum tanggal awal.")
        raise Problem(422, message, errors={"end": [message]})
    try:
        result = read(request.auth, unit, filters.start, filters.end)
    except BadUnit:
        result = None
    if result is None:
        raise Problem(404, _("Unit tidak ditemukan."))
    return result


@router.get(
    "/skm/ikm",
    auth=bearer,
    response={200: IkmOut, 404: ProblemOut, 422: ProblemOut},
    summary="IKM sebuah unit dan periode (nilai tanpa pembulatan)",
)
def read_ikm(request: BearerRequest, filters: Query[IkmQuery]) -> IkmResult:
    return _of_unit(request, filters, selectors.ikm_for)


@router.get(
    "/skm/ikm/officers",
    auth=bearer,
    response={200: OfficerPage, 400: ProblemOut, 404: ProblemOut, 422: ProblemOut},
    summary="Unsur U7 per petugas (admin instansi dan pengelola MPP), menurut nama",
)
def read_officers(
    request: BearerRequest, response: HttpResponse, filters: Query[OfficerQuery]
) -> OfficerPage:
    rows = _of_unit(request, filters, selectors.officers_of)
    return list_page(
        OfficerPage,
        request,
        rows,
        filters,
        key=lambda row: (row.name, row.officer_id),
        response=response,
    )
