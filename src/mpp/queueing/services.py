"""Every write of the queue: set-up, bookings, walk-in numbers, check-in and the counter console.

Quotas: each booking or walk-in locks the service's :class:`DayCount` row and then the slot's
:class:`SlotCount` row (``SELECT ... FOR UPDATE``, always in that order), checks the channel's
per-slot and per-day quota and counts itself in the same transaction. Online and walk-in places
are counted apart, so one channel running out never takes places of the other.

Calling: :func:`call_next` picks the first waiting ticket in line with ``FOR UPDATE SKIP LOCKED``,
so two counters calling at the same moment get two different tickets.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mpp.accounts.policy import Perm, can
from mpp.accounts.tokens import random_code
from mpp.catalog import public_cache
from mpp.devices.models import Device
from mpp.errors import ServiceError
from mpp.plans import planned_each_time
from mpp.queueing.models import (
    AssistanceKind,
    AssistanceRequest,
    CallEvent,
    Channel,
    Counter,
    DayCount,
    Lane,
    PriorityGroup,
    QueueRules,
    ServiceQueue,
    SlotCount,
    Ticket,
    TicketLeg,
)
from mpp.queueing.registry import application_at
from mpp.queueing.workflow import ACTIVE, CITIZEN, OFFICER, STAFF
from mpp.regions.calendar import Interval, OfficeHours, RegionCalendar, region_zone
from mpp.regions.models import Region
from mpp.tenancy.models import MPP, CounterHours
from mpp.workflows.definitions import SYSTEM
from mpp.workflows.errors import WorkflowError, refusal_status
from mpp.workflows.hooks import hooks
from mpp.workflows.services import apply_action

if TYPE_CHECKING:
    from mpp.accounts.models import User


class QueueError(ServiceError):
    """A refusal with a message for the person (and the form field it concerns, if any)."""

    status: int  # always given: 400 unless the caller says otherwise

    def __init__(self, message: str, field: str | None = None, status: int = 400) -> None:
        super().__init__(message, {field: [message]} if field else None, status)
        self.field = field


# --- Time and the calendar -----------------------------------------------------------------


def zone_of(mpp: MPP) -> ZoneInfo:
    return region_zone(mpp.region)


def local_now(mpp: MPP, now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()).astimezone(zone_of(mpp))


def office_hours(mpp: MPP) -> OfficeHours:
    return OfficeHours.from_opening_hours(mpp.opening_hours.all())


def hours_at(mpp: MPP, agency_id: int) -> OfficeHours:
    """When an agency serves at ``mpp``, per weekday: the MPP's opening hours (with their breaks)
    inside the agency's counter hours there, where it recorded any (``CounterHours``)."""
    hours = office_hours(mpp)
    counter_rows = list(
        CounterHours.objects.filter(presence__mpp=mpp, presence__agency_id=agency_id)
    )
    if not counter_rows:
        return hours
    return hours.within(OfficeHours.from_opening_hours(counter_rows))


def queue_hours(queue: ServiceQueue) -> OfficeHours:
    """When ``queue`` serves: its agency's hours at its MPP (:func:`hours_at`)."""
    return hours_at(queue.mpp, queue.agency_id)


def open_intervals(
    queue: ServiceQueue,
    day: datetime.date,
    hours: OfficeHours | None = None,
    calendar: RegionCalendar | None = None,
) -> tuple[Interval, ...]:
    """When ``queue`` serves on ``day`` (local intervals, breaks left out); empty when closed.

    The region's calendar decides whether the MPP may open that day (national holidays, cuti
    bersama, regional and national overrides; any weekday it has hours for, Saturday included):
    the same answer the hour clock of deadlines counts with. ``calendar``: a
    :class:`RegionCalendar` loaded once for a range of days, for a caller that asks about many.
    """
    hours = hours or queue_hours(queue)
    calendar = calendar or RegionCalendar(queue.mpp.region, day, day)
    return calendar.opening_intervals(hours, day)


@dataclass(frozen=True)
class Slot:
    starts: datetime.time
    ends: datetime.time
    online_free: int
    walk_in_free: int
    is_past: bool

    @property
    def bookable(self) -> bool:
        return self.online_free > 0 and not self.is_past


def slot_times(
    queue: ServiceQueue,
    day: datetime.date,
    hours: OfficeHours | None = None,
    calendar: RegionCalendar | None = None,
) -> list[tuple[datetime.time, datetime.time]]:
    """(start, end) of each slot on ``day``: whole slots inside each opening interval."""
    length = datetime.timedelta(minutes=queue.slot_minutes)
    result = []
    for opens, closes in open_intervals(queue, day, hours, calendar):
        start = datetime.datetime.combine(day, opens)
        end = datetime.datetime.combine(day, closes)
        while start + length <= end:
            result.append((start.time(), (start + length).time()))
            start += length
    return result


def availability(
    queue: ServiceQueue,
    day: datetime.date,
    now: datetime.datetime | None = None,
    hours: OfficeHours | None = None,
    calendar: RegionCalendar | None = None,
) -> list[Slot]:
    """Every slot of ``day`` with its free places per channel, as the counter rows say now
    (``hours``, ``calendar``: as read already for the same page)."""
    now = local_now(queue.mpp, now)
    times = slot_times(queue, day, hours, calendar)
    if not times:
        return []
    taken = {
        row.starts: row
        for row in SlotCount.objects.filter(queue=queue, date=day).only(
            "starts", "online", "walk_in"
        )
    }
    day_row = DayCount.objects.filter(queue=queue, date=day).first()
    online_day_left = queue.online_per_day - (day_row.online if day_row else 0)
    walk_in_day_left = queue.walk_in_per_day - (day_row.walk_in if day_row else 0)
    slots = []
    for starts, ends in times:
        row = taken.get(starts)
        online = min(queue.online_per_slot - (row.online if row else 0), online_day_left)
        walk_in = min(queue.walk_in_per_slot - (row.walk_in if row else 0), walk_in_day_left)
        moment = datetime.datetime.combine(day, starts, tzinfo=now.tzinfo)
        slots.append(Slot(starts, ends, max(online, 0), max(walk_in, 0), moment <= now))
    return slots


# --- Counter rows (the locks) ---------------------------------------------------------------


def _locked_rows(queue: ServiceQueue, day: datetime.date, starts: datetime.time):
    """The day and slot counter rows of ``queue``, created if missing, locked in that order."""
    DayCount.objects.bulk_create([DayCount(queue=queue, date=day)], ignore_conflicts=True)
    SlotCount.objects.bulk_create(
        [SlotCount(queue=queue, date=day, starts=starts)], ignore_conflicts=True
    )
    day_row = DayCount.objects.select_for_update().get(queue=queue, date=day)
    slot_row = SlotCount.objects.select_for_update().get(queue=queue, date=day, starts=starts)
    return day_row, slot_row


