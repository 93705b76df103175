"""Applications: create and fill a draft, attach files, submit, follow, and act on them."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.params.functions import Query as QueryParam
from pydantic import Field, StrictBool, StrictFloat, StrictInt, StrictStr

from mpp.accounts.models import User
from mpp.api.auth import BearerRequest, bearer
from mpp.api.paging import PageOut, PageParams, queryset_page
from mpp.api.problems import Problem, ProblemOut
from mpp.api.types import Id, IdentityCheck
from mpp.cases import selectors, services
from mpp.cases.models import Application, ApplicationDocument, IdempotencyRecord
from mpp.cases.models import Status as AppStatus
from mpp.documents.exports import stored_download
from mpp.documents.gates import download_gates
from mpp.documents.services import SigningKeyMissing
from mpp.workflows.errors import (
    ActionNotAllowed,
    ActorNotAllowed,
    NoteRequired,
    StaleVersion,
    WorkflowError,
)

router = Router(tags=["permohonan"])
MAX_ID = 2**63 - 1  # the largest id a 64-bit column holds
STATUS_VALUES = ", ".join(f"`{value}`" for value, _label in AppStatus.choices)


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
    service: int = Field(alias="service_id")
    service_name: str = Field(alias="service_version.name")
    service_version: int = Field(alias="service_version.number")
    status: str
    version: int
    channel: str
    submitted_at: datetime.datetime | None
    due_at: datetime.datetime | None
    breached: bool = Field(alias="is_breached")
    remaining_working_days: int | None
    decided_at: datetime.datetime | None
    document_number: str | None

    @staticmethod
    def resolve_document_number(application: Application) -> str | None:
        document = application.issued_document
        return document.number if document else None


class ApplicationPage(PageOut):
    items: list[ApplicationOut]


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
    """Read from :func:`mpp.cases.selectors.api_detail` (answers and files only for those who may
    see personal data)."""

    data: dict[str, Any] = Field(alias="shown_data")
    identity_check: IdentityCheck | None = Field(
        alias="identity_check_state",
        description=(
            "pemeriksaan NIK pemohon ke Dukcapil (di loket: data yang diketik petugas; daring: "
            "data akun saat pendaftaran): `pending` sedang diperiksa, `matched` cocok, "
            "`not_matched` tidak cocok, `unavailable` belum dapat dicek — akan dicek ulang; "
            "`null` bila tidak ada pemeriksaan atau Anda tidak berhak melihat data pribadi"
        ),
    )
    files: list[FileOut] = Field(alias="shown_files")
    history: list[HistoryOut] = Field(alias="timeline")
    actions: list[str] = Field(
        alias="allowed_actions", description="tindakan yang boleh Anda lakukan sekarang"
    )


class SubmitOut(Schema):
    status: str
    submitted_at: datetime.datetime
    due_at: datetime.datetime


class ActionIn(Schema):
    action: str = Field(max_length=40, description="mis. `claim`, `request_revision`, `approve`")
    note: str = Field(default="", max_length=2000)
    version: int = Field(description="versi permohonan yang Anda lihat; beda → 409")
    assignee: int | None = Field(default=None, description="id petugas untuk `assign`")


ErrorNames = Callable[[dict[str, list[str]]], dict[str, list[str]]]


def _detail(user: User, application: Application) -> Application:
    return selectors.api_detail(user, application)


def _form_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Errors about the form's answers, named as in the body: ``data.<isian>``."""
    return {
        name if name in ApplicationCreate.model_fields else f"data.{name}": messages
        for name, messages in errors.items()
    }


def _upload_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """An upload refused for its content is named ``file``; an unknown form field ``field``."""
    return {name if name == "field" else "file": messages for name, messages in errors.items()}


def _problem_from(error: Exception, names: ErrorNames | None = None) -> Problem:
    if isinstance(error, services.ApplicationError):
        status = error.status or (422 if error.errors else 409)
        errors = names(error.errors) if names else error.errors
        return Problem(status, error.message, errors=errors)
    if isinstance(error, NoteRequired):
        return Problem(422, error.message, errors={"note": [error.message]})
    if isinstance(error, ActorNotAllowed):  # a refusal by the policy, whatever the status
        return Problem(403, error.message, type_=f"urn:mpp:problem:{error.code}")
    if isinstance(error, StaleVersion | ActionNotAllowed):
        return Problem(409, error.message, type_=f"urn:mpp:problem:{error.code}")
    if isinstance(error, WorkflowError):
        return Problem(409, error.message)
    raise error


def _idempotent(
    request: BearerRequest,
    scope: str,
    run: Callable[[], Application],
    status: int,
    schema: type[Schema],
) -> Status[Any]:
    """Run ``run()`` once per (caller, scope, Idempotency-Key) and answer ``status`` with the
    application it returns read by ``schema``; a retry gets the first answer. A refusal is a
    problem naming the form's answers as the body does."""

    def answer() -> tuple[int, Schema]:
        try:
            application = run()
        except (services.ApplicationError, WorkflowError) as error:
            raise _problem_from(error, _form_errors) from None
        return status, schema.from_orm(application)

    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return Status(*answer())
    if len(key) > 200:
        raise Problem(400, _("Idempotency-Key terlalu panjang (paling banyak 200 karakter)."))
    digest = _fingerprint(request)
    stored = selectors.idempotent_answer(request.user, scope, key)
    if stored is not None:
        return _replay(stored, digest)
    try:
        with transaction.atomic():
            code, body = answer()
            services.record_idempotent_answer(
                request.user,
                scope=scope,
                key=key,
                digest=digest,
                status=code,
                body=body.model_dump(mode="json"),
            )
    except IntegrityError:  # a concurrent retry with the same key won; answer with its result
        return _replay(selectors.idempotent_answer(request.user, scope, key), digest)
    return Status(code, body)


