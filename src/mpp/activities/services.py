"""Every write of the activities programme: publish and edit an activity, register, cancel (the
waiting list moves up in the same transaction), check in at the door, the reminder of the day
before (a step of the one deadline sweep) and the short satisfaction question."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mpp.accounts.models import User
from mpp.accounts.policy import Perm, Principal, can
from mpp.accounts.tokens import random_code
from mpp.catalog import public_cache
from mpp.deadlines import services as clock
from mpp.deadlines.models import ClockUnit
from mpp.devices.models import Device
from mpp.errors import ServiceError
from mpp.notifications import contacts
from mpp.notifications.models import GuestConfirmation
from mpp.notifications.services import notify, notify_contact
from mpp.regions import localtime
from mpp.regions.formatting import format_local_date, format_time
from mpp.tenancy.models import MPP, Agency
from mpp.workflows.definitions import SYSTEM
from mpp.workflows.hooks import hooks
from mpp.workflows.services import apply_action

from .models import Activity, Registration
from .tickets import ticket_code
from .workflow import (
    ATTENDED,
    DOOR,
    OPEN,
    ORGANISER,
    PARTICIPANT,
    REGISTERED,
    SEATED,
    WAITLISTED,
)

# The reminder goes out on the local day before the activity, from this hour of the MPP's zone.
REMINDER_HOUR = 8
# The door lets people in from this long before the start until the end.
DOOR_OPENS_BEFORE = datetime.timedelta(hours=1)
SATISFACTION_SCORES = (1, 2, 3, 4)

# Events of the programme that are not (only) workflow transitions. Their hooks run in the
# event's own transaction (``hooks.run_in_transaction``): the dashboards' daily facts commit or
# roll back with the change. ``moved`` carries the start before the edit.
ACTIVITY_EVENTS = "activity_events"
PUBLISHED = "published"
MOVED = "moved"
CANCELLED = "cancelled"
REGISTERED_EVENT = "registered"
ATTENDED_EVENT = "attended"


class ActivityError(ServiceError):
    default_status = 400


@dataclass
class ActivityData:
    title: str
    description: str
    organiser: str
    category: str
    place: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    registration_required: bool = True
    accessibility: str = ""
    agency: Agency | None = None


def _check(data: ActivityData, *, now: datetime.datetime) -> None:
    if data.ends_at <= data.starts_at:
        message = _("Waktu selesai harus sesudah waktu mulai.")
        raise ActivityError(message, {"ends_at": [message]})
    if data.starts_at <= now:
        message = _("Waktu mulai harus di masa mendatang.")
        raise ActivityError(message, {"starts_at": [message]})
    if data.capacity < 1:
        message = _("Kapasitas paling sedikit 1 orang.")
        raise ActivityError(message, {"capacity": [message]})


def _refuse() -> ActivityError:
    return ActivityError(_("Anda tidak berwenang mengelola kegiatan ini."), status=403)


@transaction.atomic
def publish_activity(
    user: Principal, mpp: MPP, data: ActivityData, *, now: datetime.datetime | None = None
) -> Activity:
    """Publish an activity of ``mpp`` (the MPP's manager; an agency admin for its own agency)."""
    activity = Activity(mpp=mpp, agency=data.agency)
    if not can(user, Perm.MANAGE_ACTIVITIES, activity):
        raise _refuse()
    _check(data, now=now or timezone.now())
    for name, value in vars(data).items():
        setattr(activity, name, value)
    activity.created_by = user if isinstance(user, User) else None
    activity.save()
    hooks.run_in_transaction(ACTIVITY_EVENTS, PUBLISHED, activity)
    public_cache.changed()
    return activity


@transaction.atomic
def update_activity(user: Principal, activity: Activity, data: ActivityData) -> Activity:
    """Edit an activity; more seats move the waiting list up. The agency stays as published."""
    activity = (
        Activity.objects.select_for_update(of=("self",))
        .select_related("mpp__region")
        .get(pk=activity.pk)
    )
    if not can(user, Perm.MANAGE_ACTIVITIES, activity):
        raise _refuse()
    if activity.is_cancelled:
        raise ActivityError(_("Kegiatan ini sudah dibatalkan."), status=409)
    data.agency = activity.agency
    _check(data, now=timezone.now())
    seated = activity.registrations.filter(status__in=SEATED).count()
    if data.capacity < seated:
        message = _("Sudah ada %(n)s peserta terdaftar; kapasitas tidak boleh lebih kecil.") % {
            "n": seated
        }
        raise ActivityError(message, {"capacity": [message]})
    previous_start = activity.starts_at
    for name, value in vars(data).items():
        setattr(activity, name, value)
    activity.sequence += 1
    activity.save()
    hooks.run_in_transaction(ACTIVITY_EVENTS, MOVED, activity, previous_start)
    _fill_seats(activity, timezone.now())
    public_cache.changed()
    return activity


@transaction.atomic
def cancel_activity(user: Principal, activity: Activity) -> Activity:
    activity = (
        Activity.objects.select_for_update(of=("self",))
        .select_related("mpp__region")
        .get(pk=activity.pk)
    )
    if not can(user, Perm.MANAGE_ACTIVITIES, activity):
        raise _refuse()
    if not activity.is_cancelled:
        activity.cancelled_at = timezone.now()
        activity.sequence += 1
        activity.save(update_fields=["cancelled_at", "sequence", "updated_at"])
        hooks.run_in_transaction(ACTIVITY_EVENTS, CANCELLED, activity)
        public_cache.changed()
        # Everyone holding a seat or waiting is told (the reminder no longer goes out: the sweep
        # skips a cancelled activity). Their registrations stay as they were, for the record.
        for registration in activity.registrations.filter(status__in=OPEN).select_related("user"):
            registration.activity = activity
            _tell(registration, "activities.cancelled")
    return activity


# --- Registering ----------------------------------------------------------------------------


def reminder_due(activity: Activity, now: datetime.datetime) -> datetime.datetime | None:
    """When the reminder of the day before goes out: 08.00 on the MPP's local day before the
    activity (at once when that moment has passed but the local day before is still today);
    None when the activity is today already (the person just registered)."""
    zone = localtime.zone_of(activity.mpp.region)
    start_day = activity.starts_at.astimezone(zone).date()
    if localtime.local_date(now, activity.mpp.region) >= start_day:
        return None
    day_before = start_day - datetime.timedelta(days=1)
    moment = datetime.datetime.combine(day_before, datetime.time(REMINDER_HOUR), tzinfo=zone)
    return max(moment, now)


def _reminder_clock(activity: Activity, now: datetime.datetime) -> dict[str, Any]:
    due = reminder_due(activity, now)
    if due is None:
        return {}
    return {"due_at": due, "clock_unit": ClockUnit.CALENDAR_DAYS, "breached_at": None}


def _new_number() -> str:
    return "K" + random_code(7)


def ticket_link(registration: Registration) -> str:
    return reverse("activities:ticket", args=[ticket_code(registration.number)])


def _context(registration: Registration) -> dict[str, str]:
    activity = registration.activity
    return {
        "title": activity.title,
        "mpp_name": activity.mpp.name,
        "place": activity.place,
        "date": format_local_date(activity.starts_at, activity.tz),
        "time": format_time(activity.starts_at, activity.tz),
        "number": registration.number,
    }


def _tell(registration: Registration, kind: str) -> None:
    """Send ``kind`` to the account or the guest's confirmed contact (stored in this commit)."""
    context, link = _context(registration), ticket_link(registration)
    if registration.user is not None:
        notify(registration.user, kind, context, link=link)
    elif registration.guest_address:
        notify_contact(
            registration.guest_address, kind, context, link=link, language=registration.language
        )


def _seats_left(activity: Activity) -> int:
    return activity.capacity - activity.registrations.filter(status__in=SEATED).count()


def _lock_open(activity: Activity, now: datetime.datetime) -> Activity:
    """The activity row locked (every seat change takes this lock first), or a refusal."""
    locked = (
        Activity.objects.select_for_update(of=("self",))
        .select_related("mpp__region")
        .get(pk=activity.pk)
    )
    if locked.is_cancelled:
        raise ActivityError(_("Kegiatan ini sudah dibatalkan."), status=409)
    if locked.starts_at <= now:
        raise ActivityError(_("Pendaftaran sudah ditutup: kegiatan sudah dimulai."), status=409)
    if not locked.registration_required:
        raise ActivityError(_("Kegiatan ini terbuka tanpa pendaftaran; datang saja."), status=409)
    return locked


@transaction.atomic
def register(
    activity: Activity,
    *,
    user: Principal | None = None,
    guest: GuestConfirmation | None = None,
    language: str = "id",
    now: datetime.datetime | None = None,
) -> Registration:
    """A seat for an account holder or a guest who confirmed a one-time code; on the waiting
    list when the seats are taken. The ticket goes to the account's channels or the guest's
    contact after the commit."""
    now = now or timezone.now()
    account = user if isinstance(user, User) and user.is_authenticated else None
    if account is None:
        guest = contacts.lock_unused(guest) if guest is not None else None
        if guest is None:
            message = _("Konfirmasikan alamat surel atau nomor telepon Anda dahulu.")
            raise ActivityError(message, {"code": [message]})
    activity = _lock_open(activity, now)
    seated = _seats_left(activity) > 0
    registration = Registration(
        activity=activity,
        user=account,
        guest_address=guest.address if account is None and guest is not None else "",
        language=language[:8],
        number=_new_number(),
        status=REGISTERED if seated else WAITLISTED,
        created_at=now,
    )
    if seated:
        for name, value in _reminder_clock(activity, now).items():
            setattr(registration, name, value)
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        raise ActivityError(
            _("Anda sudah terdaftar pada kegiatan ini. Lihat tiket Anda."), status=409
        ) from None
    if guest is not None and account is None:
        contacts.use(guest, at=now)
    hooks.run_in_transaction(ACTIVITY_EVENTS, REGISTERED_EVENT, registration)
    _tell(registration, "activities.registered" if seated else "activities.waitlisted")
    return registration


def _fill_seats(activity: Activity, now: datetime.datetime) -> int:
    """Move the waiting list up into free seats, first come first served (activity row locked)."""
    moved = 0
    free = _seats_left(activity)
    if free <= 0 or activity.starts_at <= now or activity.is_cancelled:
        return 0
    waiting = list(
        Registration.objects.select_for_update(of=("self",))
        .select_related("activity__mpp__region", "user")
        .filter(activity=activity, status=WAITLISTED)
        .order_by("created_at", "id")[:free]
    )
    for registration in waiting:
        apply_action(
            registration,
            "promote",
            actor_user=None,
            actor_kinds={SYSTEM},
            changes=_reminder_clock(activity, now),
        )
        _tell(registration, "activities.promoted")
        moved += 1
    return moved


def actor_kinds(user: Principal, registration: Registration, *, holder: bool) -> set[str]:
    """Who the caller is for this registration: ``holder`` means they hold the ticket's code (or
    are its account)."""
    kinds: set[str] = set()
    if holder or (
        registration.user_id is not None and getattr(user, "pk", None) == registration.user_id
    ):
        kinds.add(PARTICIPANT)
    if can(user, Perm.MANAGE_ACTIVITIES, registration.activity):
        kinds.add(ORGANISER)
    return kinds


@transaction.atomic
def cancel_registration(
    registration: Registration,
    *,
    user: Principal,
    holder: bool = False,
    now: datetime.datetime | None = None,
) -> Registration:
    """Give the seat back; the first on the waiting list takes it in the same transaction."""
    activity = Activity.objects.select_for_update().get(pk=registration.activity_id)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("activity__mpp__region")
        .get(pk=registration.pk)
    )
    now = now or timezone.now()
    kinds = actor_kinds(user, registration, holder=holder)
    if not kinds:
        raise _refuse()
    if activity.starts_at <= now and registration.status == REGISTERED:
        raise ActivityError(
            _("Kegiatan sudah dimulai; pendaftaran tidak dapat dibatalkan."), status=409
        )
    apply_action(
        registration,
        "cancel",
        actor_user=user if getattr(user, "pk", None) else None,
        actor_kinds=kinds,
        changes=clock.stop(registration, at=now) if registration.due_at else None,
    )
    _fill_seats(registration.activity, now)
    return registration