def _locked_visit(
    queue: ServiceQueue,
    day: datetime.date,
    starts: datetime.time,
    further: Sequence[ServiceQueue],
) -> tuple[DayCount, SlotCount, dict[int, DayCount]]:
    """:func:`_locked_rows` for a visit of several services (issue 28): the day rows of ``queue``
    and of the ``further`` services, then the slot row of ``queue``.

    Every writer locks day rows before slot rows and day rows by queue id, so two kiosks taking
    "KK then KTP-el" and "KTP-el then KK" at the same moment never deadlock.
    """
    days = _further_days([queue, *further], day)
    SlotCount.objects.bulk_create(
        [SlotCount(queue=queue, date=day, starts=starts)], ignore_conflicts=True
    )
    slot_row = SlotCount.objects.select_for_update().get(queue=queue, date=day, starts=starts)
    return days[queue.pk], slot_row, days


def _further_days(queues: Sequence[ServiceQueue], day: datetime.date) -> dict[int, DayCount]:
    """The day rows of ``queues`` on ``day``, created if missing and locked in queue-id order."""
    DayCount.objects.bulk_create(
        [DayCount(queue=queue, date=day) for queue in queues], ignore_conflicts=True
    )
    rows = (
        DayCount.objects.select_for_update()
        .filter(queue_id__in=[queue.pk for queue in queues], date=day)
        .order_by("queue_id")
    )
    return {row.queue_id: row for row in rows}


def _count_further(queues: Sequence[ServiceQueue], days: dict[int, DayCount], field: str) -> None:
    """Count one place of ``field`` in the locked day row of each further service of a visit, or
    refuse when one of them has no place left that day (checked before anything is counted).

    A further service holds a place of its day, not of a slot: nobody knows when the visitor
    will reach it.
    """
    for queue in queues:
        limit = queue.online_per_day if field == "online" else queue.walk_in_per_day
        if getattr(days[queue.pk], field) >= limit:
            raise QueueError(
                _("Kuota %(service)s pada hari itu sudah habis. Pilih layanan lain.")
                % {"service": queue.service.name},
                "then",
                409,
            )
    DayCount.objects.filter(pk__in=[days[queue.pk].pk for queue in queues]).update(
        **{field: F(field) + 1}
    )


def _count_place(day_row: DayCount, slot_row: SlotCount, field: str) -> None:
    """Count one place of ``field`` ("online" or "walk_in") in the locked day and slot rows and
    give the day's next ticket number (``day_row.last_number``); ``_release`` gives one back."""
    SlotCount.objects.filter(pk=slot_row.pk).update(**{field: F(field) + 1})
    DayCount.objects.filter(pk=day_row.pk).update(
        **{field: F(field) + 1}, last_number=F("last_number") + 1
    )
    day_row.refresh_from_db(fields=["last_number"])


def _release(ticket: Ticket) -> None:
    """Give back the place ``ticket`` held in its slot and day (cancel, reschedule, move)."""
    field = "online" if ticket.channel == Channel.ONLINE else "walk_in"
    DayCount.objects.filter(
        queue_id=ticket.queue_id, date=ticket.date, **{f"{field}__gt": 0}
    ).update(**{field: F(field) - 1})
    if ticket.slot_starts is not None:
        SlotCount.objects.filter(
            queue_id=ticket.queue_id,
            date=ticket.date,
            starts=ticket.slot_starts,
            **{f"{field}__gt": 0},
        ).update(**{field: F(field) - 1})


def _unique_code() -> str:
    return random_code(8)


def _ticket_code(queue: ServiceQueue, number: int) -> str:
    return f"{queue.prefix}-{number:03d}"


def _new_ticket(
    queue: ServiceQueue,
    day_row: DayCount,
    slot: tuple[datetime.time | None, datetime.time | None],
    **fields: object,
) -> Ticket:
    """A ticket of ``queue`` in ``slot`` (start, end) with the day's number ``_count_place``
    took, its booking code and status token; ``fields`` say the rest (channel, lane, status...)."""
    return Ticket.objects.create(
        mpp_id=queue.mpp_id,
        agency_id=queue.agency_id,
        service_id=queue.service_id,
        queue=queue,
        date=day_row.date,
        number=day_row.last_number,
        code=_ticket_code(queue, day_row.last_number),
        slot_starts=slot[0],
        slot_ends=slot[1],
        booking_code=_unique_code(),
        token=secrets.token_urlsafe(32),
        **fields,
    )


def rules_of(mpp: MPP) -> QueueRules:
    return QueueRules.objects.filter(mpp=mpp).first() or QueueRules(mpp=mpp)


# --- Online booking --------------------------------------------------------------------------


def no_show_suspended(citizen: User, mpp: MPP, now: datetime.datetime | None = None) -> bool:
    """Does the MPP's no-show rule (off by default) suspend this citizen's online booking?"""
    rules = rules_of(mpp)
    if not rules.no_show_limit:
        return False
    since = local_now(mpp, now).date() - datetime.timedelta(days=rules.no_show_days)
    missed = Ticket.objects.filter(
        citizen=citizen, mpp=mpp, status="no_show", date__gte=since
    ).count()
    return missed >= rules.no_show_limit


def _check_bookable(citizen, queue: ServiceQueue, day: datetime.date, starts, now) -> tuple:
    if not queue.is_active or not queue.service.accepts_applications:
        raise QueueError(_("Layanan ini tidak menerima pemesanan antrean."), "service")
    local = local_now(queue.mpp, now)
    rules = rules_of(queue.mpp)
    if day < local.date():
        raise QueueError(_("Tanggal itu sudah lewat. Pilih tanggal lain."), "date")
    if day > local.date() + datetime.timedelta(days=rules.booking_days_ahead):
        raise QueueError(
            _("Pemesanan paling jauh %(days)s hari ke depan.") % {"days": rules.booking_days_ahead},
            "date",
        )
    times = dict(slot_times(queue, day))
    if not times:
        raise QueueError(_("MPP tutup pada tanggal itu. Pilih hari lain."), "date")
    if starts not in times:
        raise QueueError(
            _("Jam itu di luar jam layanan. Pilih salah satu slot yang tersedia."), "slot"
        )
    if datetime.datetime.combine(day, starts, tzinfo=local.tzinfo) <= local:
        raise QueueError(_("Jam itu sudah lewat. Pilih slot yang belum dimulai."), "slot")
    if no_show_suspended(citizen, queue.mpp, now):
        raise QueueError(
            _(
                "Pemesanan daring Anda ditangguhkan karena tidak hadir %(count)s kali dalam "
                "%(days)s hari terakhir. Silakan ambil nomor antrean langsung di MPP."
            )
            % {"count": rules.no_show_limit, "days": rules.no_show_days},
            status=403,
        )
    return starts, times[starts]


def _second_booking_error() -> QueueError:
    return QueueError(
        _("Anda sudah memiliki pemesanan aktif untuk layanan ini pada tanggal itu."), "date", 409
    )


def _check_may_book_online(citizen) -> None:
    """Online booking needs an account whose email address its owner verified: a stranger cannot
    fill the days with throw-away accounts."""
    if not getattr(citizen, "email_is_verified", False):
        raise QueueError(
            _(
                "Pemesanan antrean daring hanya untuk akun dengan alamat surel terverifikasi. Buka "
                "tautan verifikasi yang kami kirim ke surel Anda, atau kirim ulang tautannya dari "
                "halaman Akun saya. Anda tetap dapat mengambil nomor antrean langsung di MPP."
            ),
            "email",
            403,
        )


