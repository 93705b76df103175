"""Applications: create and fill a draft, attach files, submit, follow, and act on them."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpResponse
from django.http.request import RawPostDataException
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field, StrictBool, StrictFloat, StrictInt, StrictStr

from mpp.api.auth import ApiRequest, BearerToken
from mpp.api.problems import Problem, ProblemOut
from mpp.api.types import Id
from mpp.cases import selectors, services
from mpp.cases.models import Application, IdempotencyRecord
from mpp.cases.models import Status as AppStatus
from mpp.catalog.models import Service
from mpp.documents.gates import download_gates
from mpp.documents.services import SigningKeyMissing
from mpp.paging.keyset import MAX_CURSOR_LENGTH, BadCursor, keyset_page
from mpp.workflows.errors import (
    ActionNotAllowed,
    ActorNotAllowed,
    NoteRequired,
    StaleVersion,
    WorkflowError,
)
from mpp.workflows.services import available_actions

router = Router(tags=["permohonan"])
MAX_ID = 2**63 - 1  # the largest id a 64-bit column holds
bearer = BearerToken()
PAGE_SIZE = 25
STATUS_VALUES = ", ".join(f"`{value}`" for value in AppStatus.values)


# A form value as JSON carries it: text (also for numbers, dates and choices), a number, true or
# false, a list of texts for a multiple choice, or null. Objects are refused, and no value is ever
# turned into text by Python (which stored `{"$gt": ""}` as its repr).
FormValue = StrictStr | StrictInt | StrictFloat | StrictBool | list[StrictStr] | None


class ApplicationCreate(Schema):
    service: int = Field(description="id layanan (lihat katalog)")
    data: dict[str, FormValue] = Field(
        default_factory=dict, description="isian formulir, nama → nilai"
    )


class ApplicationPatch(Schema):
    data: dict[str, FormValue]


class DraftOut(Schema):
    id: int
    tracking_number: str
    status: str
    version: int


class ApplicationOut(Schema):
    id: int
    tracking_number: str
    service: int
    service_name: str
    service_version: int
    status: str
    version: int
    channel: str
    submitted_at: datetime.datetime | None
    due_at: datetime.datetime | None
    breached: bool
    remaining_working_days: int | None
    decided_at: datetime.datetime | None
    document_number: str | None


class HistoryOut(Schema):
    action: str
    from_state: str
    to_state: str
    at: datetime.datetime
    actor_kind: str
    note: str


class FileOut(Schema):
    id: int
    field: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime.datetime


class ApplicationDetailOut(ApplicationOut):
    data: dict[str, Any]
    files: list[FileOut]
    history: list[HistoryOut]
    actions: list[str] = Field(description="tindakan yang boleh Anda lakukan sekarang")


class SubmitOut(Schema):
    status: str
    submitted_at: datetime.datetime
    due_at: datetime.datetime


class ActionIn(Schema):
    action: str = Field(max_length=40, description="mis. `claim`, `request_revision`, `approve`")
    note: str = Field(default="", max_length=2000)
    version: int = Field(description="versi permohonan yang Anda lihat; beda → 409")
    assignee: int | None = Field(default=None, description="id petugas untuk `assign`")


def _summary(application: Application) -> dict[str, Any]:
    document = application.issued_document if application.issued_document_id else None
    return {
        "id": application.pk,
        "tracking_number": application.tracking_number,
        "service": application.service_id,
        "service_name": application.service_version.name,
        "service_version": application.service_version.number,
        "status": application.status,
        "version": application.version,
        "channel": application.channel,
        "submitted_at": application.submitted_at,
        "due_at": application.due_at,
        "breached": application.is_breached,
        "remaining_working_days": application.remaining_working_days,
        "decided_at": application.decided_at,
        "document_number": document.number if document else None,
    }


def _detail(user, application: Application) -> dict[str, Any]:
    """The detail; answers and files only for those who may see personal data (the read is logged)."""
    kinds = selectors.actor_kinds(user, application)
    personal = selectors.read_case(user, application, channel="api")
    return {
        **_summary(application),
        "data": application.data if personal else {},
        "files": selectors.current_documents(application) if personal else [],
        "history": selectors.history(application),
        "actions": [t.action for t in available_actions(application, kinds)],
    }


def _problem_from(error: Exception) -> Problem:
    if isinstance(error, services.ApplicationError):
        status = error.status or (422 if error.errors else 409)
        return Problem(status, error.message, errors=error.errors)
    if isinstance(error, NoteRequired):
        return Problem(422, error.message, errors={"note": [error.message]})
    if isinstance(error, ActorNotAllowed):  # a refusal by the policy, whatever the status
        return Problem(403, error.message, type_=f"urn:mpp:problem:{error.code}")
    if isinstance(error, StaleVersion | ActionNotAllowed):
        return Problem(409, error.message, type_=f"urn:mpp:problem:{error.code}")
    if isinstance(error, WorkflowError):
        return Problem(409, error.message)
    raise error


def _idempotent(request, scope: str, run):
    """Run ``run()`` once per (caller, scope, Idempotency-Key); a retry gets the first answer."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return Status(*run())
    if len(key) > 200:
        raise Problem(400, _("Idempotency-Key terlalu panjang (paling banyak 200 karakter)."))
    digest = _fingerprint(request)
    stored = IdempotencyRecord.objects.filter(user=request.user, scope=scope, key=key).first()
    if stored is not None:
        return _replay(stored, digest)
    try:
        with transaction.atomic():
            status, body = run()
            IdempotencyRecord.objects.create(
                user=request.user,
                scope=scope,
                key=key,
                request_digest=digest,
                status_code=status,
                body=body,
            )
    except IntegrityError:  # a concurrent retry with the same key won; answer with its result
        stored = IdempotencyRecord.objects.get(user=request.user, scope=scope, key=key)
        return _replay(stored, digest)
    return Status(status, body)


