"""Every write on applications: one function per use case, each transactional.

Status changes go through :func:`mpp.workflows.services.apply_action` only; deadlines come from
:mod:`mpp.regions.calendar` only. Permissions are decided in :mod:`mpp.accounts.policy` (through
:func:`mpp.cases.selectors.actor_kinds`).
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mpp.accounts.models import User
from mpp.accounts.nik import validate_nik
from mpp.accounts.policy import Perm, can, covering_grant
from mpp.accounts.services import citizen_for_counter
from mpp.audit.models import AccessKind, AuditAction, AuditEvent
from mpp.audit.services import record_access, record_event
from mpp.cases import sip
from mpp.cases.models import (
    Application,
    ApplicationChannel,
    ApplicationDocument,
    InternalNote,
    TrackingSequence,
)
from mpp.cases.selectors import (
    actor_kinds,
    answer_digests,
    conflicted,
    current_documents,
    document_content,
    history,
)
from mpp.cases.workflow import CITIZEN, COORDINATOR, COUNTER, EDITABLE, OFFICER, UNDECIDED
from mpp.catalog.forms_definition import upload_rule, validate_submission
from mpp.catalog.models import Service, TimeLimitUnit
from mpp.deadlines import services as clock
from mpp.deadlines.models import ClockUnit
from mpp.documents.models import IssuedDocument
from mpp.documents.rendering import public_base_url
from mpp.documents.services import (
    check_can_sign,
    finish_document,
    issue_document,
    reissue_document,
)
from mpp.documents.uploads import UnsafeFile, accept_upload
from mpp.errors import ServiceError
from mpp.integrations import services as integrations
from mpp.integrations.dukcapil import NikQuery
from mpp.notifications.services import notify
from mpp.regions.localtime import local_date
from mpp.workflows.definitions import SYSTEM
from mpp.workflows.errors import ActionNotAllowed, StaleVersion
from mpp.workflows.services import apply_action

logger = logging.getLogger(__name__)

# An issued application still without its document after this long has lost its worker.
ISSUING_GRACE = datetime.timedelta(minutes=10)


class ApplicationError(ServiceError):
    """A request that cannot be honoured. ``status``: 403 for a refusal by the policy; None: 422
    with field errors, else 409."""


# --- Tracking numbers ---------------------------------------------------------------------


def next_tracking_number(region, moment: datetime.datetime) -> str:
    """``2171-250612-0042``: kab/kota code, local date (YYMMDD), the region's sequence of the day.

    The sequence row is locked while the number is taken, so concurrent callers get distinct
    numbers; must run inside a transaction.
    """
    day = local_date(moment, region)
    try:
        with transaction.atomic():
            sequence, _created = TrackingSequence.objects.select_for_update().get_or_create(
                region=region, day=day
            )
    except IntegrityError:  # another request created the day's row first: lock that one
        sequence = TrackingSequence.objects.select_for_update().get(region=region, day=day)
    TrackingSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + 1)
    sequence.refresh_from_db(fields=["last_value"])
    return f"{region.code}-{day:%y%m%d}-{sequence.last_value:04d}"


# --- Deadlines ----------------------------------------------------------------------------


def time_limit_of(version) -> clock.Limit:
    """The service standard's limit: working days, or hours of the MPP's office time."""
    if version.time_limit_unit == TimeLimitUnit.HOURS:
        return clock.Limit(version.time_limit, ClockUnit.HOURS)
    return clock.Limit(version.time_limit, ClockUnit.WORKING_DAYS)


# --- Starting and editing ---------------------------------------------------------------------


def start_application(
    *,
    applicant: User,
    service: Service,
    channel: str = ApplicationChannel.ONLINE,
    filed_by: User | None = None,
    data: Mapping[str, Any] | None = None,
    prefill: Mapping[str, str] | None = None,
) -> Application:
    """A new draft for ``service`` under its current published version.

    Fields marked ``prefill`` in the form are filled in from ``prefill`` (at the counter: what the
    officer typed for the citizen) or else from the applicant's account, so nobody retypes them.
    Online, fields marked ``dukcapil_*`` are then filled in from Dukcapil, after the draft is
    committed: a slow partner holds no database lock (unless the caller's own transaction does).
    """
    application = _open_draft(
        applicant=applicant,
        service=service,
        channel=channel,
        filed_by=filed_by,
        data=data,
        prefill=prefill,
    )
    fields = application.service_version.form.fields
    if channel == ApplicationChannel.ONLINE and any(item.from_dukcapil for item in fields):
        found = _from_dukcapil(applicant, application)
        values = {
            item.name: found[item.prefill]
            for item in fields
            if item.prefill and found.get(item.prefill) and item.name not in (data or {})
        }
        if values:
            update_draft(application, actor=applicant, data=values)
    return application


@transaction.atomic
def _open_draft(
    *,
    applicant: User,
    service: Service,
    channel: str,
    filed_by: User | None,
    data: Mapping[str, Any] | None,
    prefill: Mapping[str, str] | None,
) -> Application:
    version = service.current_version
    mpp = service.mpp
    # A service accepting applications has a published version and an MPP (not a template).
    if not service.accepts_applications or version is None or mpp is None:
        raise ApplicationError(_("Layanan ini tidak menerima permohonan saat ini."))
    if channel == ApplicationChannel.ONLINE and not version.accepts_online:
        raise ApplicationError(
            _("Layanan ini hanya dapat diajukan langsung di loket MPP, tidak secara daring.")
        )
    now = timezone.now()
    application = Application(
        tracking_number=next_tracking_number(mpp.region, now),
        service=service,
        service_version=version,
        applicant=applicant,
        mpp=mpp,
        agency=service.agency,
        channel=channel,
        filed_by=filed_by,
        created_at=now,
    )
    application.save()
    person = prefill or {
        "name": applicant.name,
        "nik": applicant.nik or "",
        "phone": applicant.phone or "",
        "email": applicant.email or "",
    }
    prefilled = {
        item.name: person[item.prefill]
        for item in version.form.fields
        if item.prefill and person.get(item.prefill)
    }
    if prefilled or data:
        update_draft(application, actor=filed_by or applicant, data={**prefilled, **(data or {})})
    return application


def _from_dukcapil(applicant: User, application: Application) -> dict[str, str]:
    """The ``dukcapil_*`` prefill values: what Dukcapil holds of the applicant's NIK, under the
    agreement of the MPP's kab/kota; empty when there is none or Dukcapil cannot answer now (the
    citizen then fills the fields in, and the form says why they are empty)."""
    if not applicant.nik:
        return {}
    person = integrations.person_data(
        subject_id=applicant.pk,
        nik=applicant.nik,
        region_id=application.mpp.region_id,
        reference=application.tracking_number,
    )
    if person is None:
        return {}
    return {
        "dukcapil_name": person.name,
        "dukcapil_birth_place": person.birth_place,
        "dukcapil_birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "dukcapil_address": person.address,
        "dukcapil_kk_number": person.kk_number,
    }


def _editable(application: Application, actor: User) -> None:
    _check_filer(application, actor)  # who before what: a stranger learns nothing of the status
    if application.status not in EDITABLE:
        raise ApplicationError(
            _("Permohonan hanya dapat diubah selama masih draf atau saat diminta perbaikan.")
        )


def _check_filer(application: Application, actor: User) -> None:
    """The applicant fills in and submits; a counter officer only what was filed at the counter."""
    if not actor_kinds(actor, application) & {CITIZEN, COUNTER}:
        raise ApplicationError(_("Anda tidak berwenang mengubah permohonan ini."), status=403)


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return "" if value is None else str(value)


def _json_type_problem(kind: str, value: Any) -> str:
    """What is wrong with the JSON type of an API value for a field of ``kind`` ("" when fine)."""
    if value is None:
        return ""
    if kind == "multiple_choice":
        ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
        return "" if ok else _("Harus berupa daftar teks.")
    if kind == "number":
        ok = isinstance(value, int | float | str) and not isinstance(value, bool)
        return "" if ok else _("Harus berupa angka.")
    return "" if isinstance(value, str) else _("Harus berupa teks.")


@transaction.atomic
def update_draft(
    application: Application,
    *,
    actor: User,
    data: Mapping[str, Any],
    fields: list[str] | None = None,
    strict: bool = False,
) -> dict[str, list[str]]:
    """Keep what was typed for ``fields`` (default: every non-file field in ``data``).

    Everything typed is stored, valid or not, so nothing is lost on the web; the per-field problems
    are returned (and checked again on submission). With ``strict`` (the API) any problem raises
    ``ApplicationError`` and nothing is stored. File fields are set by :func:`attach_file` only.
    """
    _editable(application, actor)
    definition = application.service_version.form
    known = {item.name: item for item in definition.fields if item.type != "file"}
    names = [name for name in (fields if fields is not None else data.keys()) if name in known]
    merged = dict(application.data)
    for name in names:
        merged[name] = _plain(data.get(name))
    subset = [item for item in definition.fields if item.name in names]
    result = validate_submission(subset, merged)
    if strict:
        unknown = sorted(set(data) - set(known))
        errors = dict(result.errors)
        for name in names:
            problem = _json_type_problem(known[name].type, data.get(name))
            if problem:
                errors[name] = [problem]
        for name in unknown:
            errors[name] = [
                _(
                    "Isian ini tidak ada pada formulir layanan ini (berkas dikirim lewat endpoint dokumen)."
                )
            ]
        if errors:
            raise ApplicationError(_("Data yang dikirim tidak sah."), errors)
    Application.objects.filter(pk=application.pk).update(data=merged, updated_at=timezone.now())
    application.data = merged
    return result.errors


@transaction.atomic
def attach_file(
    application: Application, *, actor: User, field: str, upload
) -> ApplicationDocument:
    """Store ``upload`` for the file field ``field`` (checked by content), replacing any earlier one."""
    _editable(application, actor)
    item = next(
        (
            item
            for item in application.service_version.form.fields
            if item.name == field and item.type == "file"
        ),
        None,
    )
    if item is None:
        raise ApplicationError(
            _("Isian berkas tidak dikenal."), {"field": [_("Isian berkas tidak dikenal.")]}
        )
    try:
        accepted = accept_upload(upload, upload_rule(item))
    except UnsafeFile as error:
        raise ApplicationError(error.message, {field: [error.message]}) from None
    now = timezone.now()
    application.documents.filter(field=field, replaced_at__isnull=True).update(replaced_at=now)
    document = ApplicationDocument(
        application=application,
        field=field,
        original_name=accepted.original_name,
        content_type=accepted.content_type,
        size=accepted.size,
        sha256=accepted.sha256,
        uploaded_by=actor,
        uploaded_at=now,
    )
    accepted.save_to(document.file, "upload")
    document.save()
    data = {**application.data, field: str(document.pk)}
    Application.objects.filter(pk=application.pk).update(data=data, updated_at=now)
    application.data = data
    return document


def check_complete(application: Application) -> dict[str, Any]:
    """The cleaned data of a complete application, or ApplicationError with per-field problems."""
    definition = application.service_version.form
    documents = {str(doc.pk): doc for doc in current_documents(application)}
    data = dict(application.data)
    for item in definition.fields:
        if item.type == "file" and data.get(item.name) not in documents:
            data.pop(item.name, None)  # a forged or stale reference counts as missing
    result = validate_submission(definition, data)
    if not result.is_valid:
        raise ApplicationError(
            _("Permohonan belum lengkap. Periksa isian yang disebutkan."), result.errors
        )
    return result.cleaned


def _discard_hidden_uploads(application: Application, cleaned: Mapping[str, Any]) -> None:
    """Uploads of file fields the submitted answers hide are not kept with the application (the
    same rule, :func:`is_visible`, that left them out of ``cleaned``)."""
    hidden = [
        item.name
        for item in application.service_version.form.fields
        if item.type == "file" and item.name not in cleaned
    ]
    if hidden:
        application.documents.filter(field__in=hidden, replaced_at__isnull=True).update(
            replaced_at=timezone.now()
        )


# --- Workflow actions ------------------------------------------------------------------------


def _context(application: Application, **extra) -> dict[str, Any]:
    return {
        "tracking_number": application.tracking_number,
        "service_name": application.service_version.name,
        "timezone": application.mpp.region.timezone,
        **extra,
    }


def notify_applicant(application: Application, kind: str, **extra) -> None:
    """Message the applicant about their application (``application.<kind>``); sent by the hooks
    in :mod:`mpp.cases.hooks` after a transition commits and when the document exists."""
    applicant = application.applicant
    if applicant.is_light_record and not applicant.email and not applicant.phone:
        return  # a walk-in citizen without an account or contact gets the news at the counter
    notify(
        applicant,
        f"application.{kind}",
        _context(application, **extra),
        link=f"/permohonan/{application.pk}/",
    )


def _kinds(application: Application, actor: User | None) -> set[str]:
    if actor is None:
        return {SYSTEM}
    return actor_kinds(actor, application)


def _apply(
    application: Application,
    action: str,
    actor: User | None,
    *,
    expected_version: int | None,
    **details: Any,
):
    """Take the workflow ``action`` on ``application`` as ``actor`` (None: the system), who acts
    in the kinds the policy gives them on it; ``details`` are the note, data and changes."""
    return apply_action(
        application,
        action,
        actor_user=actor,
        actor_kinds=_kinds(application, actor),
        expected_version=expected_version,
        **details,
    )


@transaction.atomic
def submit_application(
    application: Application, *, actor: User, expected_version: int | None = None
):
    """Submit a complete draft: the clock starts (working days: due at the end of the N-th
    working day after the local submission date; hours: N hours of the MPP's office time)."""
    _check_filer(application, actor)
    cleaned = check_complete(application)
    _discard_hidden_uploads(application, cleaned)
    now = timezone.now()
    started = clock.start(application, time_limit_of(application.service_version), at=now)
    result = _apply(
        application,
        "submit",
        actor,
        expected_version=expected_version,
        changes={"data": cleaned, "submitted_at": now, **started},
    )
    sip.start_check(application)  # a health-worker permit: SATUSEHAT SDMK, after the commit
    return result


@transaction.atomic
def resubmit_application(
    application: Application, *, actor: User, expected_version: int | None = None
):
    """Send the fixed application back: the clock restarts with the time that was left."""
    _check_filer(application, actor)
    cleaned = check_complete(application)
    _discard_hidden_uploads(application, cleaned)
    result = _apply(
        application,
        "resubmit",
        actor,
        expected_version=expected_version,
        changes={"data": cleaned, **clock.resume(application, at=timezone.now())},
    )
    sip.start_check(application)  # held for SATUSEHAT SDMK, say: asked again
    return result


@transaction.atomic
def request_revision(
    application: Application, *, actor: User, note: str, expected_version: int | None = None
):
    """Ask the citizen to fix something: the clock pauses, keeping the time left. A keyed digest
    of each answer is kept with the transition (never the answers), so the officer later sees
    which answers changed (:func:`mpp.cases.selectors.changes_since_revision`)."""
    return _apply(
        application,
        "request_revision",
        actor,
        note=note,
        expected_version=expected_version,
        changes=clock.pause(application, at=timezone.now()),
        data={"answer_digests": answer_digests(application.data)},
    )


@transaction.atomic
def claim_application(
    application: Application,
    *,
    actor: User,
    assignee: User | None = None,
    expected_version: int | None = None,
):
    """Take the application (``assignee`` None) or hand it to a colleague of the same unit."""
    action = "claim"
    if assignee is not None and assignee != actor:
        action = "assign"
        if not can(assignee, Perm.DECIDE_CASES, application) or conflicted(assignee, application):
            raise ApplicationError(
                _("Petugas yang dipilih tidak bertugas di instansi dan MPP ini."),
                {"assignee": [_("Petugas yang dipilih tidak bertugas di instansi dan MPP ini.")]},
            )
    return _apply(
        application,
        action,
        actor,
        expected_version=expected_version,
        changes={"assigned_to": assignee or actor},
        data={"assignee": (assignee or actor).pk},
    )


@transaction.atomic
def approve_application(
    application: Application, *, actor: User, note: str = "", expected_version: int | None = None
):
    return _apply(
        application,
        "approve",
        actor,
        note=note,
        expected_version=expected_version,
        changes={"decided_at": timezone.now()},
    )


@transaction.atomic
def reject_application(
    application: Application, *, actor: User, note: str, expected_version: int | None = None
):
    return _apply(
        application,
        "reject",
        actor,
        note=note,
        expected_version=expected_version,
        changes={"decided_at": timezone.now(), **clock.stop(application, at=timezone.now())},
    )


@transaction.atomic
def withdraw_application(
    application: Application, *, actor: User, note: str = "", expected_version: int | None = None
):
    return _apply(
        application,
        "withdraw",
        actor,
        note=note,
        expected_version=expected_version,
        changes={"decided_at": timezone.now(), **clock.stop(application, at=timezone.now())},
    )


def issue_application(
    application: Application,
    *,
    actor: User | None,
    expected_version: int | None = None,
    request=None,
):
    """Mark the application issued; its document is produced on the worker after the commit.

    The transition comes first, so an action that wins a race against it (a rejection, a
    withdrawal) leaves no document behind. Until the document exists the application reads
    "sedang diterbitkan". ``SigningKeyMissing`` is raised before anything changes when the agency
    cannot sign.
    """
    check_can_sign(application.agency)
    with transaction.atomic():
        return _apply(
            application,
            "issue",
            actor,
            expected_version=expected_version,
            # The worker has no request: the address the QR code points to is captured now.
            data={"public_base_url": public_base_url(request)},
            changes={
                "decided_at": application.decided_at or timezone.now(),
                "issuing_started_at": timezone.now(),
                **clock.stop(application, at=timezone.now()),
            },
        )


def produce_document(
    application_id: int, *, actor_id: int | None = None, public_base_url: str = ""
):
    """Render and sign the document of an issued application, once (the task's body).

    The document's source key ``application:<id>`` makes a retry or a crashed worker's successor
    finish the same document with the same number. Nothing is produced unless the application is
    issued. The applicant is told when the document is linked.
    """
    application = (
        Application.objects.select_related(
            "service_version", "applicant", "agency", "agency__region", "mpp__region"
        )
        .filter(pk=application_id)
        .first()
    )
    if application is None or application.status != "issued":
        return None
    if application.issued_document_id:
        return application.issued_document
    content = document_content(application)
    if not public_base_url:  # resumed without it: the address captured when issuing
        issued = [r for r in history(application) if r.action == "issue"]
        public_base_url = (issued[-1].data or {}).get("public_base_url", "") if issued else ""
    fields = {
        "source_key": f"application:{application.pk}",
        "source_obj": application,
        "title": content.title,
        "holder_name": content.holder_name,
        "holder_nik": content.holder_nik,
        "issuer": application.agency,
        "context": {**content.context, "public_base_url": public_base_url},
        "actor": User.objects.filter(pk=actor_id).first() if actor_id else None,
    }
    delay = settings.MPP_TEST_ISSUE_DELAY_SECONDS
    if delay:
        # Tests only: hold the worker between reserving and signing, so a kill lands mid-task.
        issue_document(**fields, finish=False)
        time.sleep(delay)
    document = issue_document(**fields)
    with transaction.atomic():
        linked = Application.objects.filter(pk=application.pk, issued_document__isnull=True).update(
            issued_document=document
        )
        if linked:
            application.issued_document = document
            notify_applicant(application, "issued", document_number=document.number)
    return document


def reissue_application_document(
    application: Application, *, actor: User, reason: str, request=None
) -> IssuedDocument:
    """Re-issue the application's document (a wrong signatory, a damaged copy, a corrected
    template): the current one is revoked with ``reason`` when still valid, a new one is made from
    what the application prints today (:func:`document_content`), the application points to it and
    the applicant is told. Only the officer who may decide the application's cases may."""
    if not can(actor, Perm.DECIDE_CASES, application):
        raise ApplicationError(_("Anda tidak berwenang menerbitkan ulang dokumen ini."), status=403)
    current = application.issued_document
    if application.status != "issued" or current is None:
        raise ApplicationError(_("Permohonan ini belum memiliki dokumen terbit."))
    content = document_content(application)
    context = {
        **content.context,
        "public_base_url": current.render_context.get("public_base_url", ""),
    }
    try:
        document = reissue_document(
            current,
            by=actor,
            reason=reason,
            title=content.title,
            holder_name=content.holder_name,
            context=context,
            request=request,
            finish=False,
        )
    except PermissionDenied as refusal:
        raise ApplicationError(str(refusal), status=403) from None
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise ApplicationError(errors=error.message_dict) from None
        raise ApplicationError("; ".join(error.messages)) from None
    with transaction.atomic():
        Application.objects.filter(pk=application.pk, issued_document=current).update(
            issued_document=document
        )
    application.issued_document = document
    # The reserved row is finished: the new number signed; a crash leaves it to the sweep.
    document = finish_document(document, actor=actor, request=request)
    application.issued_document = document
    notify_applicant(application, "issued", document_number=document.number)
    return document


def resume_issuing(*, older_than: datetime.timedelta = ISSUING_GRACE) -> int:
    """Enqueue again the document of each issued application still without one after
    ``older_than`` (a worker died, or signing failed); returns how many were enqueued."""
    from mpp.cases.tasks import produce_document as produce_document_task  # tasks import us

    cutoff = timezone.now() - older_than
    stuck = Application.objects.filter(
        status="issued", issued_document__isnull=True, issuing_started_at__lt=cutoff
    ).values_list("pk", flat=True)
    count = 0
    for pk in stuck.iterator():
        produce_document_task.enqueue(pk)
        count += 1
    return count


# --- Internal notes ---------------------------------------------------------------------------


@transaction.atomic
def add_note(application: Application, *, actor: User, text: str) -> InternalNote:
    if not actor_kinds(actor, application) & {OFFICER, COORDINATOR}:
        raise ApplicationError(
            _("Anda tidak berwenang menulis catatan pada permohonan ini."), status=403
        )
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("Catatan wajib diisi."), {"text": [_("Catatan wajib diisi.")]})
    if len(text) > 2000:
        raise ApplicationError(
            _("Catatan paling banyak 2.000 karakter."),
            {"text": [_("Catatan paling banyak 2.000 karakter.")]},
        )
    return InternalNote.objects.create(application=application, author=actor, text=text)