def _check_booking_caps(citizen, queue: ServiceQueue, now) -> None:
    """At most ``QUEUE_BOOKINGS_PER_SERVICE`` future bookings of one service and
    ``QUEUE_BOOKINGS_PER_ACCOUNT`` in all per account. Call with the citizen's row locked, so two
    bookings at the same moment are counted one after the other."""
    today = local_now(queue.mpp, now).date()
    held = Ticket.objects.filter(
        citizen=citizen, channel=Channel.ONLINE, status="booked", date__gte=today
    )
    per_service = settings.QUEUE_BOOKINGS_PER_SERVICE
    if held.filter(service_id=queue.service_id).count() >= per_service:
        raise QueueError(
            _(
                "Anda sudah memiliki %(count)s pemesanan aktif untuk layanan ini. Selesaikan atau "
                "batalkan salah satunya sebelum memesan lagi."
            )
            % {"count": per_service},
            "date",
            409,
        )
    overall = settings.QUEUE_BOOKINGS_PER_ACCOUNT
    if held.count() >= overall:
        raise QueueError(
            _(
                "Anda sudah memiliki %(count)s pemesanan antrean aktif, batas untuk satu akun. "
                "Batalkan pemesanan yang tidak diperlukan sebelum memesan lagi."
            )
            % {"count": overall},
            "date",
            409,
        )


def _take_online_place(queue, day, starts, further: Sequence[ServiceQueue] = ()) -> DayCount:
    """Count an online place in ``queue``'s slot (and a place of the day in each ``further``
    service of the visit), or refuse and count nothing."""
    if further:
        day_row, slot_row, days = _locked_visit(queue, day, starts, further)
    else:
        day_row, slot_row = _locked_rows(queue, day, starts)
    if slot_row.online >= queue.online_per_slot:
        raise QueueError(_("Slot ini sudah penuh. Pilih slot lain."), "slot", 409)
    if day_row.online >= queue.online_per_day:
        raise QueueError(
            _("Kuota pemesanan daring pada tanggal itu sudah habis. Pilih tanggal lain."),
            "date",
            409,
        )
    if further:
        _count_further(further, days, "online")
    _count_place(day_row, slot_row, "online")
    return day_row


def book(
    citizen: User,
    queue: ServiceQueue,
    day: datetime.date,
    starts: datetime.time,
    *,
    then: Sequence[ServiceQueue] = (),
    assistance: Collection[str] = (),
    assistance_note: str = "",
    now: datetime.datetime | None = None,
) -> Ticket:
    """Book a place in a slot for ``citizen``, or raise :class:`QueueError` and change nothing.

    ``then``: further services of the same visit, in the citizen's order (issue 28); each holds a
    place of that day's online quota and the one number leads from one to the next.
    ``assistance``: the kinds of help asked for (:class:`AssistanceKind` values) and a note; a
    booking that asks for any goes to the priority lane once checked in."""
    _check_may_book_online(citizen)
    kinds, note = clean_assistance(assistance, assistance_note)
    starts, ends = _check_bookable(citizen, queue, day, starts, now)
    check_visit(queue, then, day)
    if _holds_booking(citizen, [queue, *then], day):
        raise _second_booking_error()
    try:
        with transaction.atomic():
            # The citizen's row first (one person's bookings in turn), then the quota rows.
            get_user_model().objects.select_for_update().filter(pk=citizen.pk).first()
            _check_booking_caps(citizen, queue, now)
            day_row = _take_online_place(queue, day, starts, then)
            ticket = _new_ticket(
                queue,
                day_row,
                (starts, ends),
                channel=Channel.ONLINE,
                citizen=citizen,
                lane=Lane.BOOKED,
                status="booked",
                priority=bool(kinds),
                assistance_note=note,
                **_visit_fields(then),
            )
            _plan(ticket, [queue, *then])
            _ask_assistance(ticket, kinds)
            return ticket
    except IntegrityError as error:
        if "queue_one_active_booking_per_day" in str(error):
            raise _second_booking_error() from error
        raise


def cancel(ticket: Ticket, *, user: User | None, kinds: Collection[str] = (CITIZEN,)) -> Ticket:
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        _act(ticket, "cancel", user, kinds)
        _release(ticket)
        _release_further(ticket)
    return ticket


def cancel_at_counter(ticket: Ticket, counter: Counter, *, officer: User) -> Ticket:
    """The citizen asks at the counter to cancel a booking (by its code): the officer serves at
    ``counter`` and the booking's queue; the place is given back as when the citizen cancels."""
    serves(officer, counter, ticket)
    return cancel(ticket, user=officer, kinds=(OFFICER,))


def reschedule(
    ticket: Ticket,
    day: datetime.date,
    starts: datetime.time,
    *,
    user: User,
    now: datetime.datetime | None = None,
) -> Ticket:
    """Move a booking to another slot: the new place is taken before the old one is given back."""
    queue = ticket.queue
    starts, ends = _check_bookable(ticket.citizen, queue, day, starts, now)
    if day == ticket.date and starts == ticket.slot_starts:
        raise QueueError(_("Pilih slot yang berbeda dari jadwal sekarang."), "slot")
    if day != ticket.date and _holds_booking(
        ticket.citizen, [queue, *_further_of(ticket)], day, exclude=ticket
    ):
        raise _second_booking_error()
    # A visit of several services takes the day places of its further services on the new day.
    further = _further_of(ticket) if day != ticket.date else []
    check_visit(queue, further, day)
    try:
        with transaction.atomic():
            current = Ticket.objects.select_for_update().get(pk=ticket.pk)
            day_row = _take_online_place(queue, day, starts, further)
            _release(current)
            if further:
                _release_further(current)
            _act(
                current,
                "reschedule",
                user,
                (CITIZEN,),
                changes={
                    "date": day,
                    "slot_starts": starts,
                    "slot_ends": ends,
                    "number": day_row.last_number,
                    "code": _ticket_code(queue, day_row.last_number),
                    "reminded_day_at": None,
                    "reminded_hour_at": None,
                },
                data={
                    "from": f"{ticket.date} {ticket.slot_starts:%H:%M}",
                    "to": f"{day} {starts:%H:%M}",
                },
            )
            return current
    except IntegrityError as error:
        if "queue_one_active_booking_per_day" in str(error):
            raise _second_booking_error() from error
        raise


def _act(ticket, action, user, kinds, *, changes=None, data=None, note="", savepoint=True):
    try:
        return apply_action(
            ticket,
            action,
            actor_user=user,
            actor_kinds=kinds,
            changes=changes,
            data=data,
            note=note,
            savepoint=savepoint,
        )
    except WorkflowError as error:
        raise QueueError(error.message, status=refusal_status(error)) from error


# --- Walk-in tickets from the kiosk ---------------------------------------------------------
# The kiosk is a ``devices.Device`` of kind ``queue_kiosk`` (registered, paired, rotated and
# revoked by the devices mechanism, which also records when it was last seen).


