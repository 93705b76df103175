"""Every write of the complaints app: submit, the lifecycle actions, the sweep, ratings, keys."""

from __future__ import annotations

import datetime
import logging
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mpp.accounts import limits
from mpp.accounts.models import Role, RoleGrant
from mpp.accounts.policy import Perm, can
from mpp.accounts.tokens import random_code
from mpp.catalog import public_cache
from mpp.complaints import lapor
from mpp.complaints.models import (
    MAX_TEXT,
    About,
    Attachment,
    Category,
    Channel,
    Complaint,
    Escalation,
    Forward,
    GuestConfirmation,
    IntegrationClient,
    Kind,
    LaporRegion,
    Message,
    Note,
    ResponseTemplate,
    TimeLimits,
)
from mpp.complaints.registry import find_application
from mpp.complaints.workflow import REPORTER, STAFF_CLOCK
from mpp.deadlines import services as clock
from mpp.deadlines.retry import backoff
from mpp.documents.uploads import AcceptedUpload, UnsafeFile, UploadRule, accept_upload
from mpp.notifications.base import Channel as NotificationChannel
from mpp.notifications.registry import gateways
from mpp.notifications.services import notify, notify_contact
from mpp.regions import calendar
from mpp.workflows.definitions import SYSTEM
from mpp.workflows.errors import WorkflowError
from mpp.workflows.services import apply_action

logger = logging.getLogger(__name__)

MAX_ATTACHMENTS = 3
ATTACHMENT_RULE = UploadRule(
    types=("application/pdf", "image/png", "image/jpeg"), max_bytes=5 * 1024 * 1024
)
CODE_LIFETIME = datetime.timedelta(minutes=15)
CODE_ATTEMPTS = 5


class ComplaintError(Exception):
    """A request that cannot be honoured; ``errors`` maps fields to Indonesian messages."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


# --- Day counts ---------------------------------------------------------------------------


def limits_for(region) -> TimeLimits:
    """The region's day counts, else the national row, else the defaults of the model."""
    region_id = getattr(region, "pk", region)
    rows = {
        row.region_id: row
        for row in TimeLimits.objects.filter(Q(region_id=region_id) | Q(region__isnull=True))
    }
    return rows.get(region_id) or rows.get(None) or TimeLimits()


def respond_limit(complaint: Complaint, limits: TimeLimits) -> clock.Limit:
    if complaint.kind == Kind.INFORMATION:
        return clock.Limit(limits.information_working_days)
    return clock.Limit(limits.respond_working_days)


# --- Guests' one-time codes -----------------------------------------------------------------


def send_guest_code(address: str) -> GuestConfirmation:
    """Send a six-digit code to a guest's email address (mail) or phone number (SMS outbox).

    Codes are limited per destination (``guest_code`` in ``mpp.accounts.limits``), whatever
    address the request came from and whatever the form field is called."""
    address = address.strip().lower()
    verdict = limits.check_key("guest_code", limits.normalise_destination(address))
    if verdict is not None:
        _title, detail = limits.refusal(verdict)
        raise ComplaintError(detail, {"address": [detail]})
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = timezone.now()
    confirmation = GuestConfirmation.objects.create(
        address=address, code_hash=GuestConfirmation.hash(code), expires_at=now + CODE_LIFETIME
    )
    text = _("Kode konfirmasi pengaduan MPP Digital Anda: %(code)s. Berlaku 15 menit.") % {
        "code": code
    }
    if "@" in address:
        transaction.on_commit(
            lambda: send_mail(_("Kode konfirmasi pengaduan"), text, None, [address]), robust=True
        )
    else:
        gateways.get(settings.MPP_SMS_GATEWAY)(NotificationChannel.SMS).send(
            address, text, key=f"guest-code:{confirmation.pk}"
        )
    return confirmation


def confirm_guest_code(confirmation_id: int, code: str) -> GuestConfirmation:
    """Confirm a guest's code. A wrong code is counted and the count is committed before the error
    is raised (in its own transaction: a caller's rollback cannot undo it), so the
    ``CODE_ATTEMPTS`` limit holds."""
    with transaction.atomic():
        confirmation = (
            GuestConfirmation.objects.select_for_update().filter(pk=confirmation_id).first()
        )
        now = timezone.now()
        if confirmation is None or confirmation.expires_at < now or confirmation.used_at:
            raise ComplaintError(
                _("Kode sudah tidak berlaku; mintalah kode baru."),
                {"code": [_("Kode sudah tidak berlaku; mintalah kode baru.")]},
            )
        if confirmation.attempts >= CODE_ATTEMPTS:
            raise ComplaintError(
                _("Terlalu banyak percobaan; mintalah kode baru."),
                {"code": [_("Terlalu banyak percobaan; mintalah kode baru.")]},
            )
        right = secrets.compare_digest(confirmation.code_hash, GuestConfirmation.hash(code.strip()))
        if right:
            confirmation.confirmed_at = now
            confirmation.save(update_fields=["confirmed_at"])
            return confirmation
        GuestConfirmation.objects.filter(pk=confirmation.pk).update(attempts=F("attempts") + 1)
    left = CODE_ATTEMPTS - confirmation.attempts - 1
    message = _("Kode salah. Sisa percobaan: %(left)s.") % {"left": left}
    if left <= 0:
        message = _("Kode salah. Percobaan habis; mintalah kode baru.")
    raise ComplaintError(message, {"code": [message]})