def _fingerprint(request) -> str:
    try:
        raw = request.body
    except RawPostDataException:  # a form body, already parsed by the edge checks
        raw = repr(sorted(request.POST.lists())).encode()
    return hashlib.sha256(raw).hexdigest()


def _replay(stored: IdempotencyRecord, digest: str):
    """The first answer again, unless the key is reused for a different request."""
    if stored.request_digest and stored.request_digest != digest:
        raise Problem(
            422,
            _("Idempotency-Key sudah dipakai untuk permintaan lain."),
            _("Gunakan kunci baru untuk setiap permintaan yang berbeda."),
            type_="urn:mpp:problem:idempotency-key-reused",
        )
    return Status(stored.status_code, stored.body)


def _json(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime.datetime) else v for k, v in value.items()}


@router.post(
    "/applications",
    auth=bearer,
    response={201: DraftOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut},
    summary="Membuat draf permohonan",
    description=(
        "Membuat draf untuk layanan `service` dengan versi standar yang berlaku. Isian `data` "
        "diperiksa per isian (422 dengan `errors`). Kirim header `Idempotency-Key` agar "
        "pengiriman ulang mengembalikan draf yang sama, bukan draf baru."
    ),
)
def create_application(request: ApiRequest, payload: ApplicationCreate):
    service = get_object_or_404(Service.objects.published(), pk=payload.service)

    def run():
        try:
            with transaction.atomic():
                application = services.start_application(applicant=request.user, service=service)
                if payload.data:
                    services.update_draft(
                        application, actor=request.user, data=payload.data, strict=True
                    )
        except services.ApplicationError as error:
            raise _problem_from(error) from None
        return 201, {
            "id": application.pk,
            "tracking_number": application.tracking_number,
            "status": application.status,
            "version": application.version,
        }

    return _idempotent(request, "create", run)