@dataclass(frozen=True)
class Today:
    """A queue's opening intervals of one local day, read once (hours, counter hours, calendar)."""

    local: datetime.datetime
    intervals: tuple[Interval, ...]
    hours: OfficeHours
    region: Region

    @property
    def open_interval(self) -> Interval | None:
        return next(((o, c) for o, c in self.intervals if o <= self.local.time() < c), None)

    @cached_property
    def calendar(self) -> RegionCalendar:
        """The region's calendar loaded for the day (for a caller that goes on to other days)."""
        day = self.local.date()
        return RegionCalendar(self.region, day, day)


# How long an agency's hours of one day stay in the cache (they are stale at once after a change:
# the key carries the catalog generation, which hours, counter hours and calendar overrides raise).
TODAY_CACHE_SECONDS = 3600


def today_at(mpp: MPP, agency_id: int, now: datetime.datetime | None = None) -> Today:
    """An agency's opening intervals at ``mpp`` today (all its queues there open together).

    Asked by every refresh of every counter console, by the kiosk and at check-in: the day's hours
    and intervals (three queries) are kept in the cache under the catalog generation
    (``mpp.catalog.public_cache``), which a change of the MPP's hours, the agency's counter hours
    or the calendar raises."""
    local = local_now(mpp, now)
    day = local.date()
    key = f"queue:today:{public_cache.generation()}:{mpp.pk}:{agency_id}:{day.isoformat()}"
    found = cache.get(key)
    if found is None:
        hours = hours_at(mpp, agency_id)
        found = (RegionCalendar(mpp.region, day, day).opening_intervals(hours, day), hours)
        cache.set(key, found, TODAY_CACHE_SECONDS)
    intervals, hours = found
    return Today(local, intervals, hours, mpp.region)


def today_of(queue: ServiceQueue, now: datetime.datetime | None = None) -> Today:
    return today_at(queue.mpp, queue.agency_id, now)


def open_now(queue: ServiceQueue, now: datetime.datetime | None = None) -> Interval | None:
    """Is ``queue`` open now? The opening interval (local times) that holds the moment, or None.

    The one answer the kiosk (walk-in numbers), check-in (at the kiosk and at the counter) and the
    counter console ask: the region's calendar for the day, the MPP's hours with their break, and
    the agency's counter hours. After closing the console still calls and serves those already
    waiting (docs/queue.md); nobody new joins the line.
    """
    return today_of(queue, now).open_interval


def closed_error(queue: ServiceQueue, today: Today) -> QueueError:
    """The refusal while ``queue`` is closed, saying when it opens again today, if it does."""
    later = [opens for opens, _closes in today.intervals if opens > today.local.time()]
    if later:
        message = _(
            "Layanan ini sedang tutup. Silakan kembali pukul %(time)s %(zone)s hari ini."
        ) % {"time": f"{later[0]:%H.%M}", "zone": queue.mpp.region.timezone_abbreviation}
    else:
        message = _("Layanan ini sudah tutup hari ini. Silakan datang kembali pada jam layanan.")
    return QueueError(message, "service", 409)


def walk_in_slot(queue: ServiceQueue, today: Today, interval: Interval) -> Interval:
    """The slot a walk-in taken now (within the open ``interval``) counts against: the slot
    holding the moment, else (the tail of an interval shorter than a slot) the last slot begun
    before it; an interval shorter than one slot counts as one slot."""
    now = today.local.time()
    begun = [
        (starts, ends)
        for starts, ends in slot_times(queue, today.local.date(), today.hours, today.calendar)
        if interval[0] <= starts <= now < interval[1]
    ]
    return begun[-1] if begun else interval


def issue_walk_in(
    kiosk: Device,
    queue: ServiceQueue,
    *,
    then: Sequence[ServiceQueue] = (),
    priority_group: str = "",
    assistance: Collection[str] = (),
    now: datetime.datetime | None = None,
) -> Ticket:
    """A walk-in number for ``queue`` now, counted against the walk-in quotas only; with a
    priority group or any help asked for (``assistance``) it joins the priority lane.

    ``then``: further services of the same visit in the visitor's order (issue 28); each must
    still serve today and holds a walk-in place of its day."""
    if queue.mpp_id != kiosk.mpp_id or not queue.is_active:
        raise QueueError(_("Layanan ini tidak tersedia di anjungan ini."), "service", 404)
    if priority_group not in PriorityGroup.values:
        raise QueueError(_("Pilihan prioritas tidak dikenal."), "priority_group")
    kinds, _note = clean_assistance(assistance, "")
    moment = now or timezone.now()
    today = today_of(queue, moment)
    local = today.local
    interval = today.open_interval
    if interval is None:
        raise closed_error(queue, today)
    slot = walk_in_slot(queue, today, interval)
    check_visit(queue, then, local.date(), now=moment)
    with transaction.atomic():
        if then:
            day_row, slot_row, days = _locked_visit(queue, local.date(), slot[0], then)
        else:
            day_row, slot_row = _locked_rows(queue, local.date(), slot[0])
        if day_row.walk_in >= queue.walk_in_per_day:
            raise QueueError(
                _("Nomor antrean langsung untuk layanan ini sudah habis hari ini."), "service", 409
            )
        if slot_row.walk_in >= queue.walk_in_per_slot:
            raise QueueError(
                _(
                    "Nomor antrean langsung untuk jam ini sudah habis. Silakan coba pada slot berikutnya (mulai pukul %(time)s)."
                )
                % {"time": slot[1].strftime("%H.%M")},
                "service",
                409,
            )
        if then:
            _count_further(then, days, "walk_in")
        _count_place(day_row, slot_row, "walk_in")
        ticket = _new_ticket(
            queue,
            day_row,
            slot,
            channel=Channel.WALK_IN,
            priority_group=priority_group,
            priority=bool(priority_group or kinds),
            kiosk=kiosk,
            lane=Lane.WALK_IN,
            line_at=moment,
            checked_in_at=moment,
            status="waiting",
            **_visit_fields(then),
        )
        _plan(ticket, [queue, *then])
        _ask_assistance(ticket, kinds)
        return ticket


# --- A visit of several services on one number (issue 28) ----------------------------------------


def check_visit(
    first: ServiceQueue,
    further: Sequence[ServiceQueue],
    day: datetime.date,
    *,
    now: datetime.datetime | None = None,
) -> None:
    """Refuse a visit of ``first`` then ``further`` on ``day`` unless it is at most the MPP's
    ``max_services`` services, each chosen once, of the same MPP and active, each serving that day
    (and, for a walk-in taken ``now``, not closed yet today)."""
    if not further:
        return
    rules = rules_of(first.mpp)
    if 1 + len(further) > rules.max_services:
        raise QueueError(
            _("Satu nomor antrean paling banyak untuk %(count)s layanan.")
            % {"count": rules.max_services},
            "then",
        )
    seen = {first.pk}
    for queue in further:
        if queue.mpp_id != first.mpp_id or not queue.is_active:
            raise QueueError(_("Layanan itu tidak tersedia di MPP ini."), "then")
        if queue.pk in seen:
            raise QueueError(_("Setiap layanan cukup dipilih satu kali."), "then")
        seen.add(queue.pk)
        intervals = open_intervals(queue, day)
        name = {"service": queue.service.name}
        if not intervals:
            raise QueueError(_("%(service)s tidak melayani pada hari itu.") % name, "then")
        if now is not None and intervals[-1][1] <= local_now(first.mpp, now).time():
            raise QueueError(_("%(service)s sudah tutup hari ini.") % name, "then", 409)