def _fingerprint(request: BearerRequest) -> str:
    try:
        raw = request.body
    except RawPostDataException:  # a form body, already parsed by the edge checks
        raw = repr(sorted(request.POST.lists())).encode()
    return hashlib.sha256(raw).hexdigest()


def _replay(stored: IdempotencyRecord, digest: str) -> Status[Any]:
    """The first answer again, unless the key is reused for a different request."""
    if stored.request_digest and stored.request_digest != digest:
        raise Problem(
            422,
            _("Idempotency-Key sudah dipakai untuk permintaan lain."),
            _("Gunakan kunci baru untuk setiap permintaan yang berbeda."),
            type_="urn:mpp:problem:idempotency-key-reused",
        )
    return Status(stored.status_code, stored.body)


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
def create_application(request: BearerRequest, payload: ApplicationCreate) -> Status[Any]:
    service = selectors.service_to_apply_for(payload.service)
    if service is None:
        raise Problem(404, _("Layanan tidak ditemukan."))

    def run() -> Application:
        with transaction.atomic():
            application = services.start_application(applicant=request.user, service=service)
            if payload.data:
                services.update_draft(
                    application, actor=request.user, data=payload.data, strict=True
                )
        return application

    return _idempotent(request, "create", run, 201, DraftOut)


@router.patch(
    "/applications/{application_id}",
    auth=bearer,
    response={200: ApplicationDetailOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut},
    summary="Mengubah isian draf atau permohonan yang diminta perbaikan",
)
def patch_application(
    request: BearerRequest, application_id: Id, payload: ApplicationPatch
) -> Application:
    application = selectors.application_for_api(request.user, application_id)
    try:
        services.update_draft(application, actor=request.user, data=payload.data, strict=True)
    except services.ApplicationError as error:
        raise _problem_from(error, _form_errors) from None
    return _detail(request.user, application)


@router.post(
    "/applications/{application_id}/documents",
    auth=bearer,
    response={201: FileOut, 404: ProblemOut, 409: ProblemOut, 413: ProblemOut, 422: ProblemOut},
    summary="Melampirkan berkas untuk isian berkas",
    description="Multipart: `field` (nama isian berkas) dan `file`. Jenis berkas diperiksa dari isinya.",
)
def attach_document(
    request: BearerRequest, application_id: Id, field: Form[str], file: File[UploadedFile]
) -> Status[ApplicationDocument]:
    application = selectors.application_for_api(request.user, application_id)
    try:
        document = services.attach_file(application, actor=request.user, field=field, upload=file)
    except services.ApplicationError as error:
        raise _problem_from(error, _upload_errors) from None
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
def submit(request: BearerRequest, application_id: Id) -> Status[Any]:
    application = selectors.application_for_api(request.user, application_id)

    def run() -> Application:
        if application.status == "revision_requested":
            services.resubmit_application(application, actor=request.user)
        else:
            services.submit_application(application, actor=request.user)
        return application

    return _idempotent(request, f"submit:{application.pk}", run, 200, SubmitOut)


@router.get(
    "/applications",
    auth=bearer,
    response={200: ApplicationPage, 400: ProblemOut},
    summary="Daftar permohonan",
    description=(
        "Warga melihat permohonannya sendiri; petugas melihat juga permohonan unitnya (pengelola MPP dan admin daerah: tanpa isian dan berkas). Saring "
        f"dengan `status` ({STATUS_VALUES}), `service` (id) dan `breached`. Batas waktu "
        "terdekat lebih dulu bagi petugas, terbaru lebih dulu bagi warga. Halaman berikutnya: "
        "ikuti `next` (juga di header `Link`); tidak ada jumlah total."
    ),
)
def list_applications(
    request: BearerRequest,
    response: HttpResponse,
    paging: Query[PageParams],
    status: str | None = None,
    service: int | None = QueryParam(None, ge=1, le=MAX_ID),
    breached: bool | None = None,
) -> ApplicationPage:
    rows, order = selectors.applications_for_api(
        request.user, status=status or "", service=service, breached=breached
    )
    return queryset_page(ApplicationPage, request, rows, paging, order=order, response=response)


@router.get(
    "/applications/{application_id}",
    auth=bearer,
    response={200: ApplicationDetailOut, 404: ProblemOut},
    summary="Satu permohonan dengan riwayat, batas waktu, dan tindakan yang boleh Anda lakukan",
)
def get_application(request: BearerRequest, application_id: Id) -> Application:
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
def act(request: BearerRequest, application_id: Id, payload: ActionIn) -> Application:
    application = selectors.application_for_api(request.user, application_id)
    assignee = None
    if payload.action == "assign":
        assignee = selectors.colleague(application, payload.assignee)
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
def issued_document(request: BearerRequest, application_id: Id) -> FileResponse:
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
    return stored_download(document.file, fmt="pdf", filename=application.tracking_number)