# --- At the door ------------------------------------------------------------------------------


@transaction.atomic
def check_in(
    registration: Registration,
    *,
    device: Device | None = None,
    user: Principal | None = None,
    now: datetime.datetime | None = None,
) -> Registration:
    """Let the ticket's holder in: a door scanner of the activity's MPP, or its organiser."""
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("activity__mpp__region")
        .get(pk=registration.pk)
    )
    activity = registration.activity
    kinds: set[str] = set()
    if device is not None and device.mpp_id == activity.mpp_id and device.revoked_at is None:
        kinds.add(DOOR)
    if user is not None and can(user, Perm.MANAGE_ACTIVITIES, activity):
        kinds.add(ORGANISER)
    if not kinds:
        raise ActivityError(
            _("Perangkat atau akun ini tidak dapat mencatat kehadiran di sini."), status=403
        )
    now = now or timezone.now()
    if registration.status == ATTENDED:
        raise ActivityError(_("Tiket ini sudah dipakai masuk."), status=409)
    if registration.status != REGISTERED:
        raise ActivityError(
            _("Tiket ini tidak berlaku untuk masuk (%(status)s).")
            % {"status": registration.status_label},
            status=409,
        )
    if not activity.starts_at - DOOR_OPENS_BEFORE <= now <= activity.ends_at:
        raise ActivityError(
            _("Pintu masuk hanya dibuka satu jam sebelum kegiatan hingga selesai."), status=409
        )
    changes: dict[str, Any] = {"attended_at": now}
    if registration.due_at and registration.clock_stopped_at is None:
        changes |= clock.stop(registration, at=now)
    apply_action(
        registration,
        "attend",
        actor_user=user if getattr(user, "pk", None) else None,
        actor_kinds=kinds,
        changes=changes,
    )
    hooks.run_in_transaction(ACTIVITY_EVENTS, ATTENDED_EVENT, registration)
    return registration


