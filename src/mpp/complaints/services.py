"""Every write of the complaints app: submit, the lifecycle actions, the sweep, ratings, keys."""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mpp.accounts.policy import Perm, Principal, can
from mpp.accounts.tokens import random_code
from mpp.complaints import lapor
from mpp.complaints.models import (
    MAX_TEXT,
    About,
    AgencyComplaintCount,
    Attachment,
    Category,
    Channel,
    ClockKind,
    Complaint,
    ComplaintClock,
    Escalation,
    Forward,
    IntegrationClient,
    Kind,
    LaporRegion,
    Message,
    Note,
    ResponseTemplate,
    TimeLimits,
)
from mpp.complaints.registry import find_application
from mpp.complaints.selectors import categories_for
from mpp.complaints.workflow import REPORTER, STAFF_CLOCK
from mpp.deadlines import services as clock
from mpp.deadlines.models import ClockUnit
from mpp.deadlines.retry import backoff
from mpp.documents.uploads import AcceptedUpload, UnsafeFile, UploadRule, accept_upload
from mpp.errors import ServiceError
from mpp.notifications import contacts
from mpp.notifications.models import GuestConfirmation
from mpp.regions import calendar
from mpp.regions.calendar import RegionLike
from mpp.regions.models import Region
from mpp.tenancy.models import MPP, Agency
from mpp.workflows.definitions import SYSTEM
from mpp.workflows.errors import WorkflowError
from mpp.workflows.services import apply_action

if TYPE_CHECKING:
    from mpp.accounts.models import User
    from mpp.catalog.models import Service

logger = logging.getLogger(__name__)

MAX_ATTACHMENTS = 3
ATTACHMENT_RULE = UploadRule(
    types=("application/pdf", "image/png", "image/jpeg"), max_bytes=5 * 1024 * 1024
)


class ComplaintError(ServiceError):
    """A request that cannot be honoured; ``errors`` maps fields to Indonesian messages."""


# --- Day counts ---------------------------------------------------------------------------


def limits_for(region: RegionLike | None) -> TimeLimits:
    """The region's day counts, else the national row, else the defaults of the model."""
    region_id = region.pk if isinstance(region, Region) else region
    rows = {
        row.region_id: row
        for row in TimeLimits.objects.filter(Q(region_id=region_id) | Q(region__isnull=True))
    }
    return rows.get(region_id) or rows.get(None) or TimeLimits()


def respond_limit(complaint: Complaint, limits: TimeLimits) -> clock.Limit:
    if complaint.kind == Kind.INFORMATION:
        return clock.Limit(limits.information_working_days)
    return clock.Limit(limits.respond_working_days)


def clock_limit(kind: str, limits: TimeLimits) -> clock.Limit:
    """The limit each of the complaint's other clocks starts with."""
    limit: dict[str, clock.Limit] = {
        ClockKind.REPLY: clock.Limit(limits.reply_window_days, ClockUnit.CALENDAR_DAYS),
        ClockKind.LIMIT: clock.Limit(limits.resolve_days, ClockUnit.CALENDAR_DAYS),
        ClockKind.ESCALATE_AGAIN: clock.Limit(limits.escalate_again_working_days),
    }
    return limit[kind]


# --- The clocks, as data ------------------------------------------------------------------------
# The desk's verification clock and the agency's answer clock run on the complaint row and change
# with the transition itself (``take_action``). The other clocks follow these rules: what each
# action does to each clock. The whole-case limit runs only while the staff hold the complaint
# (paused while it waits for the reporter's information or reply); the reply window runs from the
# answer; the second escalation waits on its own clock from the first.
START, PAUSE, RESUME, STOP = "start", "pause", "resume", "stop"
_CLOSING: dict[str, str] = {
    ClockKind.LIMIT: STOP,
    ClockKind.REPLY: STOP,
    ClockKind.ESCALATE_AGAIN: STOP,
}
CLOCK_RULES: dict[str, dict[str, str]] = {
    "submit": {ClockKind.LIMIT: START},
    "postpone": {ClockKind.LIMIT: PAUSE, ClockKind.ESCALATE_AGAIN: PAUSE},
    "supplement": {ClockKind.LIMIT: RESUME, ClockKind.ESCALATE_AGAIN: RESUME},
    "verify": {ClockKind.ESCALATE_AGAIN: STOP},
    "extend": {ClockKind.ESCALATE_AGAIN: STOP},
    "respond": {
        ClockKind.LIMIT: PAUSE,
        ClockKind.REPLY: START,
        ClockKind.ESCALATE_AGAIN: STOP,
    },
    "reopen": {ClockKind.REPLY: STOP, ClockKind.LIMIT: RESUME},
    "refer": _CLOSING,
    "archive": _CLOSING,
    "close": _CLOSING,
    "auto_close": _CLOSING,
}


