"""Complaints and consultations for the mobile app: submit, list one's own, read one, act on it.

Staff read the same complaints through the same selectors as the back office (scoped by the
policy; reads of the reporter recorded); the reporter acts with the ``reporter`` actor kind.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from mpp.api.auth import ApiRequest, BearerToken
from mpp.api.problems import Problem, ProblemOut
from mpp.api.types import Degrees, Id
from mpp.catalog.models import Service
from mpp.complaints import selectors, services
from mpp.complaints.models import About, Category, Complaint, Kind
from mpp.parsing import LARGEST_INTEGER
from mpp.tenancy.models import MPP, Agency
from mpp.workflows.errors import ActorNotAllowed, WorkflowError

router = Router(tags=["pengaduan"])
bearer = BearerToken()


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
    mpp: str
    agency: str | None
    is_anonymous: bool
    is_confidential: bool
    submitted_at: datetime.datetime
    due_at: datetime.datetime | None
    reply_until: datetime.datetime | None
    reporter: str = Field(
        description="pelapor sebagaimana boleh Anda lihat: nama lengkap (pelapor sendiri, petugas "
        "pengaduan, instansi yang menangani), inisial (pengelola MPP, admin kabupaten/kota), "
        "atau 'Anonim', 'Dirahasiakan', 'Tidak ditampilkan'"
    )
    follow_url: str | None = Field(description="tautan untuk mengikuti (hanya untuk pelapor)")
    messages: list[MessageOut]


class ActionIn(Schema):
    action: str
    version: int = Field(ge=0, le=LARGEST_INTEGER)
    note: str = ""
    agency: Id | None = None


def _out(request: ApiRequest, complaint: Complaint) -> dict[str, Any]:
    own = complaint.reporter_id == request.user.pk
    shown = selectors.reporter_for(request.user, complaint, channel="api").label
    return {
        "tracking_number": complaint.tracking_number,
        "kind": complaint.kind,
        "status": complaint.status,
        "title": complaint.title,
        "text": complaint.text,
        "mpp": complaint.mpp.name,
        "agency": complaint.agency.name if complaint.agency else None,
        "is_anonymous": complaint.is_anonymous,
        "is_confidential": complaint.is_confidential,
        "submitted_at": complaint.submitted_at,
        "due_at": complaint.due_at,
        "reply_until": complaint.reply_until,
        "reporter": shown,
        "follow_url": f"/pengaduan/lacak/{complaint.follow_token}/" if own else None,
        "messages": [
            {"author_kind": m.author_kind, "text": m.text, "at": m.at}
            for m in complaint.messages.all()
        ],
    }


def _find(request: ApiRequest, tracking_number: str) -> tuple[Complaint, bool]:
    own = selectors.complaints_of(request.user).filter(tracking_number=tracking_number).first()
    if own is not None:
        return own, False
    if selectors.is_complaint_staff(request.user):
        row = (
            selectors.complaints_for_staff(request.user)
            .filter(tracking_number=tracking_number)
            .first()
        )
        if row is not None:
            return row, True
    raise Problem(404, _("Pengaduan tidak ditemukan."))


@router.post(
    "/complaints",
    auth=bearer,
    response={201: ComplaintOut, 404: ProblemOut, 422: ProblemOut},
    summary="Menyampaikan pengaduan atau konsultasi",
)
def create_complaint(request: ApiRequest, payload: ComplaintIn) -> tuple[int, dict[str, Any]]:
    mpp = MPP.objects.filter(pk=payload.mpp, is_active=True).first()
    if mpp is None:
        raise Problem(422, _("Data tidak valid."), errors={"mpp": [_("MPP tidak dikenal.")]})
    data = services.Submission(
        kind=payload.kind,
        about=payload.about,
        title=payload.title,
        text=payload.text,
        mpp=mpp,
        agency=Agency.objects.filter(pk=payload.agency).first() if payload.agency else None,
        service=Service.objects.published().filter(pk=payload.service).first()
        if payload.service
        else None,
        category=Category.objects.filter(code=payload.category).order_by("region").first()
        if payload.category
        else None,
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
    return 201, _out(request, complaint)


@router.get(
    "/complaints",
    auth=bearer,
    response={200: list[ComplaintOut]},
    summary="Pengaduan saya (paling banyak 100 terbaru)",
)
def my_complaints(request: ApiRequest) -> list[dict[str, Any]]:
    rows = selectors.complaints_of(request.user).prefetch_related("messages")[:100]
    return [_out(request, c) for c in rows]


@router.get(
    "/complaints/{tracking_number}",
    auth=bearer,
    response={200: ComplaintOut, 404: ProblemOut},
    summary="Satu pengaduan (pelapor, atau petugas yang berwenang)",
)
def complaint_detail(request: ApiRequest, tracking_number: str) -> dict[str, Any]:
    complaint, _staff = _find(request, tracking_number)
    return _out(request, complaint)


@router.post(
    "/complaints/{tracking_number}/actions",
    auth=bearer,
    response={200: ComplaintOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut},
    summary="Tindakan pada pengaduan (verifikasi, tanggapan, balasan pelapor, ...)",
)
def complaint_action(
    request: ApiRequest, tracking_number: str, payload: ActionIn
) -> dict[str, Any]:
    complaint, _staff = _find(request, tracking_number)
    if payload.version != complaint.version:
        raise Problem(409, _("Pengaduan ini baru saja diubah; muat ulang."))
    agency = Agency.objects.filter(pk=payload.agency).first() if payload.agency else None
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