def _visit_fields(further: Sequence[ServiceQueue]) -> dict[str, object]:
    """The ticket's own record of its visit: how many services, and the one after the first."""
    return {"legs": 1 + len(further), "next_queue": further[0] if further else None}


def _plan(ticket: Ticket, queues: Sequence[ServiceQueue]) -> None:
    """Write the services of a visit of several, in order (nothing for a single service)."""
    if len(queues) > 1:
        TicketLeg.objects.bulk_create(
            TicketLeg(ticket=ticket, position=position, queue=queue)
            for position, queue in enumerate(queues, start=1)
        )


def _further_of(ticket: Ticket) -> list[ServiceQueue]:
    """The services after the first of a booking's visit (none for a single service)."""
    if ticket.legs <= 1:
        return []
    return [
        leg.queue
        for leg in TicketLeg.objects.filter(ticket=ticket, position__gt=1).select_related(
            "queue__service", "queue__mpp__region"
        )
    ]


def _release_further(ticket: Ticket) -> None:
    """Give back the day places the further services of a booking's visit held."""
    if ticket.legs <= 1:
        return
    field = "online" if ticket.channel == Channel.ONLINE else "walk_in"
    DayCount.objects.filter(
        queue_id__in=TicketLeg.objects.filter(ticket=ticket, position__gt=1).values("queue_id"),
        date=ticket.date,
        **{f"{field}__gt": 0},
    ).update(**{field: F(field) - 1})


def _holds_booking(
    citizen, queues: Sequence[ServiceQueue], day: datetime.date, *, exclude: Ticket | None = None
) -> bool:
    """Does ``citizen`` hold an active booking of one of ``queues``' services on ``day``, as its
    service or as a service of a visit of several?"""
    ids = [queue.service_id for queue in queues]
    held = Ticket.objects.filter(
        citizen=citizen, date=day, channel=Channel.ONLINE, status__in=ACTIVE
    ).filter(Q(service_id__in=ids) | Q(ticket_legs__queue__service_id__in=ids))
    if exclude is not None:
        held = held.exclude(pk=exclude.pk)
    return held.exists()


def add_service(
    ticket: Ticket, queue: ServiceQueue, *, user: User, now: datetime.datetime | None = None
) -> Ticket:
    """The citizen adds a further service to a booking not checked in yet: the same number leads
    from the booked service to this one (after any added before); it holds a place of that day's
    online quota."""
    if ticket.status != "booked" or ticket.date < local_now(ticket.mpp, now).date():
        raise QueueError(
            _("Layanan hanya dapat ditambahkan sebelum lapor hadir."), "then", status=409
        )
    planned = [ticket.queue, *_further_of(ticket)]
    check_visit(planned[0], [*planned[1:], queue], ticket.date)
    if _holds_booking(ticket.citizen, [queue], ticket.date, exclude=ticket):
        raise _second_booking_error()
    with transaction.atomic():
        current = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if current.legs != ticket.legs:
            raise QueueError(_("Pemesanan ini baru saja berubah. Muat ulang halaman."), "then", 409)
        _count_further([queue], _further_days([queue], current.date), "online")
        if current.legs == 1:
            TicketLeg.objects.create(ticket=current, position=1, queue=current.queue)
        TicketLeg.objects.create(ticket=current, position=current.legs + 1, queue=queue)
        _act(
            current,
            "add_service",
            user,
            (CITIZEN,),
            changes={"legs": current.legs + 1, "next_queue": current.next_queue or queue},
            data={"service": queue.service_id},
        )
    return current


def _next_service(ticket: Ticket, officer: User, reference: str, moment) -> None:
    """Finish the service the ticket stands in now and put it in the next one's line.

    The finished service keeps its times, counter, officer and application on its
    :class:`TicketLeg`. The ticket keeps its number, its priority and its place (lane and the time
    it first joined a line): a visitor is not sent to the back of the next line for having been
    served. Its ``checked_in_at`` becomes the moment it joined the next line, so the next service's
    wait is counted from there (docs/queue.md).
    """
    with transaction.atomic():
        TicketLeg.objects.filter(ticket=ticket, position=ticket.leg).update(
            queue=ticket.queue_id,
            joined_at=ticket.checked_in_at,
            called_at=ticket.called_at,
            serving_started_at=ticket.serving_started_at,
            finished_at=moment,
            counter=ticket.counter_id,
            officer=officer,
            application_ref=reference or ticket.application_ref,
        )
        following = list(
            TicketLeg.objects.filter(ticket=ticket, position__gt=ticket.leg)
            .select_related("queue")
            .order_by("position")[:2]
        )
        upcoming = following[0].queue
        _act(
            ticket,
            "next_service",
            officer,
            (OFFICER,),
            changes={
                "queue": upcoming,
                "service_id": upcoming.service_id,
                "agency_id": upcoming.agency_id,
                "leg": ticket.leg + 1,
                "next_queue": following[1].queue if len(following) > 1 else None,
                "checked_in_at": moment,
                "called_at": None,
                "call_count": 0,
                "serving_started_at": None,
                "counter": None,
                "for_counter": None,
                "officer": None,
                "application_ref": "",
            },
            data={"leg": ticket.leg, "to_service": upcoming.service_id},
        )


# --- Check-in --------------------------------------------------------------------------------


def find_booking(mpp: MPP, code: str) -> Ticket:
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    # A scanned QR carries the whole status link: keep only its code part.
    ticket = (
        Ticket.objects.select_related("queue", "mpp__region", "service")
        .filter(mpp=mpp, booking_code=cleaned[-8:])
        .first()
        if len(cleaned) >= 8
        else None
    )
    if ticket is None or ticket.channel != Channel.ONLINE:
        raise QueueError(
            _("Kode pemesanan tidak ditemukan di MPP ini. Periksa kembali kodenya."), "code", 404
        )
    return ticket