@router.patch(
    "/applications/{application_id}",
    auth=bearer,
    response={200: ApplicationDetailOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut},
    summary="Mengubah isian draf atau permohonan yang diminta perbaikan",
)
def patch_application(request: ApiRequest, application_id: Id, payload: ApplicationPatch):
    application = selectors.application_for_api(request.user, application_id)
    try:
        services.update_draft(application, actor=request.user, data=payload.data, strict=True)
    except services.ApplicationError as error:
        raise _problem_from(error) from None
    return _detail(request.user, application)


@router.post(
    "/applications/{application_id}/documents",
    auth=bearer,
    response={201: FileOut, 404: ProblemOut, 409: ProblemOut, 413: ProblemOut, 422: ProblemOut},
    summary="Melampirkan berkas untuk isian berkas",
    description="Multipart: `field` (nama isian berkas) dan `file`. Jenis berkas diperiksa dari isinya.",
)
def attach_document(
    request: ApiRequest, application_id: Id, field: Form[str], file: File[UploadedFile]
):
    application = selectors.application_for_api(request.user, application_id)
    try:
        document = services.attach_file(application, actor=request.user, field=field, upload=file)
    except services.ApplicationError as error:
        raise _problem_from(error) from None
    return Status(201, document)


@router.post(
    "/applications/{application_id}/submit",
    auth=bearer,
    response={200: SubmitOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut},
    summary="Mengajukan permohonan (atau mengirim perbaikan)",
    description=(
        "Memeriksa kelengkapan (422 per isian), lalu memulai penghitungan waktu: selesai paling "
        "lambat akhir hari kerja ke-N setelah tanggal pengajuan (zona waktu daerah). Header "
        "`Idempotency-Key` membuat pengiriman ulang mengembalikan hasil pertama."
    ),
)
def submit(request: ApiRequest, application_id: Id):
    application = selectors.application_for_api(request.user, application_id)

    def run():
        try:
            if application.status == "revision_requested":
                services.resubmit_application(application, actor=request.user)
            else:
                services.submit_application(application, actor=request.user)
        except (services.ApplicationError, WorkflowError) as error:
            raise _problem_from(error) from None
        return 200, _json(
            {
                "status": application.status,
                "submitted_at": application.submitted_at,
                "due_at": application.due_at,
            }
        )

    return _idempotent(request, f"submit:{application.pk}", run)


@router.get(
    "/applications",
    auth=bearer,
    response={200: list[ApplicationOut], 400: ProblemOut},
    summary="Daftar permohonan",
    description=(
        "Warga melihat permohonannya sendiri; petugas melihat juga permohonan unitnya (pengelola MPP dan admin daerah: tanpa isian dan berkas). Saring "
        f"dengan `status` ({STATUS_VALUES}), `service` (id) dan `breached`. 25 per halaman, "
        "batas waktu terdekat lebih dulu bagi petugas. Halaman berikutnya dan sebelumnya "
        'ditunjukkan oleh header `Link` (`rel="next"`, `rel="prev"`) dengan parameter '
        "`cursor`; tidak ada jumlah total."
    ),
)
def list_applications(
    request,
    response: HttpResponse,
    status: str | None = None,
    service: int | None = Query(None, ge=1, le=MAX_ID),
    breached: bool | None = None,
    cursor: str | None = Query(None, max_length=MAX_CURSOR_LENGTH),
):
    if selectors.is_staff_worker(request.user):
        rows = selectors.inbox(
            request.user,
            selectors.InboxFilters(status=status or "", service=service, breached=breached),
            own=True,
        )
        order = selectors.INBOX_ORDER
    else:
        rows = selectors.applications_of_citizen(request.user)
        order = selectors.CITIZEN_ORDER
        if status:
            rows = rows.filter(status=status)
        if service:
            rows = rows.filter(service_id=service)
        if breached is not None:
            rows = rows.breached() if breached else rows.not_breached()
    try:
        page = keyset_page(
            rows.select_related("issued_document"), order=order, cursor=cursor, size=PAGE_SIZE
        )
    except BadCursor:
        raise Problem(
            400,
            _("Kursor halaman tidak dikenal."),
            errors={"cursor": [_("Gunakan kursor dari header Link jawaban sebelumnya.")]},
        ) from None
    links = []
    for relation, value in (("next", page.next_cursor), ("prev", page.previous_cursor)):
        if value:
            query = request.GET.copy()
            query["cursor"] = value
            links.append(f'<{request.path}?{query.urlencode()}>; rel="{relation}"')
    if links:
        response["Link"] = ", ".join(links)
    return [_summary(row) for row in page.rows]