def move_clocks(
    complaint: Complaint,
    rules: dict[str, str],
    *,
    at: datetime.datetime,
    limits: TimeLimits,
    start_at: datetime.datetime | None = None,
) -> None:
    """Apply ``rules`` (clock kind → start, pause, resume or stop) to the complaint's clocks,
    through the clock services, in the caller's transaction. A clock that is not in the state a
    move needs (pausing a paused clock, stopping a stopped one) is left as it is."""
    found: dict[str, ComplaintClock] = {}
    if any(move != START for move in rules.values()):
        found = {
            row.kind: row
            for row in ComplaintClock.objects.select_for_update().filter(
                complaint=complaint, kind__in=list(rules)
            )
        }
    for kind, move in rules.items():
        row = found.get(kind) or ComplaintClock(complaint=complaint, kind=kind)
        row.complaint = complaint  # the clock counts in the complaint's region
        if move == START:
            changes = clock.start(row, clock_limit(kind, limits), at=start_at or at)
        elif move == PAUSE and clock.is_running(row):
            changes = clock.pause(row, at=at)
        elif move == RESUME and clock.is_paused(row):
            changes = clock.resume(row, at=at)
        elif move == STOP and row.pk and row.clock_stopped_at is None:
            changes = clock.stop(row, at=at)
        else:
            continue
        for name, value in changes.items():
            setattr(row, name, value)
        if row.pk is None:
            row.save()
        else:
            ComplaintClock.objects.filter(pk=row.pk).update(**changes)
    complaint.forget_deadlines()


# --- Submitting -----------------------------------------------------------------------------


@dataclass
class Submission:
    kind: str
    about: str
    title: str
    text: str
    mpp: MPP
    agency: Agency | None = None
    service: Service | None = None
    category: Category | None = None
    application_reference: str = ""
    address: str = ""
    # The reporter says it happened in the MPP building: the MPP's own place is the location.
    at_mpp: bool = False
    # Decimal from the web form, float from the API (the DecimalField stores either).
    latitude: Decimal | float | None = None
    longitude: Decimal | float | None = None
    is_anonymous: bool = False
    is_confidential: bool = False
    reporter_name: str = ""
    reporter_email: str = ""
    reporter_phone: str = ""
    attachments: list = field(default_factory=list)


def inspectorate_of(region: RegionLike) -> Agency | None:
    """The region's inspectorate (APIP): the agency of kind inspectorate whose home is the kab/kota."""
    return (
        Agency.objects.filter(
            kind=Agency.Kind.INSPECTORATE, region_id=getattr(region, "pk", region)
        )
        .order_by("pk")
        .first()
    )


def next_tracking_number(region: Region, moment: datetime.datetime) -> str:
    """``ADU-2171-261202-7QK4M2``: kab/kota, local date, six random characters (unguessable)."""
    day = moment.astimezone(calendar.region_zone(region)).date()
    return f"ADU-{region.code}-{day:%y%m%d}-{random_code(6)}"


def _checked_attachments(uploads) -> list[AcceptedUpload]:
    if len(uploads) > MAX_ATTACHMENTS:
        message = _("Lampiran paling banyak %(count)s berkas.") % {"count": MAX_ATTACHMENTS}
        raise ComplaintError(message, {"attachments": [message]})
    try:
        return [accept_upload(upload, ATTACHMENT_RULE) for upload in uploads]
    except UnsafeFile as error:
        raise ComplaintError(error.message, {"attachments": [error.message]}) from None