# --- One entry point for the actions form and the API -------------------------------------


# Each action of the actions form and the API: its service function and what it takes besides
# the actor and the expected version.
_ACTIONS: dict[str, tuple[Callable[..., Any], tuple[str, ...]]] = {
    "submit": (submit_application, ()),
    "resubmit": (resubmit_application, ()),
    "claim": (claim_application, ("assignee",)),
    "assign": (claim_application, ("assignee",)),
    "request_revision": (request_revision, ("note",)),
    "approve": (approve_application, ("note",)),
    "reject": (reject_application, ("note",)),
    "withdraw": (withdraw_application, ("note",)),
    "issue": (issue_application, ("request",)),
}


def perform_action(
    application: Application,
    action: str,
    *,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
    assignee: User | None = None,
    request=None,
):
    """Take ``action`` (an API/status value) on ``application`` for ``actor``."""
    if action not in _ACTIONS:
        raise ActionNotAllowed(_("Tindakan ini tidak dikenal."))
    service, takes = _ACTIONS[action]
    given = {"note": note, "assignee": assignee, "request": request}
    return service(
        application,
        actor=actor,
        expected_version=expected_version,
        **{name: given[name] for name in takes},
    )


# --- Counter (assisted) channel -------------------------------------------------------------


@dataclass(frozen=True)
class WalkIn:
    nik: str
    birth_date: datetime.date
    name: str
    phone: str = ""


