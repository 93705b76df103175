"""Every write of room bookings: rooms, a request, the manager's decision, withdrawal,
cancellation and the sweep's escalation. Who may act is the policy's (``Perm.MANAGE_ROOMS`` for the
MPP's manager; the requester is the account that asked)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mpp.accounts.models import User
from mpp.accounts.policy import Perm, Principal, can
from mpp.deadlines import services as clock
from mpp.deadlines.services import Limit
from mpp.errors import ServiceError
from mpp.regions import calendar
from mpp.regions.calendar import OfficeHours
from mpp.rooms.models import SLOT, Booking, Room, RoomSlot
from mpp.rooms.workflow import MANAGER, REQUESTER
from mpp.workflows import services as workflow_services
from mpp.workflows.definitions import SYSTEM
from mpp.workflows.errors import WorkflowError, refusal_status
from mpp.workflows.hooks import hooks

if TYPE_CHECKING:
    from mpp.tenancy.models import MPP


# The manager decides within three working days of the MPP's region (the deadline clock).
DECISION_LIMIT = Limit(3)
# How far ahead a room may be asked for.
BOOKING_HORIZON = datetime.timedelta(days=180)
# A request made outside a workflow transition: the managers are told by the hooks of this event.
BOOKING_EVENTS = "room_booking_events"
REQUESTED = "requested"
# An approval (with or without a condition) once its slots are held: the dashboards' daily facts
# are bumped by this event's hooks in the approval's transaction.
APPROVED = "approved"


class RoomError(ServiceError):
    """A refused room write (403: refused by the policy; 409: the slot or the status moved)."""

    default_status = 400


def taken_message() -> str:
    return _("Ruang sudah dipakai pada waktu itu. Pilih waktu lain.")


def office_hours(mpp: MPP) -> OfficeHours:
    """The MPP's opening hours: a room may be used only while its MPP is open."""
    return OfficeHours.from_opening_hours(mpp.opening_hours.all())


def kinds_for(user, booking: Booking) -> set[str]:
    kinds = set()
    if getattr(user, "pk", None) is not None and user.pk == booking.requester_id:
        kinds.add(REQUESTER)
    if can(user, Perm.MANAGE_ROOMS, booking):
        kinds.add(MANAGER)
    return kinds


# --- Rooms --------------------------------------------------------------------------------------


@dataclass
class RoomData:
    name: str
    kind: str
    capacity: int
    facilities: str = ""
    house_rules: str = ""


def _may_manage(actor: Principal, mpp: MPP) -> None:
    if not can(actor, Perm.MANAGE_ROOMS, mpp):
        raise RoomError(_("Anda tidak berwenang mengelola ruang MPP ini."), status=403)


def _save_room(room: Room, data: RoomData) -> Room:
    """Write ``data`` onto ``room`` (new or edited); a name the MPP already uses is refused."""
    if data.capacity < 1:
        raise RoomError(errors={"capacity": _("Kapasitas paling sedikit 1 orang.")})
    for name, value in data.__dict__.items():
        setattr(room, name, value)
    try:
        with transaction.atomic():
            room.save()
    except IntegrityError:
        message = _("MPP ini sudah memiliki ruang dengan nama itu.")
        raise RoomError(message, {"name": message}) from None
    return room


def add_room(mpp: MPP, data: RoomData, *, actor: Principal) -> Room:
    _may_manage(actor, mpp)
    return _save_room(Room(mpp=mpp), data)


@transaction.atomic
def update_room(room: Room, data: RoomData, *, actor: Principal) -> Room:
    """The manager edits a room. Bookings already made keep their room and attendance (a lower
    capacity applies to new requests)."""
    room = Room.objects.select_for_update(of=("self",)).select_related("mpp").get(pk=room.pk)
    _may_manage(actor, room.mpp)
    return _save_room(room, data)