def submission_problems(data: Submission) -> dict[str, list[str]]:
    """Field errors of a submission, in the person's language (empty when it may be stored)."""
    errors: dict[str, list[str]] = {}
    text = (data.text or "").strip()
    if not text:
        errors["text"] = [_("Tuliskan isi pengaduan Anda.")]
    elif len(text) > MAX_TEXT:
        errors["text"] = [_("Isi paling banyak %(max)s karakter.") % {"max": "4.000"}]
    if not (data.title or "").strip():
        errors["title"] = [_("Tuliskan judul singkat.")]
    if data.kind not in Kind.values:
        errors["kind"] = [_("Pilih jenis pengaduan.")]
    if data.about == About.AGENCY and data.agency is None:
        errors["agency"] = [_("Pilih instansi yang Anda maksud.")]
    if data.about == About.SERVICE and data.service is None:
        errors["service"] = [_("Pilih layanan yang Anda maksud.")]
    if data.about == About.APPLICATION and not data.application_reference:
        errors["application_reference"] = [_("Tuliskan nomor permohonan Anda.")]
    if (data.latitude is None) != (data.longitude is None):
        # Half a pair: the message goes on the half that is missing.
        missing = "latitude" if data.latitude is None else "longitude"
        errors[missing] = [_("Isi lintang dan bujur bersama-sama.")]
    elif (
        data.latitude is not None
        and data.longitude is not None
        and not (-90 <= data.latitude <= 90 and -180 <= data.longitude <= 180)
    ):
        errors["latitude"] = [_("Koordinat tidak sah.")]
    needs_location = data.category is not None and data.category.needs_location
    if needs_location and not data.at_mpp and not data.address.strip() and data.latitude is None:
        errors["address"] = [
            _(
                "Kategori ini memerlukan lokasi: tuliskan keterangan tempat, atau pilih bahwa "
                "kejadiannya di gedung MPP."
            )
        ]
    return errors