COUNTER_LOOKUPS_PER_HOUR = 30


def _check_counter_rate(officer: User) -> None:
    """Counter look-ups by one officer are limited (each one is in the audit log)."""
    since = timezone.now() - datetime.timedelta(hours=1)
    used = AuditEvent.objects.filter(
        action=AuditAction.COUNTER_LOOKUP, actor=officer, at__gte=since
    ).count()
    if used >= COUNTER_LOOKUPS_PER_HOUR:
        raise ApplicationError(
            _(
                "Anda sudah mengajukan %(limit)d permohonan loket dalam satu jam terakhir. "
                "Tunggu sebentar atau hubungi admin instansi."
            )
            % {"limit": COUNTER_LOOKUPS_PER_HOUR}
        )


@transaction.atomic
def file_at_counter(*, officer: User, service: Service, walk_in: WalkIn, request=None):
    """An officer starts an application for a walk-in citizen (channel "counter").

    The filing attaches to the citizen's account when the NIK has one, or to a new light record;
    nothing about an existing account is shown back (the name typed is what staff pages show).
    """
    agency = service.agency
    if (
        not service.accepts_applications
        or agency is None
        or not can(officer, Perm.FILE_AT_COUNTER, service)
    ):
        raise ApplicationError(_("Anda tidak dapat mengajukan permohonan untuk layanan ini."))
    _check_counter_rate(officer)
    name = (walk_in.name or "").strip()
    if not name:
        raise ApplicationError(_("Nama lengkap wajib diisi."), {"name": [_("Wajib diisi.")]})
    try:
        validate_nik(walk_in.nik, walk_in.birth_date)
    except ValidationError as error:
        raise ApplicationError(error.messages[0], {"nik": list(error.messages)}) from None
    record_event(
        AuditAction.COUNTER_LOOKUP,
        actor=officer,
        summary=agency.name,
        request=request,
        data={"service": service.pk},
    )
    applicant = citizen_for_counter(
        nik=walk_in.nik, name=name, birth_date=walk_in.birth_date, phone=walk_in.phone
    )
    application = start_application(
        applicant=applicant,
        service=service,
        channel=ApplicationChannel.COUNTER,
        filed_by=officer,
        # What the officer typed, never what an existing account holds (nothing is shown back).
        prefill={"name": name, "nik": walk_in.nik, "phone": walk_in.phone or ""},
    )
    Application.objects.filter(pk=application.pk).update(counter_name=name[:150])
    application.counter_name = name[:150]
    record_event(
        AuditAction.APPLICATION_FILED_AT_COUNTER,
        actor=officer,
        target=application,
        summary=application.tracking_number,
        request=request,
    )
    grant = covering_grant(officer, Perm.FILE_AT_COUNTER, application)
    record_access(
        viewer=officer,
        subject_id=applicant.pk,
        role=grant.role if grant else "",
        agency_name=application.agency.name,
        kind=AccessKind.COUNTER_FILING,
        application=application,
        reference=application.tracking_number,
        channel="web",
    )
    # What the officer typed, checked with Dukcapil after the commit: the filing never waits on
    # it, and the officer sees "cocok / tidak cocok / tidak dapat dicek" on the application.
    integrations.start_nik_check(
        subject=applicant,
        purpose=counter_check_purpose(application),
        region_id=application.mpp.region_id,
        reference=application.tracking_number,
        query=NikQuery(nik=walk_in.nik, name=name, birth_date=walk_in.birth_date),
    )
    return application


