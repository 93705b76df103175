"""Complaints and consultations for the mobile app: submit, list one's own, read one, act on it.

Staff read the same complaints through the same selectors as the back office (scoped by the
policy; reads of the reporter recorded); the reporter acts with the ``reporter`` actor kind.
"""

from __future__ import annotations

import datetime

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from mpp.api.auth import BearerRequest, bearer
from mpp.api.paging import PageOut, PageParams, queryset_page
from mpp.api.problems import Problem, ProblemOut
from mpp.api.types import Degrees, Id
from mpp.complaints import selectors, services
from mpp.complaints.models import About, Complaint, Kind, Message
from mpp.parsing import LARGEST_INTEGER
from mpp.workflows.errors import ActorNotAllowed, WorkflowError

router = Router(tags=["pengaduan"])


class ComplaintIn(Schema):
    kind: Kind
    about: About
    mpp: Id
    agency: Id | None = None
    service: Id | None = None
    category: str | None = Field(default=None, description="kode kategori (Open311 service_code)")
    application_reference: str = ""
    title: str = Field(max_length=200)
    text: str = Field(description="paling banyak 4.000 karakter")
    address: str = Field(default="", max_length=300)
    latitude: Degrees | None = None
    longitude: Degrees | None = None
    is_anonymous: bool = False
    is_confidential: bool = False


class MessageOut(Schema):
    author_kind: str
    text: str
    at: datetime.datetime


class ComplaintOut(Schema):
    tracking_number: str
    kind: str
    status: str
    title: str
    text: str
    mpp: str = Field(alias="mpp.name")
    agency: str | None
    is_anonymous: bool
    is_confidential: bool
    submitted_at: datetime.datetime
    due_at: datetime.datetime | None
    reply_until: datetime.datetime | None
    reporter: str = Field(
        alias="reporter_shown",
        description="pelapor sebagaimana boleh Anda lihat: nama lengkap (pelapor sendiri, petugas "
        "pengaduan, instansi yang menangani), inisial (pengelola MPP, admin kabupaten/kota), "
        "atau 'Anonim', 'Dirahasiakan', 'Tidak ditampilkan'",
    )
    follow_url: str | None = Field(description="tautan untuk mengikuti (hanya untuk pelapor)")
    messages: list[MessageOut]

    @staticmethod
    def resolve_agency(complaint: Complaint) -> str | None:
        return complaint.agency.name if complaint.agency else None

    @staticmethod
    def resolve_messages(complaint: Complaint) -> list[Message]:
        return list(complaint.messages.all())


class ComplaintPage(PageOut):
    items: list[ComplaintOut]


class ActionIn(Schema):
    action: str
    version: int = Field(ge=0, le=LARGEST_INTEGER)
    note: str = ""
    agency: Id | None = None


def _out(request: BearerRequest, complaint: Complaint) -> Complaint:
    return selectors.api_view(request.user, complaint)


def _find(request: BearerRequest, tracking_number: str) -> Complaint:
    complaint = selectors.api_complaint(request.user, tracking_number)
    if complaint is None:
        raise Problem(404, _("Pengaduan tidak ditemukan."))
    return complaint


@router.post(
    "/complaints",
    auth=bearer,
    response={201: ComplaintOut, 404: ProblemOut, 422: ProblemOut},
    summary="Menyampaikan pengaduan atau konsultasi",
)
def create_complaint(request: BearerRequest, payload: ComplaintIn) -> Status[Complaint]:
    places = selectors.submission_places(
        mpp=payload.mpp, agency=payload.agency, service=payload.service
    )
    mpp = places["mpp"]
    if mpp is None:
        raise Problem(422, _("Data tidak valid."), errors={"mpp": [_("MPP tidak dikenal.")]})
    category = None
    if payload.category:
        category = selectors.category_for(mpp.region_id, payload.category)
        if category is None:
            message = _("Kategori ini tidak berlaku di kabupaten/kota MPP yang Anda pilih.")
            raise Problem(422, _("Data tidak valid."), message, errors={"category": [message]})
    data = services.Submission(
        kind=payload.kind,
        about=payload.about,
        title=payload.title,
        text=payload.text,
        **places,
        category=category,
        application_reference=payload.application_reference,
        address=payload.address,
        latitude=payload.latitude,
        longitude=payload.longitude,
        is_anonymous=payload.is_anonymous,
        is_confidential=payload.is_confidential,
    )
    try:
        complaint = services.submit_complaint(data, reporter=request.user, channel="api")
    except services.ComplaintError as error:
        raise Problem(422, _("Data tidak valid."), error.message, errors=error.errors) from None
    return Status(201, _out(request, complaint))


@router.get(
    "/complaints",
    auth=bearer,
    response={200: ComplaintPage, 400: ProblemOut},
    summary="Pengaduan saya, terbaru dahulu",
)
def my_complaints(
    request: BearerRequest, response: HttpResponse, paging: Query[PageParams]
) -> ComplaintPage:
    return queryset_page(
        ComplaintPage,
        request,
        selectors.complaints_for_api(request.user),
        paging,
        order=selectors.API_ORDER,
        response=response,
        load=lambda rows: [_out(request, complaint) for complaint in rows],
    )


@router.get(
    "/complaints/{tracking_number}",
    auth=bearer,
    response={200: ComplaintOut, 404: ProblemOut},
    summary="Satu pengaduan (pelapor, atau petugas yang berwenang)",
)
def complaint_detail(request: BearerRequest, tracking_number: str) -> Complaint:
    return _out(request, _find(request, tracking_number))


@router.post(
    "/complaints/{tracking_number}/actions",
    auth=bearer,
    response={200: ComplaintOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut},
    summary="Tindakan pada pengaduan (verifikasi, tanggapan, balasan pelapor, ...)",
)
def complaint_action(request: BearerRequest, tracking_number: str, payload: ActionIn) -> Complaint:
    complaint = _find(request, tracking_number)
    if payload.version != complaint.version:
        raise Problem(409, _("Pengaduan ini baru saja diubah; muat ulang."))
    agency = selectors.agency_by_id(payload.agency)
    try:
        services.take_action(
            complaint,
            payload.action,
            user=request.user,
            kinds=selectors.actor_kinds(request.user, complaint),
            note=payload.note,
            agency=agency,
        )
    except services.ComplaintError as error:
        raise Problem(422, _("Data tidak valid."), error.message, errors=error.errors) from None
    except ActorNotAllowed as error:
        raise Problem(403, str(error)) from None
    except WorkflowError as error:
        raise Problem(409, str(error)) from None
    except Http404:
        raise Problem(404, _("Pengaduan tidak ditemukan.")) from None
    return _out(request, complaint)