def check_in(
    ticket: Ticket,
    *,
    user: User | None = None,
    kinds: Collection[str] = (OFFICER,),
    counter: Counter | None = None,
    priority_group: str = "",
    assistance: Collection[str] = (),
    now: datetime.datetime | None = None,
) -> Ticket:
    """The booked citizen is here: into the line by slot time, or after the grace period into the
    walk-in line (behind those already waiting). Help asked for now (``assistance``) is added to
    what the booking asked for; either puts the ticket in the priority lane.

    At a counter (``kinds`` holds OFFICER) the officer must serve there and serve the booking's
    queue; the kiosk (``kinds=(KIOSK,)``) checks in bookings of its own MPP only (``find_booking``).
    """
    if OFFICER in kinds:
        serves(user, counter, ticket)
    asked, _note = clean_assistance(assistance, "")
    moment = now or timezone.now()
    local = local_now(ticket.mpp, moment)
    # A booking holds a slot (``book`` sets one): a ticket without one is not a booking.
    slot_at = ticket.slot_moment(local.tzinfo)
    if ticket.status != "booked" or slot_at is None:
        raise QueueError(_("Pemesanan ini sudah tidak aktif atau sudah lapor hadir."), "code", 409)
    if ticket.date != local.date():
        raise QueueError(
            _("Pemesanan ini untuk tanggal %(date)s, bukan hari ini.")
            % {"date": _date(ticket.date)},
            "code",
            409,
        )
    today = today_of(ticket.queue, moment)
    if today.open_interval is None:
        error = closed_error(ticket.queue, today)
        error.field = "code"
        raise error
    grace = datetime.timedelta(minutes=rules_of(ticket.mpp).grace_minutes)
    late = local > slot_at + grace
    if priority_group not in PriorityGroup.values:
        priority_group = ""
    held = set(ticket.assistance.values_list("kind", flat=True)) if ticket.priority else set()
    added = [kind for kind in asked if kind not in held]
    changes = {
        "checked_in_at": moment,
        "lane": Lane.WALK_IN if late else Lane.BOOKED,
        "line_at": moment if late else slot_at,
        "priority_group": priority_group,
        "priority": bool(priority_group or held or added),
    }
    with transaction.atomic():
        _act(ticket, "check_in", user, kinds, changes=changes, data={"late": late})
        _ask_assistance(ticket, added)
    return ticket


def _date(day: datetime.date) -> str:
    from django.utils.formats import date_format

    return date_format(day, "j F Y")


# --- The counter console -----------------------------------------------------------------------


def refused() -> QueueError:
    return QueueError(_("Anda tidak bertugas melayani antrean ini di loket ini."), status=403)


def serves(officer: User | None, counter: Counter | None, *objects) -> None:
    """Refuse (403) unless ``officer`` holds SERVE_QUEUE on ``counter`` (its agency at its MPP) and
    on each of ``objects`` (a ticket or a queue: its agency at the same MPP).

    Every console action asks this in the service, so the web console and any other caller get the
    same answer; the view only finds the counter among the officer's own.
    """
    if officer is None or counter is None or not can(officer, Perm.SERVE_QUEUE, counter):
        raise refused()
    for obj in objects:
        if obj.mpp_id != counter.mpp_id or not can(officer, Perm.SERVE_QUEUE, obj):
            raise refused()


def waiting_line(counter: Counter, day: datetime.date) -> QuerySet[Ticket]:
    """The tickets this counter may call, in calling order."""
    return (
        Ticket.objects.filter(
            mpp_id=counter.mpp_id,
            date=day,
            status="waiting",
            # The queues prefetched with the counter (selectors.counters_for_officer), if they are.
            # A list, not a subquery: the pick then walks the line's partial index in calling order
            # and stops at the first of these queues; joined to the counter's queues, the planner
            # read and sorted the whole day's line (5,000 waiting: 18 ms instead of 0.1).
            queue_id__in=[queue.pk for queue in counter.queues.all()],
        )
        .filter(Q(for_counter__isnull=True) | Q(for_counter=counter))
        .order_by("-priority", "lane", "line_at", "id")
    )