def counter_check_purpose(application) -> str:
    return f"counter:{application.pk}"


# --- Deadlines sweep ------------------------------------------------------------------------


@dataclass
class SweepResult:
    auto_approved: int = 0
    issued: int = 0
    failed: int = 0
    skipped: int = 0


AUTO_APPROVAL_REASON = (
    "Disetujui otomatis (fiktif positif): keputusan belum diberikan sampai batas waktu "
    "penyelesaian sesuai standar pelayanan."
)


def _each_row(rows, step, result: SweepResult, label: str) -> int:
    """Run ``step`` per row in its own transaction; a concurrent action (the row moved on) is
    skipped, any other failure logged and counted, and neither stops the sweep."""
    done = 0
    for row in rows:
        try:
            with transaction.atomic():
                step(row)
            done += 1
        except (ActionNotAllowed, StaleVersion):
            result.skipped += 1
        except Exception as error:
            # Only the error's class is logged: its message may carry the applicant's data.
            logger.error("%s failed for application %s: %s", label, row.pk, type(error).__name__)
            result.failed += 1
    return done


def sweep_step(now: datetime.datetime) -> dict[str, int]:
    """The applications' own step of the deadline sweep (:mod:`mpp.deadlines`): approve undecided
    fiktif-positif applications past due, then issue them (the document is enqueued).

    Idempotent: a second run at the same moment finds nothing left to do.
    """
    result = SweepResult()
    related = ("service_version", "mpp__region", "applicant", "agency")
    due = Application.objects.filter(
        service_version__auto_approve=True, due_at__lt=now, status__in=UNDECIDED
    ).select_related(*related)

    def auto_approve(application: Application) -> None:
        _apply(
            application,
            "auto_approve",
            None,
            expected_version=None,
            note=AUTO_APPROVAL_REASON,
            changes={"decided_at": now, "auto_approved": True},
        )

    result.auto_approved = _each_row(due.iterator(), auto_approve, result, "automatic approval")
    pending_issue = Application.objects.filter(
        auto_approved=True, status="approved"
    ).select_related(*related)
    result.issued = _each_row(
        pending_issue.iterator(),
        lambda application: issue_application(application, actor=None),
        result,
        "automatic issue",
    )
    return {
        "auto_approved": result.auto_approved,
        "issued": result.issued,
        "failed": result.failed,
        "skipped": result.skipped,
    }