@transaction.atomic
def set_room_active(
    room: Room,
    active: bool,
    *,
    actor: Principal,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Room:
    """The manager takes a room out of use (with a reason) or back into use. A room out of use
    takes no new requests; its pending requests are declined with the reason, in this
    transaction, and each requester is told (the decision's hook). Approved bookings stay: the
    manager cancels each one that cannot take place, with its own reason."""
    room = Room.objects.select_for_update(of=("self",)).select_related("mpp").get(pk=room.pk)
    _may_manage(actor, room.mpp)
    reason = reason.strip()
    if not active and not reason:
        message = _("Tuliskan alasan ruang tidak dapat dipinjam; pemohon akan membacanya.")
        raise RoomError(message, {"reason": message})
    room.is_active = active
    room.save(update_fields=["is_active"])
    if active:
        return room
    now = now or timezone.now()
    note = _("Ruang tidak lagi dapat dipinjam: %(reason)s") % {"reason": reason}
    pending = Booking.objects.select_for_update(of=("self",)).filter(room=room, status="requested")
    for booking in pending.select_related("room", "mpp", "region", "requester"):
        changes = clock.stop(booking, at=now) | {"decision_reason": note}
        _act(booking, "decline", actor, note=note, changes=changes)
    return room


# --- A request ----------------------------------------------------------------------------------


@dataclass
class Request:
    group_name: str
    title: str
    purpose: str
    attendance: int
    is_public: bool
    day: datetime.date
    starts: datetime.time
    ends: datetime.time


def slot_starts(
    starts_at: datetime.datetime, ends_at: datetime.datetime
) -> list[datetime.datetime]:
    """The half hours a booking from ``starts_at`` to ``ends_at`` holds."""
    moments = []
    moment = starts_at
    while moment < ends_at:
        moments.append(moment)
        moment += SLOT
    return moments


def is_taken(room: Room, starts_at: datetime.datetime, ends_at: datetime.datetime) -> bool:
    return RoomSlot.objects.filter(
        room=room, starts_at__in=slot_starts(starts_at, ends_at)
    ).exists()


def _moments(room: Room, request: Request, now: datetime.datetime):
    """The aware start and end of the request, or the reasons it cannot be booked."""
    if request.starts.minute % 30 or request.ends.minute % 30 or request.starts.second:
        raise RoomError(
            errors={"starts": _("Waktu mulai dan selesai harus tepat jam atau setengah jam.")}
        )
    if request.ends <= request.starts:
        raise RoomError(errors={"ends": _("Waktu selesai harus sesudah waktu mulai.")})
    zone = calendar.region_zone(room.mpp.region_id)
    starts_at = datetime.datetime.combine(request.day, request.starts, tzinfo=zone)
    ends_at = datetime.datetime.combine(request.day, request.ends, tzinfo=zone)
    if starts_at <= now:
        raise RoomError(errors={"day": _("Pilih tanggal dan waktu yang belum lewat.")})
    if starts_at > now + BOOKING_HORIZON:
        raise RoomError(errors={"day": _("Ruang dapat dipinjam paling lama 180 hari ke depan.")})
    intervals = calendar.opening_intervals(room.mpp.region_id, office_hours(room.mpp), request.day)
    if not intervals:
        raise RoomError(errors={"day": _("MPP tutup pada tanggal itu. Pilih hari lain.")})
    if not any(opens <= request.starts and request.ends <= closes for opens, closes in intervals):
        hours = ", ".join(f"{o:%H.%M}–{c:%H.%M}" for o, c in intervals)
        raise RoomError(
            errors={
                "starts": _("Ruang hanya dapat dipakai pada jam buka MPP: %(hours)s.")
                % {"hours": hours}
            }
        )
    return starts_at, ends_at


@transaction.atomic
def request_booking(
    room: Room, request: Request, *, actor: Principal, now: datetime.datetime | None = None
) -> Booking:
    """A signed-in person asks for ``room`` for their group; the manager's clock starts."""
    if not isinstance(actor, User):
        raise RoomError(_("Masuk terlebih dahulu untuk meminjam ruang."), status=403)
    # The room row as it is now, locked: a request never slips past the room being taken out of
    # use (which locks it too, then declines the pending requests).
    room = Room.objects.select_for_update(of=("self",)).select_related("mpp").get(pk=room.pk)
    if not room.is_active or not room.mpp.is_active:
        raise RoomError(_("Ruang ini tidak dapat dipinjam."), status=409)
    now = now or timezone.now()
    if request.attendance < 1:
        raise RoomError(errors={"attendance": _("Isi perkiraan jumlah peserta, paling sedikit 1.")})
    if request.attendance > room.capacity:
        raise RoomError(
            errors={"attendance": _("Kapasitas ruang ini %(n)d orang.") % {"n": room.capacity}}
        )
    starts_at, ends_at = _moments(room, request, now)
    if is_taken(room, starts_at, ends_at):
        raise RoomError(taken_message(), {"starts": taken_message()}, status=409)
    booking = Booking(
        room=room,
        mpp=room.mpp,
        region_id=room.mpp.region_id,
        requester=actor,
        group_name=request.group_name.strip(),
        title=request.title.strip(),
        purpose=request.purpose.strip(),
        attendance=request.attendance,
        is_public=request.is_public,
        starts_at=starts_at,
        ends_at=ends_at,
        requested_at=now,
    )
    for field, value in clock.start(booking, DECISION_LIMIT, at=now).items():
        setattr(booking, field, value)
    booking.save()
    hooks.run_in_transaction(BOOKING_EVENTS, REQUESTED, booking)
    return booking


# --- Decisions, withdrawal, cancellation --------------------------------------------------------


def _act(booking: Booking, action: str, actor, *, note: str = "", changes=None, version=None):
    kinds = kinds_for(actor, booking)
    if not kinds:
        raise RoomError(_("Anda tidak berwenang menangani peminjaman ini."), status=403)
    try:
        return workflow_services.apply_action(
            booking, action, actor_user=actor, actor_kinds=kinds, note=note.strip(),
            changes=changes or {}, expected_version=version,
        )  # fmt: skip
    except WorkflowError as error:
        raise RoomError(error.message, {"note": error.message} if error.code == "note_required" else None,
                        status=refusal_status(error)) from None  # fmt: skip


def _hold_slots(booking: Booking) -> None:
    """The no-double-booking rule: one row per half hour, unique per room and start."""
    rows = [
        RoomSlot(room_id=booking.room_id, starts_at=moment, booking=booking)
        for moment in slot_starts(booking.starts_at, booking.ends_at)
    ]
    try:
        with transaction.atomic():
            RoomSlot.objects.bulk_create(rows)
    except IntegrityError:
        raise RoomError(taken_message(), status=409) from None


@transaction.atomic
def decide(
    booking: Booking,
    action: str,
    *,
    actor: Principal,
    note: str = "",
    version: int | None = None,
    now: datetime.datetime | None = None,
) -> Booking:
    """The manager approves (``approve``), approves with a condition (``approve_with_conditions``,
    the condition is the note) or declines with a reason (``decline``). An approval holds the
    room's slots in the same transaction; a slot already held refuses it and changes nothing."""
    if action not in ("approve", "approve_with_conditions", "decline"):
        raise RoomError(_("Tindakan tidak dikenal."))
    now = now or timezone.now()
    changes = clock.stop(booking, at=now)
    if action == "approve_with_conditions":
        changes["conditions"] = note.strip()
    elif action == "decline":
        changes["decision_reason"] = note.strip()
    _act(booking, action, actor, note=note, changes=changes, version=version)
    if action != "decline" and booking.starts_at <= now:  # raised inside: the action rolls back
        raise RoomError(
            _("Waktu peminjaman sudah lewat; permohonan ini hanya dapat ditolak."), status=409
        )
    if action != "decline":
        _hold_slots(booking)
        hooks.run_in_transaction(BOOKING_EVENTS, APPROVED, booking)
    return booking


@transaction.atomic
def withdraw(
    booking: Booking, *, actor: Principal, now: datetime.datetime | None = None
) -> Booking:
    """The requester takes back a request not yet decided."""
    _act(booking, "withdraw", actor, changes=clock.stop(booking, at=now or timezone.now()))
    return booking


@transaction.atomic
def cancel(
    booking: Booking, *, actor: Principal, reason: str, now: datetime.datetime | None = None
) -> Booking:
    """Either side cancels an approved booking before it starts, with a reason the other side is
    told; the room's slots are free again."""
    now = now or timezone.now()
    if booking.is_approved and booking.ends_at <= now:
        raise RoomError(_("Peminjaman yang sudah selesai tidak dapat dibatalkan."), status=409)
    kinds = kinds_for(actor, booking)
    by_manager = MANAGER in kinds and REQUESTER not in kinds
    _act(booking, "cancel", actor, note=reason, changes={
        "cancel_reason": reason.strip(), "cancelled_by_manager": by_manager,
    })  # fmt: skip
    RoomSlot.objects.filter(booking=booking).delete()
    return booking


# --- The sweep ----------------------------------------------------------------------------------


def sweep_step(now: datetime.datetime) -> dict[str, int]:
    """The rooms' step of the one deadline sweep: decline the requests whose time has come
    without a decision, then escalate the overdue decisions still worth taking."""
    return decline_started_requests(now) | escalate_overdue_decisions(now)


def expired_reason() -> str:
    return _(
        "Waktu peminjaman sudah tiba sebelum pengelola memutuskan, sehingga permohonan ditolak "
        "otomatis. Ajukan permohonan baru untuk waktu lain."
    )


def decline_started_requests(now: datetime.datetime) -> dict[str, int]:
    """Each request whose slot has begun without a decision is declined by the system with a
    clear reason (``expire``), in its own transaction; the requester is told (the decision's
    hook). A request decided meanwhile is skipped."""
    declined = 0
    due = list(
        Booking.objects.filter(status="requested", starts_at__lte=now).values_list("pk", flat=True)[
            :500
        ]
    )
    for pk in due:
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update(of=("self",))
                .select_related("room", "mpp", "region", "requester")
                .filter(pk=pk, status="requested")
                .first()
            )
            if booking is None:
                continue
            reason = expired_reason()
            workflow_services.apply_action(
                booking, "expire", actor_user=None, actor_kinds={SYSTEM}, note=reason,
                changes=clock.stop(booking, at=now) | {"decision_reason": reason},
            )  # fmt: skip
            declined += 1
    return {"declined": declined}


def escalate_overdue_decisions(now: datetime.datetime) -> dict[str, int]:
    """The sweep's step: each request whose decision is overdue is escalated once — recorded in
    its history (``escalate``, by the system) and told by the hooks to the MPP's managers and the
    kab/kota's regional admins."""
    overdue = Booking.objects.breached(now).filter(status="requested", escalated_at__isnull=True)
    return workflow_services.escalate_overdue(
        overdue.select_related("room", "mpp")[:500], now=now, marker="escalated_at"
    )