# --- Submitting -----------------------------------------------------------------------------


@dataclass
class Submission:
    kind: str
    about: str
    title: str
    text: str
    mpp: object
    agency: object | None = None
    service: object | None = None
    category: Category | None = None
    application_reference: str = ""
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    is_anonymous: bool = False
    is_confidential: bool = False
    reporter_name: str = ""
    reporter_email: str = ""
    reporter_phone: str = ""
    attachments: list = field(default_factory=list)


def next_tracking_number(region, moment: datetime.datetime) -> str:
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
    elif data.latitude is not None and not (
        -90 <= data.latitude <= 90 and -180 <= data.longitude <= 180
    ):
        errors["latitude"] = [_("Koordinat tidak sah.")]
    needs_location = data.category is not None and data.category.needs_location
    if needs_location and not data.address.strip() and data.latitude is None:
        errors["address"] = [_("Kategori ini memerlukan lokasi: isi alamat atau koordinat.")]
    return errors


@transaction.atomic
def submit_complaint(
    data: Submission,
    *,
    reporter=None,
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
        guest = GuestConfirmation.objects.select_for_update().filter(pk=guest.pk).first()
    unconfirmed = guest is None or guest.confirmed_at is None or guest.used_at is not None
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
        agency_id, mpp = data.service.agency_id, data.service.mpp
    if place is not None:
        from mpp.tenancy.models import MPP

        mpp = MPP.objects.get(pk=place.mpp_id)
        agency_id, service_id = place.agency_id, place.service_id
    region = mpp.region
    now = timezone.now()
    limits = limits_for(region)
    if guest is not None:
        GuestConfirmation.objects.filter(pk=guest.pk).update(used_at=now)
    complaint = Complaint(
        kind=data.kind,
        about=data.about,
        category=data.category,
        region=region,
        mpp=mpp,
        agency_id=agency_id,
        service_id=service_id,
        application_reference=place.tracking_number if place else "",
        title=data.title.strip()[:200],
        text=data.text.strip(),
        address=data.address.strip(),
        latitude=data.latitude,
        longitude=data.longitude,
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
        resolve_by=calendar.due_at_calendar_days(region, now, limits.resolve_days),
    )
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
        changes=start,
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
    _notify_reporter(complaint, "complaint.received", due_at=complaint.due_at)
    if LaporRegion.objects.filter(region=region).exists():
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


def retry_forward(complaint: Complaint, *, user) -> Forward:
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


def _notify_reporter(complaint: Complaint, kind: str, **context) -> None:
    """Tell the reporter, with the follow link: an account holder through their account (their
    channels and preferences); a guest at the email address or phone number they confirmed."""
    context = {"tracking_number": complaint.tracking_number, **context}
    link = f"/pengaduan/lacak/{complaint.follow_token}/"
    if complaint.reporter_id is not None:
        notify(complaint.reporter, kind, context, link=link)
        return
    contact = complaint.reporter_email or complaint.reporter_phone
    if contact and complaint.contact_confirmed:
        notify_contact(
            contact, kind, context, link=link, language=complaint.reporter_language or "id"
        )


def take_action(
    complaint: Complaint,
    action: str,
    *,
    user,
    kinds,
    note: str = "",
    agency=None,
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
        if target is None or (action == "reassign" and target.pk == complaint.agency_id):
            raise ComplaintError(
                _("Pilih instansi yang bertanggung jawab."),
                {"agency": [_("Pilih instansi yang bertanggung jawab.")]},
            )
        if not target.presences.filter(mpp_id=complaint.mpp_id, is_active=True).exists():
            raise ComplaintError(
                _("Instansi ini tidak hadir di MPP pengaduan."),
                {"agency": [_("Instansi ini tidak hadir di MPP pengaduan.")]},
            )
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
        changes |= {
            "due_at": calendar.due_at(
                complaint.region, complaint.due_at or now, limits.extension_working_days
            ),
            "extended": True,
            "breached_at": None,
            "escalation_level": 0,
        }
    elif action == "respond":
        if not note:
            raise ComplaintError(_("Tuliskan tanggapan."), {"note": [_("Tuliskan tanggapan.")]})
        on_time = complaint.due_at is None or now <= complaint.due_at
        changes |= clock.stop(complaint, at=now) | {
            "answered_at": now,
            "answered_on_time": on_time
            if complaint.answered_on_time is None
            else complaint.answered_on_time and on_time,
            "reply_until": calendar.due_at_calendar_days(
                complaint.region, now, limits.reply_window_days
            ),
        }
        message = (Message.Author.AGENCY, True)
    elif action == "reopen":
        if not note:
            raise ComplaintError(
                _("Tuliskan balasan Anda."), {"note": [_("Tuliskan balasan Anda.")]}
            )
        if complaint.reply_until is None or now > complaint.reply_until:
            raise ComplaintError(
                _("Waktu untuk membalas sudah berakhir."),
                {"note": [_("Waktu untuk membalas sudah berakhir.")]},
            )
        changes |= clock.start(complaint, respond_limit(complaint, limits), at=now)
        changes |= {"reply_until": None, "escalation_level": 0}
        message = (Message.Author.REPORTER, False)
    elif action in ("close", "auto_close"):
        changes |= {"closed_at": now, "reply_until": None}
    with transaction.atomic():
        apply_action(
            complaint,
            action,
            actor_user=user if SYSTEM not in kinds else None,
            actor_kinds=kinds,
            note=note,
            changes=changes,
            data=_record_data(changes),
        )
        if message is not None and note:
            Message.objects.create(
                complaint=complaint,
                author_kind=message[0],
                author=user if SYSTEM not in kinds else None,
                text=note,
                is_response=message[1],
                is_useful=useful and complaint.kind == Kind.CONSULTATION,
                at=now,
            )
            if useful and complaint.service_id:
                transaction.on_commit(public_cache.bump, robust=True)
        if action == "postpone":
            _notify_reporter(complaint, "complaint.postponed", reason=note)
        elif action == "respond":
            _notify_reporter(complaint, "complaint.answered", reply_until=complaint.reply_until)
    return complaint


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


def add_note(complaint: Complaint, *, user, text: str) -> Note:
    text = (text or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise ComplaintError(
            _("Tuliskan catatan (paling banyak 4.000 karakter)."),
            {"text": [_("Tuliskan catatan (paling banyak 4.000 karakter).")]},
        )
    return Note.objects.create(complaint=complaint, author=user, text=text)


def save_template(*, agency, mpp, title: str, text: str) -> ResponseTemplate:
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


def _recipients(complaint: Complaint, level: int):
    grants = RoleGrant.objects.active().select_related("user")
    if level == 1:
        grants = grants.filter(role=Role.MPP_MANAGER, mpp_id=complaint.mpp_id)
    else:
        grants = grants.filter(role=Role.REGIONAL_ADMIN, region_id=complaint.region_id)
    return {grant.user for grant in grants}


def escalate(complaint: Complaint, level: int, now: datetime.datetime) -> bool:
    """Record (a transition and an Escalation row) and notify one escalation; False when the
    complaint moved meanwhile or this level was already recorded."""
    try:
        with transaction.atomic():
            apply_action(
                complaint,
                "escalate",
                actor_user=None,
                actor_kinds={SYSTEM},
                changes={"escalation_level": level},
                data={"level": level},
            )
            Escalation.objects.create(
                complaint=complaint,
                level=level,
                status=complaint.status,
                due_at=complaint.due_at,
                at=now,
            )
            for user in _recipients(complaint, level):
                notify(
                    user,
                    "complaint.escalated",
                    {
                        "tracking_number": complaint.tracking_number,
                        "due_at": complaint.due_at,
                        "level": level,
                    },
                    link=f"/kelola/pengaduan/{complaint.pk}/",
                )
    except (WorkflowError, IntegrityError):
        return False
    return True


def sweep_step(now: datetime.datetime) -> dict[str, int]:
    """Close answered complaints whose reply window ended; escalate overdue ones a level up."""
    closed = escalated = 0
    for complaint in Complaint.objects.filter(
        status="answered", reply_until__lt=now
    ).select_related("region")[:500]:
        try:
            take_action(complaint, "auto_close", user=None, kinds={SYSTEM})
            closed += 1
        except Exception as error:  # one row must never stop the sweep; the next sweep retries
            logger.error(
                "auto-close of complaint %s failed: %s", complaint.pk, type(error).__name__
            )
    overdue = (
        Complaint.objects.breached(now)
        .filter(status__in=STAFF_CLOCK, escalation_level__lt=2)
        .select_related("region")[:500]
    )
    for complaint in overdue:
        limits = limits_for(complaint.region_id)
        if complaint.escalation_level == 0:
            escalated += escalate(complaint, 1, now)
        elif now > calendar.due_at(
            complaint.region, complaint.due_at, limits.escalate_again_working_days
        ):
            escalated += escalate(complaint, 2, now)
    return {"closed": closed, "escalated": escalated}


# --- Integration clients (Open311 API keys) --------------------------------------------------


def issue_api_key(*, name: str, region, created_by) -> tuple[IntegrationClient, str]:
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


def mark_useful(message: Message, useful: bool) -> None:
    Message.objects.filter(pk=message.pk).update(is_useful=useful)
    transaction.on_commit(public_cache.bump, robust=True)