def record_idempotent_answer(
    user: User, *, scope: str, key: str, digest: str, status: int, body: dict[str, Any]
) -> None:
    """Store the first answer to an API request sent with an ``Idempotency-Key`` (raises
    ``IntegrityError`` when a concurrent retry with the same key stored its answer first)."""
    from mpp.cases.models import IdempotencyRecord

    IdempotencyRecord.objects.create(
        user=user, scope=scope, key=key, request_digest=digest, status_code=status, body=body
    )


# --- Counts per status ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusDrift:
    """One counter row that differs from a count of the applications."""

    mpp_id: int
    agency_id: int
    status: str
    stored: int
    counted: int


def recount_statuses(*, fix: bool = False) -> list[StatusDrift]:
    """Compare every :class:`~mpp.cases.models.StatusCount` with a count of the applications (one
    grouped scan of the table) and, with ``fix``, replace them with the counted values, in one
    transaction that locks the counters against the triggers meanwhile."""
    from django.db.models import Count

    from mpp.cases.models import StatusCount

    with transaction.atomic():
        stored = {
            (row.mpp_id, row.agency_id, row.status): row
            for row in StatusCount.objects.select_for_update()
        }
        counted = {
            (row["mpp_id"], row["agency_id"], row["status"]): row["n"]
            for row in Application.objects.exclude(status="draft")
            .values("mpp_id", "agency_id", "status")
            .annotate(n=Count("id"))
            .order_by()
        }
        totals = {key: row.total for key, row in stored.items()}
        drift = [
            StatusDrift(mpp, agency, status, totals.get(key, 0), counted.get(key, 0))
            for key in sorted(set(totals) | set(counted))
            for mpp, agency, status in [key]
            if totals.get(key, 0) != counted.get(key, 0)
        ]
        if fix and drift:
            StatusCount.objects.all().delete()
            StatusCount.objects.bulk_create(
                StatusCount(mpp_id=mpp, agency_id=agency, status=status, total=n)
                for (mpp, agency, status), n in counted.items()
            )
    return drift