# --- Reminder and afterwards -------------------------------------------------------------------


def send_due_reminders(now: datetime.datetime) -> dict[str, int]:
    """The deadline sweep's step: the reminder of the day before for every seat whose reminder
    moment has passed (its clock breached), each in its own transaction (a row that moved
    meanwhile is skipped)."""
    sent = 0
    due = list(
        Registration.objects.breached(now)
        .filter(status=REGISTERED, activity__starts_at__gt=now, activity__cancelled_at__isnull=True)
        .values_list("pk", flat=True)[:500]
    )
    for pk in due:
        with transaction.atomic():
            registration = (
                Registration.objects.select_for_update(of=("self",))
                .select_related("activity__mpp__region", "user")
                .filter(pk=pk, status=REGISTERED, clock_stopped_at__isnull=True)
                .first()
            )
            if registration is None:
                continue
            apply_action(
                registration,
                "remind",
                actor_user=None,
                actor_kinds={SYSTEM},
                changes=clock.stop(registration, at=now),
            )
            _tell(registration, "activities.reminder")
            sent += 1
    return {"reminded": sent}


@transaction.atomic
def answer_satisfaction(
    registration: Registration, score: int, *, now: datetime.datetime | None = None
) -> Registration:
    """The short question after the activity: how satisfied (1–4), once, by those who attended."""
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("activity")
        .get(pk=registration.pk)
    )
    if score not in SATISFACTION_SCORES:
        message = _("Pilih salah satu nilai 1 sampai 4.")
        raise ActivityError(message, {"score": [message]})
    if registration.status != ATTENDED or registration.activity.ends_at > (now or timezone.now()):
        raise ActivityError(
            _("Penilaian dibuka setelah kegiatan selesai bagi peserta yang hadir."), status=409
        )
    if registration.satisfaction is not None:
        raise ActivityError(_("Anda sudah memberi penilaian. Terima kasih."), status=409)
    registration.satisfaction = score
    registration.save(update_fields=["satisfaction"])
    return registration