def with_assistance(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """``tickets`` with ``has_assistance`` (any help asked for) in the same query, so a page reads
    the requests only when there are some (``selectors.assistance_of``)."""
    return tickets.annotate(
        has_assistance=Exists(AssistanceRequest.objects.filter(ticket=OuterRef("pk")))
    )


def current_ticket(counter: Counter, day: datetime.date) -> Ticket | None:
    return (
        with_assistance(Ticket.objects.select_related("queue", "service", "next_queue__service"))
        .filter(counter=counter, date=day, status__in=("called", "serving"))
        .order_by("-called_at")
        .first()
    )


def _at_counter(counter: Counter, day: datetime.date) -> QuerySet[Ticket]:
    """The ticket called or being served at ``counter`` on ``day`` (found through the MPP's index
    of the day's statuses, not through every ticket the counter ever served)."""
    return Ticket.objects.filter(
        mpp_id=counter.mpp_id, date=day, status__in=("called", "serving"), counter=counter
    )


def call_next(
    counter: Counter, *, officer: User, now: datetime.datetime | None = None
) -> Ticket | None:
    """Call the first ticket in this counter's line; None when nobody is waiting.

    The row is taken with ``FOR UPDATE SKIP LOCKED``: a second counter calling at the same moment
    skips it and takes the next one. A counter with a ticket still called or served is refused; the
    pick asks that itself (a condition on the line), so a call costs no query of its own for it.
    """
    serves(officer, counter)
    moment = now or timezone.now()
    day = local_now(counter.mpp, moment).date()
    busy = _at_counter(counter, day)
    with transaction.atomic():
        # Planned for today's date each time (mpp.plans): a generic plan sorts the whole line.
        with planned_each_time():
            ticket = (
                waiting_line(counter, day)
                .filter(~Exists(busy))
                .select_for_update(skip_locked=True, of=("self",))
                .first()
            )
        if ticket is None:
            if busy.exists():
                raise QueueError(
                    _("Selesaikan atau lewati tiket yang sedang dipanggil terlebih dahulu."),
                    status=409,
                )
            return None
        ticket.mpp = counter.mpp  # the history row's place, without a join
        _act(
            ticket,
            "call",
            officer,
            (OFFICER,),
            changes={
                "counter": counter,
                "officer": officer,
                "called_at": moment,
                "call_count": 1,
                "for_counter": None,
            },
            data={"counter": counter.number},
            # The row is locked since the pick and any error ends this transaction: no savepoint.
            savepoint=False,
        )
        CallEvent.objects.create(
            mpp_id=counter.mpp_id, ticket=ticket, counter=counter, code=ticket.code, at=moment
        )
    return ticket


def _counter_ticket(ticket: Ticket, counter: Counter, officer) -> None:
    """The officer serves at ``counter`` and the ticket's queue, and the ticket is at ``counter``."""
    serves(officer, counter, ticket)
    if ticket.counter_id != counter.pk:
        raise QueueError(_("Tiket ini tidak sedang dilayani di loket ini."), status=409)


def _counter_action(
    ticket: Ticket,
    counter: Counter,
    officer: User,
    action: str,
    changes: dict[str, object] | None = None,
) -> Ticket:
    """The officer at ``counter`` takes ``action`` on the ticket called there."""
    _counter_ticket(ticket, counter, officer)
    _act(ticket, action, officer, (OFFICER,), changes=changes)
    return ticket


def recall(
    ticket: Ticket, counter: Counter, *, officer: User, now: datetime.datetime | None = None
) -> Ticket:
    _counter_ticket(ticket, counter, officer)
    moment = now or timezone.now()
    with transaction.atomic():
        _act(ticket, "recall", officer, (OFFICER,), changes={"call_count": ticket.call_count + 1})
        CallEvent.objects.create(
            mpp_id=counter.mpp_id, ticket=ticket, counter=counter, code=ticket.code, at=moment
        )
    return ticket


def skip(ticket: Ticket, counter: Counter, *, officer: User) -> Ticket:
    return _counter_action(ticket, counter, officer, "skip")


def requeue(
    ticket: Ticket, counter: Counter, *, officer: User, now: datetime.datetime | None = None
) -> Ticket:
    """A skipped citizen turns up after all: back to the walk-in line."""
    changes = {"lane": Lane.WALK_IN, "line_at": now or timezone.now(), "counter": None}
    return _counter_action(ticket, counter, officer, "requeue", changes)


def record_no_show(ticket: Ticket, counter: Counter, *, officer: User) -> Ticket:
    """A citizen skipped at this counter never came back: record the no-show."""
    return _counter_action(ticket, counter, officer, "no_show")


def start(
    ticket: Ticket, counter: Counter, *, officer: User, now: datetime.datetime | None = None
) -> Ticket:
    changes = {"serving_started_at": now or timezone.now(), "officer": officer}
    return _counter_action(ticket, counter, officer, "start", changes)


def finish(
    ticket: Ticket,
    counter: Counter,
    *,
    officer: User,
    application_ref: str = "",
    now: datetime.datetime | None = None,
) -> Ticket:
    """Service done; ``application_ref`` links an application filed at the counter (its tracking
    number) to the visit. A visit of several services moves on to the next one's line instead
    (``next_service``), the last one ends the ticket ``served``."""
    _counter_ticket(ticket, counter, officer)
    reference = (application_ref or "").strip()[:40]
    if reference:
        _check_reference(ticket, reference)
    if ticket.leg < ticket.legs and ticket.status == "serving":
        _next_service(ticket, officer, reference, now or timezone.now())
        return ticket
    _act(
        ticket,
        "finish",
        officer,
        (OFFICER,),
        changes={
            "finished_at": now or timezone.now(),
            "application_ref": reference or ticket.application_ref,
        },
    )
    return ticket


def _check_reference(ticket: Ticket, reference: str) -> None:
    """The application exists and belongs to the ticket's agency at the ticket's MPP."""
    place = application_at(reference)
    if place is None or (place.mpp_id, place.agency_id) != (ticket.mpp_id, ticket.agency_id):
        raise QueueError(
            _("Nomor permohonan itu tidak ditemukan pada instansi ini di MPP ini."),
            "application_ref",
        )


def link_application(ticket: Ticket, counter: Counter, reference: str, *, officer: User) -> Ticket:
    """Link the visit to the application filed for it (a tracking number of the same agency and
    MPP); the officer serves at ``counter`` and the ticket's queue."""
    serves(officer, counter, ticket)
    reference = (reference or "").strip()[:40]
    if not reference:
        raise QueueError(_("Isi nomor permohonan."), "application_ref")
    _check_reference(ticket, reference)
    Ticket.objects.filter(pk=ticket.pk).update(application_ref=reference)
    ticket.application_ref = reference
    return ticket


def transfer(
    ticket: Ticket,
    counter: Counter,
    *,
    officer: User,
    to_counter: Counter | None = None,
    to_queue: ServiceQueue | None = None,
) -> Ticket:
    """Send a called or served citizen to another counter or service; they keep their place in
    line (the time they joined it) and their priority."""
    _counter_ticket(ticket, counter, officer)
    if to_counter is None and to_queue is None:
        raise QueueError(_("Pilih loket atau layanan tujuan."), "to")
    if to_counter is not None and to_counter.mpp_id != ticket.mpp_id:
        raise QueueError(_("Loket tujuan tidak ada di MPP ini."), "to")
    if to_queue is not None and to_queue.mpp_id != ticket.mpp_id:
        raise QueueError(_("Layanan tujuan tidak ada di MPP ini."), "to")
    queue = to_queue or ticket.queue
    if to_counter is not None and not to_counter.queues.filter(pk=queue.pk).exists():
        raise QueueError(_("Loket tujuan tidak melayani layanan ini."), "to")
    changes: dict[str, object] = {"for_counter": to_counter, "counter": None}
    if to_queue is not None:
        changes.update(queue=to_queue, service_id=to_queue.service_id, agency_id=to_queue.agency_id)
    _act(
        ticket,
        "transfer",
        officer,
        (OFFICER,),
        changes=changes,
        data={
            "to_counter": to_counter.number if to_counter else None,
            "to_service": to_queue.service_id if to_queue else None,
        },
    )
    return ticket


def move_service(
    ticket: Ticket,
    to_queue: ServiceQueue,
    *,
    officer: User,
    counter: Counter | None,
    now: datetime.datetime | None = None,
) -> Ticket:
    """A booking made for the wrong service moves to the right one the same day (at the counter):
    its place in the old service is given back and one is counted in the new one's slot. The
    officer serves at ``counter`` and serves both the booking's queue and the target queue."""
    serves(officer, counter, ticket, to_queue)
    local = local_now(ticket.mpp, now)
    booked = ticket.slot_starts  # a booking holds a slot (``book`` sets one)
    if ticket.channel != Channel.ONLINE or ticket.date != local.date() or booked is None:
        raise QueueError(_("Hanya pemesanan untuk hari ini yang dapat dipindahkan."), "to")
    if to_queue.mpp_id != ticket.mpp_id or to_queue.pk == ticket.queue_id:
        raise QueueError(_("Pilih layanan lain di MPP ini."), "to")
    if to_queue in _further_of(ticket):
        raise QueueError(_("Layanan itu sudah termasuk dalam kunjungan ini."), "to")
    if _holds_booking(ticket.citizen, [to_queue], ticket.date):
        raise _second_booking_error()
    times = slot_times(to_queue, ticket.date)
    target = next(((s, e) for s, e in times if s <= booked < e), None) or next(
        ((s, e) for s, e in times if s >= local.time()), None
    )
    if target is None:
        raise QueueError(_("Layanan tujuan tidak punya slot lagi hari ini."), "to", 409)
    with transaction.atomic():
        current = Ticket.objects.select_for_update().get(pk=ticket.pk)
        # The citizen is already at the MPP: the move is counted even when the slot is full.
        day_row, slot_row = _locked_rows(to_queue, ticket.date, target[0])
        _count_place(day_row, slot_row, "online")
        _release(current)
        TicketLeg.objects.filter(ticket=current, position=1).update(queue=to_queue)
        _act(
            current,
            "move_service",
            officer,
            (OFFICER,),
            changes={
                "queue": to_queue,
                "service_id": to_queue.service_id,
                "agency_id": to_queue.agency_id,
                "slot_starts": target[0],
                "slot_ends": target[1],
                "number": day_row.last_number,
                "code": _ticket_code(to_queue, day_row.last_number),
            },
            data={"from_service": ticket.service_id, "to_service": to_queue.service_id},
        )
    return current


# --- Set-up --------------------------------------------------------------------------------------


def save_rules(mpp: MPP, **values) -> QueueRules:
    rules, _created = QueueRules.objects.update_or_create(mpp=mpp, defaults=values)
    return rules


# --- The sweep: reminders and day-end no-shows ----------------------------------------------------


# The "Besok: antrean …" reminder goes out on the slot's eve in the MPP's own zone (WIB, WITA or
# WIT), at a decent hour: never on the day itself (the hour reminder covers a booking made that
# morning), never at night.
DAY_REMINDER_FROM = datetime.time(7)
DAY_REMINDER_UNTIL = datetime.time(21)


def sweep(now: datetime.datetime | None = None) -> dict[str, int]:
    """Record due reminders (on the local day before, from 07.00 to 21.00; an hour before) and
    yesterday's no-shows.

    A due reminder is a ``remind`` transition: the ticket's ``reminded_*`` stamp and its history
    row are written in one ``UPDATE ... WHERE version = ...``, so a second sweep (or a second
    scheduler) never records it twice. The message itself is sent after the commit by the hook
    ``queueing.hooks.send_reminder``; a failing send is recorded and retried by the hook retry
    sweep, and never stops this one.
    """
    now = now or timezone.now()
    counts = {"reminded_day": 0, "reminded_hour": 0, "no_show": 0}
    soon = Ticket.objects.filter(
        status="booked",
        citizen__isnull=False,
        date__gte=(now - datetime.timedelta(days=1)).date(),
        date__lte=(now + datetime.timedelta(days=2)).date(),
    ).select_related("mpp__region", "service", "citizen", "queue__mpp__region")
    for ticket in soon:
        zone = zone_of(ticket.mpp)
        at = ticket.slot_moment(zone)
        if at is None or at <= now:
            continue
        local = now.astimezone(zone)
        kind = None
        if at - now <= datetime.timedelta(hours=1) and ticket.reminded_hour_at is None:
            field, kind = "reminded_hour_at", "queue.reminder_hour"
        elif (
            ticket.reminded_day_at is None
            and ticket.date == local.date() + datetime.timedelta(days=1)
            and DAY_REMINDER_FROM <= local.time() < DAY_REMINDER_UNTIL
        ):
            field, kind = "reminded_day_at", "queue.reminder_day"
        if kind is None or not any(
            starts == ticket.slot_starts for starts, _ends in slot_times(ticket.queue, ticket.date)
        ):
            # The calendar closed the day after it was booked (a regional holiday, say): no
            # reminder sends the citizen to a closed MPP.
            continue
        # An hour reminder makes the eve's pointless: both are stamped.
        extra = (
            {"reminded_day_at": now}
            if field == "reminded_hour_at" and ticket.reminded_day_at is None
            else {}
        )
        try:
            apply_action(
                ticket,
                "remind",
                actor_user=None,
                actor_kinds=(SYSTEM,),
                changes={field: now, **extra},
                data={
                    "kind": kind,
                    "slot": f"{ticket.date.isoformat()} {ticket.slot_starts:%H:%M}",
                },
            )
        except WorkflowError:
            continue  # reminded or changed meanwhile
        counts["reminded_hour" if kind.endswith("hour") else "reminded_day"] += 1
    # Bookings never checked in and skipped tickets of days already past are no-shows.
    past = Ticket.objects.filter(
        status__in=("booked", "skipped"), date__lte=now.date()
    ).select_related("mpp__region")
    for ticket in past[:2000]:
        if ticket.date >= local_now(ticket.mpp, now).date():
            continue
        try:
            apply_action(ticket, "no_show", actor_user=None, actor_kinds=(SYSTEM,))
        except WorkflowError:
            continue  # acted on meanwhile
        counts["no_show"] += 1
    return counts


# --- Assistance (pendampingan) -------------------------------------------------------------------
# A visitor asks for help with a ticket (when booking, at the kiosk, at check-in): one
# ``AssistanceRequest`` per kind, in the ticket's transaction; any such request puts the ticket in
# the priority lane (``Ticket.priority``, the line's first key). The counter officer serving the
# ticket or the MPP's hall staff mark each met or unmet (workflow ``queue_assistance``).

# The process event the dashboard's facts count, run in the transaction that asks (``hooks``).
ASSISTANCE_EVENTS = "queue_assistance_events"
ASKED = "asked"
NOTE_LIMIT = 300


def _plain_text(value: str) -> str:
    """A visitor's or officer's line of text without control characters, spaces trimmed."""
    return "".join(ch if ch.isprintable() else " " for ch in (value or "")).strip()


def clean_assistance(kinds: Collection[str], note: str) -> tuple[list[str], str]:
    """The kinds of help asked for (each known, once, in the order of :class:`AssistanceKind`)
    and the note; a refusal names the field (``assistance``, ``assistance_note``)."""
    chosen = set(kinds or ())
    if chosen - set(AssistanceKind.values):
        raise QueueError(_("Pilihan pendampingan tidak dikenal."), "assistance")
    text = _plain_text(note)
    if len(text) > NOTE_LIMIT:
        raise QueueError(
            _("Catatan pendampingan paling banyak %(count)s karakter.") % {"count": NOTE_LIMIT},
            "assistance_note",
        )
    if text and not chosen:
        raise QueueError(
            _("Pilih jenis pendampingan yang Anda perlukan, lalu tulis catatannya."), "assistance"
        )
    return [kind for kind in AssistanceKind.values if kind in chosen], text


def _ask_assistance(ticket: Ticket, kinds: Collection[str]) -> list[AssistanceRequest]:
    """One open request per kind for ``ticket`` (inside the caller's transaction), counted by the
    hooks of the ``asked`` event in the same transaction."""
    if not kinds:
        return []
    rows = AssistanceRequest.objects.bulk_create(
        [
            AssistanceRequest(
                ticket=ticket,
                kind=kind,
                mpp_id=ticket.mpp_id,
                agency_id=ticket.agency_id,
                service_id=ticket.service_id,
                date=ticket.date,
                status=AssistanceRequest.workflow.initial,
            )
            for kind in kinds
        ]
    )
    for row in rows:
        hooks.run_in_transaction(ASSISTANCE_EVENTS, ASKED, row)
    return rows


def may_assist(user: User | None, request: AssistanceRequest) -> bool:
    """The MPP's hall staff (``ASSIST_VISITORS``) or an officer serving the ticket's queue
    (``SERVE_QUEUE`` on the ticket as it is now, after any transfer)."""
    return user is not None and (
        can(user, Perm.ASSIST_VISITORS, request) or can(user, Perm.SERVE_QUEUE, request.ticket)
    )


def resolve_assistance(
    request: AssistanceRequest,
    met: bool,
    *,
    user: User,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> AssistanceRequest:
    """Mark a request met, or unmet with the reason (both final); refused (403) for anyone who
    may not assist at its MPP, 409 when somebody else marked it first."""
    if not may_assist(user, request):
        raise QueueError(
            _("Anda tidak bertugas menangani permintaan pendampingan ini."), status=403
        )
    text = _plain_text(reason)
    if len(text) > NOTE_LIMIT:
        raise QueueError(
            _("Alasan paling banyak %(count)s karakter.") % {"count": NOTE_LIMIT}, "reason"
        )
    if not met and not text:
        raise QueueError(_("Tuliskan alasan pendampingan tidak dapat dipenuhi."), "reason")
    _act(
        request,
        "meet" if met else "decline",
        user,
        (STAFF,),
        changes={"resolved_at": now or timezone.now(), "resolved_by": user, "reason": text},
        note=text,
    )
    return request