@transaction.atomic
def submit_complaint(
    data: Submission,
    *,
    reporter: User | None = None,
    guest: GuestConfirmation | None = None,
    channel: str = Channel.WEB,
) -> Complaint:
    """Store a complaint (or consultation) and start the desk's verification clock.

    A guest must have confirmed a one-time code (``guest``); an account holder is the reporter.
    Raises :class:`ComplaintError` and stores nothing when anything is wrong.
    """
    errors = submission_problems(data)
    place = None
    if data.about == About.APPLICATION and data.application_reference:
        place = find_application(reporter, data.application_reference.strip())
        if place is None:
            errors["application_reference"] = [
                _("Permohonan dengan nomor ini tidak ditemukan di akun Anda.")
            ]
    if guest is not None:
        guest = contacts.lock_unused(guest)
    unconfirmed = guest is None
    if reporter is None and channel == Channel.WEB and unconfirmed:
        errors["code"] = [_("Konfirmasikan alamat surel atau nomor telepon Anda dahulu.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ComplaintError(first, errors)
    attachments = _checked_attachments(data.attachments)
    mpp, agency_id, service_id = (
        data.mpp,
        getattr(data.agency, "pk", None),
        getattr(data.service, "pk", None),
    )
    if data.service is not None:
        # A published service is no template: it has an agency, hence an MPP (check constraint).
        agency_id, mpp = data.service.agency_id, data.service.mpp or mpp
    if place is not None:
        mpp = MPP.objects.get(pk=place.mpp_id)
        agency_id, service_id = place.agency_id, place.service_id
    region = mpp.region
    if (
        data.category is not None
        and not categories_for(region).filter(pk=data.category.pk).exists()
    ):
        message = _("Kategori ini tidak berlaku di kabupaten/kota MPP yang Anda pilih.")
        raise ComplaintError(message, {"category": [message]})
    address, latitude, longitude = data.address.strip(), data.latitude, data.longitude
    if data.at_mpp:
        # What the reporter typed (a floor, a room) stays; the place itself is the MPP's.
        address = address or mpp.address or mpp.name
        if latitude is None:
            latitude, longitude = mpp.latitude, mpp.longitude
    reported_agency_id = None
    if data.category is not None and data.category.integrity:
        # Never to the agency complained about: the region's inspectorate handles it (none yet:
        # the desk refers it to the APIP outside MPP Digital).
        reported_agency_id = agency_id
        inspectorate = inspectorate_of(region)
        agency_id = inspectorate.pk if inspectorate else None
    now = timezone.now()
    limits = limits_for(region)
    if guest is not None:
        contacts.use(guest, at=now)
    complaint = Complaint(
        kind=data.kind,
        about=data.about,
        category=data.category,
        region=region,
        mpp=mpp,
        agency_id=agency_id,
        reported_agency_id=reported_agency_id,
        service_id=service_id,
        application_reference=place.tracking_number if place else "",
        title=data.title.strip()[:200],
        text=data.text.strip(),
        address=address[:300],
        latitude=latitude,
        longitude=longitude,
        is_anonymous=data.is_anonymous,
        is_confidential=data.is_confidential,
        reporter=reporter,
        reporter_name=(getattr(reporter, "name", "") or data.reporter_name).strip()[:150],
        reporter_email=(
            getattr(reporter, "email", "")
            or data.reporter_email
            or (guest.address if guest and "@" in guest.address else "")
        ),
        reporter_phone=data.reporter_phone
        or (guest.address if guest and "@" not in guest.address else ""),
        reporter_language=(translation.get_language() or "id")[:2],
        contact_confirmed=guest is not None,
        channel=channel,
        submitted_at=now,
        updated_at=now,
    )
    connected = LaporRegion.objects.filter(region=region).exists()
    start = clock.start(complaint, clock.Limit(limits.verify_working_days), at=now)
    for _attempt in range(5):
        complaint.tracking_number = next_tracking_number(region, now)
        try:
            with transaction.atomic():
                complaint.save()
            break
        except IntegrityError:
            continue
    # The receipt is a transition of its own: history and facts see every complaint arrive.
    apply_action(
        complaint,
        "submit",
        actor_user=reporter,
        actor_kinds={REPORTER},
        # The SP4N-LAPOR! key is stored with the receipt (no UPDATE of its own).
        changes=start | ({"lapor_key": lapor.idempotency_key(complaint)} if connected else {}),
        data={"channel": channel},
    )
    for accepted in attachments:
        attachment = Attachment(
            complaint=complaint,
            original_name=accepted.original_name or "lampiran",
            content_type=accepted.content_type,
            size=accepted.size,
            sha256=accepted.sha256,
        )
        accepted.save_to(attachment.file, "lampiran")
        attachment.save()
    move_clocks(complaint, CLOCK_RULES["submit"], at=now, limits=limits)
    if connected:
        record_forward(complaint)
    return complaint


# --- The SP4N-LAPOR! forward (an outbox row, sent by a task) ---------------------------------

# A forward is tried this many times with backoff, then waits for the desk to send it by hand.
FORWARD_ATTEMPTS = 8


def record_forward(complaint: Complaint) -> Forward:
    """Write the forward in the caller's transaction; its task is enqueued when that commits.

    Nothing is sent from the request: if the commit happens and the process dies before the
    task is enqueued or finishes, the row is still there and ``send_due_forwards`` sends it.
    """
    key = lapor.idempotency_key(complaint)
    if complaint.lapor_key != key:
        Complaint.objects.filter(pk=complaint.pk).update(lapor_key=key)
        complaint.lapor_key = key
    forward = Forward.objects.create(complaint=complaint, idempotency_key=key)
    transaction.on_commit(partial(_enqueue_forward, forward.pk), robust=True)
    return forward


def _enqueue_forward(forward_pk: int) -> None:
    from mpp.complaints.tasks import send_forward  # tasks.py imports this module

    send_forward.enqueue(forward_pk)


def _stale_sending(now: datetime.datetime) -> Q:
    """A try still "sending" this long after it started belongs to a process that died."""
    since = now - datetime.timedelta(seconds=settings.MPP_STALE_SENDING_SECONDS)
    return Q(status=Forward.Status.SENDING, last_attempt_at__lt=since)


def _due_forwards(now: datetime.datetime) -> Q:
    waiting = Q(status__in=[Forward.Status.PENDING, Forward.Status.FAILED])
    return (waiting & Q(next_attempt_at__lte=now)) | _stale_sending(now)


def _claim_forward(forward_pk: int, now: datetime.datetime) -> Forward | None:
    """Mark the forward as being sent by this process; None when it is not due or someone has it."""
    with transaction.atomic():
        # Only the forward's row is locked (not the complaint's: the desk may act meanwhile).
        forward = (
            Forward.objects.select_for_update().filter(_due_forwards(now), pk=forward_pk).first()
        )
        if forward is None:
            return None
        forward.status = Forward.Status.SENDING
        forward.attempts += 1
        forward.last_attempt_at = now
        forward.save(update_fields=["status", "attempts", "last_attempt_at"])
        return forward


def send_forward(forward_pk: int) -> str:
    """Hand one due forward to the connector with its idempotency key; the resulting status.

    Idempotent: a forward that is sent, not yet due or being sent by another process is left
    alone, and a retry after an uncertain outcome (the process died mid-call) carries the same
    key, so LAPOR keeps one complaint. A failure waits ``backoff(attempts)``; after
    ``FORWARD_ATTEMPTS`` it is given up until the desk sends it again.
    """
    now = timezone.now()
    forward = _claim_forward(forward_pk, now)
    if forward is None:
        return Forward.objects.filter(pk=forward_pk).values_list("status", flat=True).first() or ""
    try:
        remote_number = lapor.connector().forward(forward.complaint, forward.idempotency_key)
    except Exception as error:
        # LAPOR down, refusing or timing out: recorded on the row (no content), tried again later.
        failed_at = timezone.now()
        given_up = forward.attempts >= FORWARD_ATTEMPTS
        status = Forward.Status.GIVEN_UP if given_up else Forward.Status.FAILED
        described = type(error).__name__
        if isinstance(error, lapor.LaporUnavailable):
            described += f": {error}"
        logger.warning(
            "LAPOR forward failed: forward=%s attempt=%s error=%s",
            forward.pk,
            forward.attempts,
            described,
        )
        Forward.objects.filter(pk=forward.pk, status=Forward.Status.SENDING).update(
            status=status,
            error=described[:200],
            next_attempt_at=failed_at + backoff(forward.attempts),
        )
        return status
    Forward.objects.filter(pk=forward.pk).update(
        status=Forward.Status.SENT, remote_number=remote_number, sent_at=timezone.now(), error=""
    )
    return Forward.Status.SENT


def send_due_forwards(now: datetime.datetime | None = None) -> int:
    """The sweep: enqueue every forward that is due, and every try a dead process left "sending".

    Run often (``MPP_SCHEDULE``); a forward enqueued twice is sent once (``send_forward`` claims
    it under a row lock). Returns how many were enqueued.
    """
    now = now or timezone.now()
    due = list(
        Forward.objects.filter(_due_forwards(now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )
    for forward_pk in due:
        _enqueue_forward(forward_pk)
    return len(due)


def retry_forward(complaint: Complaint, *, user: Principal) -> Forward:
    """The desk sends a given-up forward again (a new round of attempts, the same key)."""
    if not can(user, Perm.HANDLE_COMPLAINTS, complaint):
        raise ComplaintError(_("Anda tidak berwenang mengirim ulang pengaduan ini."))
    now = timezone.now()
    with transaction.atomic():
        forward = Forward.objects.select_for_update().filter(complaint=complaint).first()
        if forward is None or forward.status != Forward.Status.GIVEN_UP:
            raise ComplaintError(_("Pengaduan ini tidak sedang menunggu dikirim ulang."))
        forward.status = Forward.Status.PENDING
        forward.attempts = 0
        forward.next_attempt_at = now
        forward.save(update_fields=["status", "attempts", "next_attempt_at"])
        transaction.on_commit(partial(_enqueue_forward, forward.pk), robust=True)
    return forward


# --- The lifecycle --------------------------------------------------------------------------


def take_action(
    complaint: Complaint,
    action: str,
    *,
    user: User | None,
    kinds: Collection[str],
    note: str = "",
    agency: Agency | None = None,
    useful: bool = False,
) -> Complaint:
    """Apply one lifecycle action with its clock changes and thread message, in one transaction.

    Raises :class:`ComplaintError` (with a field error) or a workflow error; nothing is changed then.
    """
    now = timezone.now()
    limits = limits_for(complaint.region_id)
    note = (note or "").strip()
    changes: dict = {"updated_at": now}
    message: tuple[str, bool] | None = None
    if len(note) > MAX_TEXT:
        raise ComplaintError(
            _("Isi paling banyak %(max)s karakter.") % {"max": "4.000"},
            {"note": [_("Isi paling banyak %(max)s karakter.") % {"max": "4.000"}]},
        )
    if action in ("verify", "reassign"):
        target = (
            agency if agency is not None else (complaint.agency if action == "verify" else None)
        )
        if _is_integrity(complaint) and target is None:
            _check_target(complaint, None)
        if target is None or (action == "reassign" and target.pk == complaint.agency_id):
            raise ComplaintError(
                _("Pilih instansi yang bertanggung jawab."),
                {"agency": [_("Pilih instansi yang bertanggung jawab.")]},
            )
        _check_target(complaint, target)
        changes["agency_id"] = target.pk
    if action == "verify":
        complaint.agency_id = changes["agency_id"]
        changes |= clock.start(complaint, respond_limit(complaint, limits), at=now)
        changes |= {"forwarded_at": now, "escalation_level": 0}
    elif action == "postpone":
        changes |= clock.pause(complaint, at=now)
        message = (Message.Author.DESK, False)
    elif action == "supplement":
        changes |= clock.resume(complaint, at=now)
        message = (Message.Author.REPORTER, False)
    elif action in ("refer", "archive"):
        changes |= clock.stop(complaint, at=now) | {"closed_at": now}
        if action == "refer":
            changes["referred_to"] = note[:200]
    elif action == "extend":
        changes |= clock.extend(complaint, limits.extension_working_days, at=now)
        changes |= {"extended": True, "escalation_level": 0}
    elif action == "respond":
        if not note:
            raise ComplaintError(_("Tuliskan tanggapan."), {"note": [_("Tuliskan tanggapan.")]})
        on_time = complaint.due_at is None or now <= complaint.due_at
        changes |= clock.stop(complaint, at=now) | {
            "answered_at": now,
            "answered_on_time": on_time
            if complaint.answered_on_time is None
            else complaint.answered_on_time and on_time,
        }
        message = (Message.Author.AGENCY, True)
    elif action == "reopen":
        if not note:
            raise ComplaintError(
                _("Tuliskan balasan Anda."), {"note": [_("Tuliskan balasan Anda.")]}
            )
        window = ComplaintClock.objects.filter(complaint=complaint, kind=ClockKind.REPLY)
        if not window.running().not_breached(now).exists():
            raise ComplaintError(
                _("Waktu untuk membalas sudah berakhir."),
                {"note": [_("Waktu untuk membalas sudah berakhir.")]},
            )
        changes |= clock.start(complaint, respond_limit(complaint, limits), at=now)
        changes |= {"escalation_level": 0}
        message = (Message.Author.REPORTER, False)
    elif action in ("close", "auto_close"):
        changes |= {"closed_at": now}
    # A consultation answer marked useful becomes a FAQ of the service's public page.
    faq = bool(message and note and useful and complaint.kind == Kind.CONSULTATION)
    with transaction.atomic():
        apply_action(
            complaint,
            action,
            actor_user=user if SYSTEM not in kinds else None,
            actor_kinds=kinds,
            note=note,
            changes=changes,
            data=_record_data(changes) | ({"faq": True} if faq and complaint.service_id else {}),
        )
        move_clocks(complaint, CLOCK_RULES.get(action, {}), at=now, limits=limits)
        if message is not None and note:
            Message.objects.create(
                complaint=complaint,
                author_kind=message[0],
                author=user if SYSTEM not in kinds else None,
                text=note,
                is_response=message[1],
                is_useful=faq,
                at=now,
            )
    return complaint


def _is_integrity(complaint: Complaint) -> bool:
    return complaint.category is not None and complaint.category.integrity


def _check_target(complaint: Complaint, target: Agency | None) -> None:
    """Where the desk may send a complaint: an agency serving at its MPP; an integrity complaint
    only to the region's inspectorate (never to the agency it is about)."""
    if _is_integrity(complaint):
        inspectorate = inspectorate_of(complaint.region_id)
        if inspectorate is None:
            message = _(
                "Kabupaten/kota ini belum mempunyai inspektorat di MPP Digital; rujuk pengaduan "
                "integritas ini ke APIP dengan tindakan “Bukan wewenang”."
            )
        elif target is None or target.pk != inspectorate.pk:
            message = _(
                "Pengaduan integritas (pungli, gratifikasi, maladministrasi petugas) hanya "
                "diteruskan ke %(inspectorate)s, tidak ke instansi yang diadukan."
            ) % {"inspectorate": inspectorate.name}
        else:
            return
        raise ComplaintError(message, {"agency": [message]})
    if (
        target is None
        or not target.presences.filter(mpp_id=complaint.mpp_id, is_active=True).exists()
    ):
        raise ComplaintError(
            _("Instansi ini tidak hadir di MPP pengaduan."),
            {"agency": [_("Instansi ini tidak hadir di MPP pengaduan.")]},
        )


def _record_data(changes: dict) -> dict:
    """What the history keeps of an action (the new agency; whether an answer was on time)."""
    data = {}
    if "agency_id" in changes:
        data["agency_id"] = changes["agency_id"]
    if "answered_at" in changes:
        data["on_time"] = bool(changes["answered_on_time"])
    return data


def rate_response(complaint: Complaint, *, rating: int, comment: str = "") -> Complaint:
    """The reporter rates the agency's response (1–5 and an optional comment), once."""
    errors = {}
    if complaint.answered_at is None:
        errors["rating"] = [_("Pengaduan ini belum ditanggapi.")]
    elif complaint.rating is not None:
        errors["rating"] = [_("Anda sudah memberi penilaian.")]
    elif rating not in range(1, 6):
        errors["rating"] = [_("Pilih nilai 1 sampai 5.")]
    if len(comment) > 1000:
        errors["comment"] = [_("Komentar paling banyak 1.000 karakter.")]
    if errors:
        raise ComplaintError(next(iter(errors.values()))[0], errors)
    Complaint.objects.filter(pk=complaint.pk).update(rating=rating, rating_comment=comment.strip())
    complaint.rating, complaint.rating_comment = rating, comment.strip()
    return complaint


def add_note(complaint: Complaint, *, user: User, text: str) -> Note:
    text = (text or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise ComplaintError(
            _("Tuliskan catatan (paling banyak 4.000 karakter)."),
            {"text": [_("Tuliskan catatan (paling banyak 4.000 karakter).")]},
        )
    return Note.objects.create(complaint=complaint, author=user, text=text)


def save_template(
    *, agency: Agency | None, mpp: MPP | None, title: str, text: str
) -> ResponseTemplate:
    title, text = (title or "").strip(), (text or "").strip()
    errors = {}
    if not title:
        errors["title"] = [_("Tuliskan judul templat.")]
    if not text or len(text) > MAX_TEXT:
        errors["text"] = [_("Tuliskan isi templat (paling banyak 4.000 karakter).")]
    if errors:
        raise ComplaintError(next(iter(errors.values()))[0], errors)
    return ResponseTemplate.objects.create(agency=agency, mpp=mpp, title=title[:120], text=text)


# --- The sweep: automatic closing and escalation ---------------------------------------------


def _escalate(
    complaint: Complaint, action: str, level: int, due_at, now: datetime.datetime
) -> bool:
    """Record one escalation (a transition, told by the hooks, and an Escalation row); False
    when the complaint moved meanwhile or this escalation was already recorded."""
    whole_case = action == "exceed_limit"
    try:
        with transaction.atomic():
            apply_action(
                complaint,
                action,
                actor_user=None,
                actor_kinds={SYSTEM},
                changes={} if whole_case else {"escalation_level": level},
                data={"level": level},
            )
            Escalation.objects.create(
                complaint=complaint,
                level=level,
                whole_case=whole_case,
                status=complaint.status,
                due_at=due_at,
                at=now,
            )
            if level == 1:
                # The second escalation waits on its own clock, from the missed deadline.
                move_clocks(
                    complaint,
                    {ClockKind.ESCALATE_AGAIN: START},
                    at=now,
                    start_at=complaint.due_at,
                    limits=limits_for(complaint.region_id),
                )
    except (WorkflowError, IntegrityError):
        return False
    return True


def escalate(complaint: Complaint, level: int, now: datetime.datetime) -> bool:
    """Raise an overdue complaint to ``level`` (1: the MPP manager, 2: the regional admin)."""
    return _escalate(complaint, "escalate", level, complaint.due_at, now)


def _due_clocks(kind: str, now: datetime.datetime):
    return (
        ComplaintClock.objects.breached(now)
        .filter(kind=kind)
        .select_related("complaint__region")
        .order_by("due_at")
    )


def _each(rows, act, what: str) -> int:
    """Run ``act`` on each row; one row failing must never stop the sweep (the next one retries)."""
    done = 0
    for row in rows[:500]:
        try:
            done += bool(act(row))
        except Exception as error:
            logger.error("%s of complaint clock %s failed: %s", what, row.pk, type(error).__name__)
    return done


def sweep_step(now: datetime.datetime) -> dict[str, int]:
    """Escalate complaints whose desk or agency clock passed its deadline (level 1)."""
    overdue = (
        Complaint.objects.breached(now)
        .filter(status__in=STAFF_CLOCK, escalation_level=0)
        .select_related("region")[:500]
    )
    return {"escalated": sum(escalate(complaint, 1, now) for complaint in overdue)}


def sweep_clocks(now: datetime.datetime) -> dict[str, int]:
    """Act on the complaint clocks the sweep flagged: close answered complaints whose reply window
    ended, raise a complaint still overdue to level 2, and tell the overseers once of a complaint
    past its whole-case limit."""
    closed = _each(
        _due_clocks(ClockKind.REPLY, now).filter(complaint__status="answered"),
        lambda row: take_action(row.complaint, "auto_close", user=None, kinds={SYSTEM}),
        "auto-close",
    )
    again = _each(
        # Only while the stage deadline is still missed (the one rule, on the complaint).
        _due_clocks(ClockKind.ESCALATE_AGAIN, now).filter(
            complaint__in=Complaint.objects.breached(now).filter(
                status__in=STAFF_CLOCK, escalation_level=1
            )
        ),
        lambda row: escalate(row.complaint, 2, now),
        "escalation",
    )
    limit = _each(
        _due_clocks(ClockKind.LIMIT, now)
        .filter(complaint__status__in=STAFF_CLOCK)
        .exclude(complaint__escalations__whole_case=True),
        lambda row: _escalate(row.complaint, "exceed_limit", 2, row.due_at, now),
        "whole-case escalation",
    )
    return {"closed": closed, "escalated": again, "exceeded_limit": limit}


# --- The manager's statistics per agency (counters) ------------------------------------------


@dataclass(frozen=True)
class StatisticsDrift:
    """One figure of one counter row that differs from a count of the complaints."""

    agency_id: int
    mpp_id: int
    region_id: str
    figure: str
    stored: int
    counted: int


MICROSECOND = datetime.timedelta(microseconds=1)


def _counted_statistics() -> dict[tuple[int, int, str], dict[str, int]]:
    """The figures of every (agency, MPP, kab/kota) counted from the complaints: one grouped scan,
    the count the statistics page made before the counters."""
    answered = Q(answered_at__isnull=False)
    response = ExpressionWrapper(F("answered_at") - F("submitted_at"), output_field=DurationField())
    rows = (
        Complaint.objects.filter(agency__isnull=False)
        .values("agency_id", "mpp_id", "region_id")
        .annotate(
            n_received=Count("id"),
            n_answered=Count("id", filter=answered),
            n_on_time=Count("id", filter=Q(answered_on_time=True)),
            n_escalated=Count("id", filter=Q(escalation_level__gt=0)),
            response=Sum(response, filter=answered),
        )
        .order_by()
    )
    return {
        (row["agency_id"], row["mpp_id"], row["region_id"]): {
            "received": row["n_received"],
            "answered": row["n_answered"],
            "answered_on_time": row["n_on_time"],
            "escalated": row["n_escalated"],
            "response_microseconds": (row["response"] or datetime.timedelta(0)) // MICROSECOND,
        }
        for row in rows
    }


def recount_complaint_stats(*, fix: bool = False) -> list[StatisticsDrift]:
    """Compare every :class:`~mpp.complaints.models.AgencyComplaintCount` with a count of the
    complaints and, with ``fix``, replace them with the counted values, in one transaction that
    locks the counters against the triggers meanwhile."""
    with transaction.atomic():
        stored = {
            (row.agency_id, row.mpp_id, row.region_id): {
                figure: getattr(row, figure) for figure in AgencyComplaintCount.FIGURES
            }
            for row in AgencyComplaintCount.objects.select_for_update()
        }
        counted = _counted_statistics()
        zero = dict.fromkeys(AgencyComplaintCount.FIGURES, 0)
        drift = [
            StatisticsDrift(agency, mpp, region, figure, has[figure], wants[figure])
            for key in sorted(set(stored) | set(counted))
            for agency, mpp, region in [key]
            for has, wants in [(stored.get(key, zero), counted.get(key, zero))]
            for figure in AgencyComplaintCount.FIGURES
            if has[figure] != wants[figure]
        ]
        if fix and drift:
            AgencyComplaintCount.objects.all().delete()
            AgencyComplaintCount.objects.bulk_create(
                AgencyComplaintCount(agency_id=agency, mpp_id=mpp, region_id=region, **figures)
                for (agency, mpp, region), figures in counted.items()
            )
    return drift


# --- Integration clients (Open311 API keys) --------------------------------------------------


def issue_api_key(
    *, name: str, region: Region | None, created_by: User
) -> tuple[IntegrationClient, str]:
    """A new API key; the raw key is returned once and only its SHA-256 is stored."""
    name = (name or "").strip()
    if not name:
        raise ComplaintError(_("Tuliskan nama klien."), {"name": [_("Tuliskan nama klien.")]})
    raw = f"o311_{secrets.token_urlsafe(24)}"
    client = IntegrationClient.objects.create(
        name=name[:120],
        region=region,
        key_prefix=raw[:8],
        key_hash=IntegrationClient.hash(raw),
        created_by=created_by,
    )
    return client, raw


def revoke_api_key(client: IntegrationClient) -> None:
    IntegrationClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