@router.get(
    "/applications/{application_id}",
    auth=bearer,
    response={200: ApplicationDetailOut, 404: ProblemOut},
    summary="Satu permohonan dengan riwayat, batas waktu, dan tindakan yang boleh Anda lakukan",
)
def get_application(request: ApiRequest, application_id: Id):
    application = selectors.application_for_api(request.user, application_id)
    return _detail(request.user, application)


@router.post(
    "/applications/{application_id}/actions",
    auth=bearer,
    response={200: ApplicationDetailOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut},
    summary="Melakukan tindakan pada permohonan",
    description=(
        "`version` wajib: bila permohonan sudah diubah orang lain, jawabannya 409 dan tidak ada "
        "yang berubah. Tindakan yang tidak boleh pada status ini atau bagi Anda juga 409 dengan "
        "alasannya; `request_revision` dan `reject` memerlukan `note`."
    ),
)
def act(request: ApiRequest, application_id: Id, payload: ActionIn):
    application = selectors.application_for_api(request.user, application_id)
    assignee = None
    if payload.action == "assign":
        assignee = selectors.assignable(application).filter(pk=payload.assignee).first()
        if assignee is None:
            raise Problem(
                422,
                _("Pilih petugas yang akan menangani."),
                errors={"assignee": [_("Petugas tidak ditemukan di instansi dan MPP ini.")]},
            )
    if payload.version != application.version:
        raise _problem_from(StaleVersion())
    try:
        services.perform_action(
            application,
            payload.action,
            actor=request.user,
            note=payload.note,
            expected_version=payload.version,
            assignee=assignee,
            request=request,
        )
    except (services.ApplicationError, WorkflowError) as error:
        raise _problem_from(error) from None
    except SigningKeyMissing as error:
        raise Problem(409, str(error)) from None
    application = selectors.application_for_api(request.user, application_id)
    return _detail(request.user, application)


@router.get(
    "/applications/{application_id}/document",
    auth=bearer,
    response={200: None, 404: ProblemOut, 409: ProblemOut},
    summary="Mengunduh dokumen terbit (PDF bertanda tangan elektronik)",
)
def issued_document(request: ApiRequest, application_id: Id):
    application = selectors.application_for_api(request.user, application_id)
    if not application.issued_document_id:
        raise Problem(
            404, _("Dokumen belum terbit."), _("Permohonan ini belum menghasilkan dokumen.")
        )
    # A service may ask for the satisfaction survey first (never for the document's validity).
    detour = download_gates.redirect_before_download(request.user, application, request.path)
    if detour:
        raise Problem(
            409,
            _("Isi survei kepuasan terlebih dahulu."),
            _("Layanan ini meminta survei kepuasan sebelum dokumen diunduh."),
            type_="urn:mpp:problem:survey_required",
            headers={"Link": f'<{detour}>; rel="survey"'},
        )
    try:
        document = selectors.read_issued_document(request.user, application, channel="api")
    except Http404:
        raise Problem(
            404, _("Dokumen belum terbit."), _("Permohonan ini belum menghasilkan dokumen.")
        ) from None
    response = FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{application.tracking_number}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
