"""The queue (antrean): set-up of every MPP, and two years of tickets with their calls, day by day.

Set-up. Every published service without a ``ServiceQueue`` gets one (the demo queues A–D of Kota
Batam keep theirs, quotas and counters included): the letters run A–Z, then AA, AB… per MPP,
skipping the letters already taken (unique per MPP, as the set-up form requires). Slots are the
product's default 30 minutes; the four quotas start at the product's defaults (4 per slot, 50 a
day per channel) and grow with the service's expected daily tickets at the scale: a manager sets
the day quota a little above the usual day and the walk-in slot quota for the crowd at opening
(two fifths of a day's walk-ins arrive in the first half hour). Each agency unit (agency at an
MPP) gets one ``Counter`` for its queues not yet served by a counter — more at a busy unit, one per
:data:`PER_COUNTER` expected tickets a day, at most :data:`MAX_COUNTERS` — numbered after the MPP's
existing counters; where the demand exceeds what those counters serve in a day, the day quotas are
cut to that ("kuota habis", as real MPPs do). A counter's officer is one of its unit's officers
(two per unit from ``accounts``, so a busy unit's officers work several counters). Every MPP gets a
kiosk (Batam keeps the demo kiosk and its token) and its ``QueueRules`` with the product's
defaults. Kota Batam is set up as the busy MPP it is at the national scale (:data:`BUSY_DAY`
tickets a day) at every scale.

Tickets. About as many as applications (``ctx.applications``) over the open days of the 730 days
before the anchor (an MPP's opening hours and the holiday calendar, as ``open_intervals`` reads
them: no tickets on weekends or holidays), shared among the MPPs by their Zipf weight (Kota Batam
~4 %) and among an MPP's services like applications (population services five times as often;
counter-only services more, online-only ones less), Mondays busier than Fridays. 70 % are walk-in
numbers from the kiosk, 30 % online bookings (made 0–14 days ahead, in a slot), ~10 % priority
(elderly, disabled, pregnant, with an infant). Each service's day is played in the order the
product would: numbers and quotas by creation time (a full slot sends the walk-in to the next slot,
a full day refuses it), 8 % of bookings cancelled (their place given back), 12 % never checked in
(``no_show`` by the day-end sweep), the rest checked in at the kiosk or the counter (on time: in
line by slot; after the 15-minute grace: the walk-in line). Then each unit's counters call their
line in the product's order (priority, lane, line time, id) from opening, not in the breaks: 8 %
recalled once, 3 % skipped (half come back and are requeued, half become no-shows), service times
lognormal around 9–15 minutes by kind of service; every call and recall is a ``CallEvent`` and
every action a ``TransitionRecord`` (call, recall, skip, requeue, start, finish, check_in, cancel,
no_show) with the actor and actor kind the product records (officer, kiosk, citizen, system).
Past days end finished (served, no-show or cancelled; a busy unit's last citizens may be served a
little after closing, as MPPs do). TODAY (the anchor's local date) is played until
:data:`LIVE_TIME` local time: served tickets, one called or serving ticket per busy counter and the
waiting line; at Kota Batam a busy day (:data:`BUSY_DAY` tickets whatever the scale) so that the
console and call-next have a real line. Bookings for the next 14 days are ``booked``. Reminders
(``reminded_*_at``) are set as the sweep would have sent them (the notifications themselves are not
generated). ``DayCount`` and ``SlotCount`` hold exactly the places and last numbers of the tickets
(merged with the demo's rows).

Ticket ids grow with the queue day (within a day, per MPP, with the creation time): a booking made
days ahead has the id of its day, not of the moment it was made. Rows (seed 2026): tiny 2,636
tickets (Batam's busy today is 639 of them), 7,422 transition records, 2,429 call events; small
50,736 tickets, 165,139 transition records (3.3 per ticket), 53,587 call events, 49,452 day and
50,280 slot counts, 12,559 queues, 3,900 counters; national about 10 million tickets. Python plays
~4,000 tickets a second (plus the COPY).
"""

from __future__ import annotations

import base64
import bisect
import datetime
import hashlib
import heapq
import math
from collections import defaultdict

from bench.data.base import Context, as_json, cumulate, token

DAYS = 730
DAYS_AHEAD = 14  # QueueRules.booking_days_ahead (the default)
LIVE_TIME = 10 * 3600  # TODAY is played until 10.00 local time (seconds since local midnight)
BUSY_DAY = 1000  # tickets a day at the demo MPP Kota Batam, for its set-up and TODAY, any scale
PER_COUNTER = 32  # citizens one counter serves in a day (9–15 minutes each, with pauses)
MAX_COUNTERS = 8
ONLINE_SHARE = 0.30
PRIORITY_SHARE = 0.10
CANCEL_SHARE = 0.08
NO_SHOW_SHARE = 0.12  # of the bookings not cancelled
SKIP_SHARE = 0.03
RECALL_SHARE = 0.08
KIOSK_CHECK_IN = 0.75  # the others check in at the counter
GRACE = 15 * 60  # QueueRules.grace_minutes (the default)
CATEGORY_WEIGHT = {"kependudukan": 5.0}
CHANNEL_WEIGHT = {"counter": 1.5, "both": 1.0, "online": 0.3}
SERVICE_MINUTES = {"kependudukan": 9, "keimigrasian": 15, "pertanahan": 15, "kepolisian": 12}
WEEKDAY_FACTOR = {0: 1.2, 1: 1.0, 2: 1.0, 3: 1.0, 4: 0.8, 5: 0.6, 6: 0.6}
PRIORITY_GROUPS = ["lansia"] * 5 + ["ibu_hamil"] * 2 + ["disabilitas", "bayi"] * 1
TZ_OFFSET = {"Asia/Jakarta": 7, "Asia/Makassar": 8, "Asia/Jayapura": 9}
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # mpp.queueing.services.CODE_ALPHABET
LEAD_WEIGHTS = [0.7**k for k in range(DAYS_AHEAD + 1)]  # days between booking and visit
LEAD_CUMULATIVE = cumulate(LEAD_WEIGHTS)
WORKFLOW = "queue_ticket"


# --- Set-up -----------------------------------------------------------------------------------


def _letters():
    yield from "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for first in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        for second in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
            yield first + second


def _service_weight(service) -> float:
    version = service.current_version
    return CATEGORY_WEIGHT.get(service.category, 1.0) * CHANNEL_WEIGHT.get(version.channel, 1.0)


class Calendar:
    """``services.open_intervals`` for every MPP and day, from rows read once (seconds)."""

    def __init__(self, mpps, first: datetime.date, last: datetime.date) -> None:
        from mpp.regions.calendar import OfficeHours, is_package_holiday
        from mpp.regions.models import CalendarOverride
        from mpp.tenancy.models import OpeningHours

        rows = defaultdict(list)
        for row in OpeningHours.objects.filter(mpp__in=mpps):
            rows[row.mpp_id].append(row)
        self.hours = {m.pk: OfficeHours.from_opening_hours(rows[m.pk]) for m in mpps}
        self.region = {m.pk: m.region_id for m in mpps}
        self.national: dict[datetime.date, str] = {}
        self.regional: dict[tuple[str, datetime.date], str] = {}
        for region, day, kind in CalendarOverride.objects.filter(
            date__range=(first, last)
        ).values_list("region_id", "date", "kind"):
            if region is None:
                self.national[day] = kind
            else:
                self.regional[(region, day)] = kind
        self.holiday = {
            first + datetime.timedelta(days=d): is_package_holiday(
                first + datetime.timedelta(days=d)
            )
            for d in range((last - first).days + 1)
        }
        self._seconds: dict[tuple, tuple] = {}
        self._memo: dict[tuple[int, datetime.date], tuple] = {}

    def on(self, mpp_id: int, day: datetime.date) -> tuple[tuple[int, int], ...]:
        key = (mpp_id, day)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._on(mpp_id, day)
        return found

    def _on(self, mpp_id: int, day: datetime.date) -> tuple[tuple[int, int], ...]:
        hours = self.hours[mpp_id]
        kind = self.regional.get((self.region[mpp_id], day)) or self.national.get(day)
        if kind is not None:
            if kind != "working_day":
                return ()
            intervals = hours.on(day)
        elif self.holiday[day]:
            return ()
        else:
            intervals = hours.on(day)
        key = tuple(intervals)
        if key not in self._seconds:
            self._seconds[key] = tuple(
                (o.hour * 3600 + o.minute * 60, c.hour * 3600 + c.minute * 60) for o, c in key
            )
        return self._seconds[key]


def _slots(intervals, minutes: int, cache: dict) -> list[tuple[int, int]]:
    """``services.slot_times``: whole slots inside each opening interval (seconds)."""
    key = (intervals, minutes)
    if key not in cache:
        length, result = minutes * 60, []
        for opens, closes in intervals:
            start = opens
            while start + length <= closes:
                result.append((start, start + length))
                start += length
        cache[key] = result
    return cache[key]


def _quotas(expected: float, factor: float, busy: bool) -> tuple[int, int, int, int]:
    """(online per slot, walk-in per slot, online per day, walk-in per day) for a 30-minute queue."""
    online = expected * ONLINE_SHARE * factor
    walk_in = expected * (1 - ONLINE_SHARE) * factor
    # A quiet queue keeps the product's default of 50 a day; a busy unit's queues share exactly
    # what its counters serve in a day.
    floor, slack = (1, 1.0) if busy else (50, 1.5)
    online_day = min(32767, max(floor, math.ceil(online * slack)))
    walk_in_day = min(32767, max(floor, math.ceil(walk_in * slack)))
    return (
        min(32767, max(4, math.ceil(online_day / 16 * 2))),
        min(32767, max(4, math.ceil(walk_in_day * 0.4))),
        online_day,
        walk_in_day,
    )


def set_up(ctx: Context, rng, calendar: Calendar, first_day: datetime.date) -> dict:
    """Queues, counters (with their services), kiosks and rules for every MPP; the plan of each."""
    from mpp.devices.models import Device
    from mpp.queueing.models import Counter, QueueRules, ServiceQueue

    mpps = ctx.facts["mpps"]
    weights = ctx.facts["mpp_weights"]
    services = ctx.facts["services"]
    total_weight = weights[-1]
    existing = {q.service_id: q for q in ServiceQueue.objects.all()}
    prefixes = defaultdict(set)
    for queue in existing.values():
        prefixes[queue.mpp_id].add(queue.prefix)
    counters_by_mpp = defaultdict(list)
    for counter in Counter.objects.prefetch_related("queues").order_by("mpp_id", "number"):
        counters_by_mpp[counter.mpp_id].append(counter)
    kiosks = _kiosks()
    ruled = set(QueueRules.objects.values_list("mpp_id", flat=True))
    created = ctx.anchor - datetime.timedelta(days=800)
    queue_id = ctx.next_id("queueing_servicequeue")
    counter_id = ctx.next_id("queueing_counter")
    new_queues, new_counters, links, new_kiosks = [], [], [], []
    plans: dict[int, dict] = {}
    previous = 0.0
    for mpp, cumulative in zip(mpps, weights, strict=True):
        share = (cumulative - previous) / total_weight
        previous = cumulative
        open_weight = sum(
            WEEKDAY_FACTOR[day.weekday()]
            for d in range(DAYS)
            if calendar.on(mpp.pk, day := first_day + datetime.timedelta(days=d))
        )
        per_weight = ctx.process_volume * share / max(open_weight, 1.0)
        busy = mpp.pk == mpps[0].pk  # Kota Batam, the demo MPP
        config_day = max(per_weight, BUSY_DAY) if busy else per_weight
        offered = services[mpp.pk]
        service_weights = {s.pk: _service_weight(s) for s in offered}
        mpp_weight = sum(service_weights.values())
        used = prefixes[mpp.pk]
        letters = (p for p in _letters() if p not in used)
        by_unit: dict[int, list] = defaultdict(list)
        for service in sorted(offered, key=lambda s: (s.agency_id, s.pk)):
            if service.pk not in existing:
                by_unit[service.agency_id].append(service)
        mpp_counters = list(counters_by_mpp[mpp.pk])
        number = max((c.number for c in mpp_counters), default=0)
        for agency_id, unit_services in by_unit.items():
            expected = {
                s.pk: config_day * service_weights[s.pk] / mpp_weight for s in unit_services
            }
            demand = sum(expected.values())
            count = min(MAX_COUNTERS, max(1, math.ceil(demand / PER_COUNTER)))
            factor = min(1.0, count * PER_COUNTER / demand) if demand else 1.0
            unit_queue_ids = []
            for service in unit_services:
                quotas = _quotas(expected[service.pk], factor, factor < 1.0)
                queue = ServiceQueue(
                    id=queue_id, service_id=service.pk, mpp_id=mpp.pk, agency_id=agency_id,
                    prefix=next(letters), slot_minutes=30, online_per_slot=quotas[0],
                    walk_in_per_slot=quotas[1], online_per_day=quotas[2],
                    walk_in_per_day=quotas[3], is_active=True,
                )  # fmt: skip
                new_queues.append(queue)
                existing[service.pk] = queue
                unit_queue_ids.append(queue_id)
                queue_id += 1
            for _ in range(count):
                number += 1
                new_counters.append((counter_id, mpp.pk, agency_id, number))
                links.extend((counter_id, q) for q in unit_queue_ids)
                mpp_counters.append((counter_id, agency_id, number, set(unit_queue_ids)))
                counter_id += 1
        if mpp.pk not in kiosks:
            digest = hashlib.sha256(token(rng, 24).encode()).hexdigest()
            new_kiosks.append(
                (
                    mpp.pk,
                    "queue_kiosk",
                    "Anjungan pintu utama",
                    digest,
                    created,
                    None,
                    None,
                    as_json([]),
                )
            )
        plans[mpp.pk] = {
            "per_weight": per_weight,
            "today": config_day,
            "queues": [QueuePlan(existing[s.pk], s.category) for s in offered if s.pk in existing],
            "weights": service_weights,
            "counters": [
                (c.pk, c.agency_id, c.number, {q.pk for q in c.queues.all()})
                if isinstance(c, Counter)
                else c
                for c in mpp_counters
            ],
        }
    ctx.copy(
        ServiceQueue,
        ["id", "service_id", "mpp_id", "agency_id", "prefix", "slot_minutes", "online_per_slot",
         "walk_in_per_slot", "online_per_day", "walk_in_per_day", "is_active"],
        ((q.id, q.service_id, q.mpp_id, q.agency_id, q.prefix, q.slot_minutes, q.online_per_slot,
          q.walk_in_per_slot, q.online_per_day, q.walk_in_per_day, True) for q in new_queues),
        total=len(new_queues),
        label="service queues",
    )  # fmt: skip
    ctx.copy(
        Counter,
        ["id", "mpp_id", "agency_id", "number", "name", "is_active"],
        ((pk, mpp, agency, number, "", True) for pk, mpp, agency, number in new_counters),
        total=len(new_counters),
        label="counters",
    )
    ctx.copy(
        Counter.queues.through,
        ["counter_id", "servicequeue_id"],
        links,
        total=len(links),
        label="counter services",
    )
    # The queue kiosks are devices (``mpp.devices``) of kind ``queue_kiosk``.
    ctx.copy(
        Device,
        [
            "mpp_id",
            "kind",
            "name",
            "token_hash",
            "created_at",
            "rotated_at",
            "revoked_at",
            "networks",
        ],
        new_kiosks,
        total=len(new_kiosks),
        label="kiosks",
    )
    ctx.copy(
        QueueRules,
        [
            "mpp_id",
            "no_show_limit",
            "no_show_days",
            "grace_minutes",
            "booking_days_ahead",
            "max_services",
        ],
        ((m.pk, 0, 30, GRACE // 60, DAYS_AHEAD, 3) for m in mpps if m.pk not in ruled),
        total=sum(1 for m in mpps if m.pk not in ruled),
        label="queue rules",
    )
    kiosks = _kiosks()
    for mpp in mpps:
        plans[mpp.pk]["kiosk"] = kiosks[mpp.pk]
    return plans


def _kiosks() -> dict[int, int]:
    """The working queue kiosk of each MPP (the newest, when it has several)."""
    from mpp.devices.models import Device

    rows = Device.objects.filter(kind="queue_kiosk", revoked_at__isnull=True).order_by("id")
    return dict(rows.values_list("mpp_id", "pk"))  # the newest of an MPP is written last


class QueuePlan:
    """What the day's play reads of a ``ServiceQueue`` (plain attributes: read millions of times)."""

    __slots__ = (
        "agency_id", "category", "id", "online_per_day", "online_per_slot", "prefix",
        "service_id", "slot_minutes", "walk_in_per_day", "walk_in_per_slot",
    )  # fmt: skip

    def __init__(self, queue, category: str) -> None:
        self.id, self.prefix, self.category = queue.id, queue.prefix, category
        self.service_id, self.agency_id = queue.service_id, queue.agency_id
        self.slot_minutes = queue.slot_minutes
        self.online_per_slot, self.walk_in_per_slot = queue.online_per_slot, queue.walk_in_per_slot
        self.online_per_day, self.walk_in_per_day = queue.online_per_day, queue.walk_in_per_day


# --- One MPP's day ----------------------------------------------------------------------------


class Visit:
    """One ticket while its day is played (times in seconds from the local midnight)."""

    __slots__ = (
        "called", "calls", "cancel", "checkin", "citizen", "counter", "created", "finished",
        "group", "history", "id", "lane", "line_at", "number", "officer", "online", "queue",
        "remind_day", "remind_hour", "slot", "started", "status", "tries",
    )  # fmt: skip

    def __init__(self, queue, online: bool, created: int) -> None:
        self.queue, self.online, self.created = queue, online, created
        self.slot = self.number = self.citizen = self.checkin = self.line_at = None
        self.called = self.started = self.finished = self.counter = self.officer = None
        self.cancel = self.remind_day = self.remind_hour = None
        self.group = ""
        self.calls = 0
        self.tries = 0
        self.lane = 0 if online else 1
        self.status = "booked" if online else "waiting"
        self.history: list[tuple] = []  # (action, from, to, actor, actor kind, at, data)

    def act(self, action: str, target: str, actor, kind: str, at: int, data: str = "{}") -> None:
        self.history.append((action, self.status, target, actor, kind, at, data))
        self.status = target


class Day:
    """Plays one MPP's day: who takes a number or a place, and how the counters call them."""

    def __init__(self, gen, mpp, plan, day: datetime.date, kind: str) -> None:
        self.gen, self.mpp, self.plan, self.day, self.kind = gen, mpp, plan, day, kind
        self.rng = gen.rng
        self.intervals = gen.calendar.on(mpp.pk, day)
        self.opens, self.closes = self.intervals[0][0], self.intervals[-1][1]
        # The data set's "now" in seconds from this day's local midnight: TODAY is played until
        # LIVE_TIME; of a future day only the bookings made by then exist.
        ahead = (day - gen.anchor_day).days
        self.now = None if kind == "past" else LIVE_TIME - ahead * 86400
        self.until = 10**9 if kind == "past" else self.now
        self.days: dict[int, list[int]] = {}  # queue → [online, walk-in, last number] (DayCount)
        self.slots: dict[tuple[int, int], list[int]] = {}  # (queue, start) → [online, walk-in]

    def day_count(self, queue_id: int) -> list[int]:
        row = self.days.get(queue_id)
        if row is None:
            row = self.days[queue_id] = self.gen.demo_days.pop((queue_id, self.day), [0, 0, 0])
        return row

    def slot_count(self, queue_id: int, starts: int) -> list[int]:
        key = (queue_id, starts)
        row = self.slots.get(key)
        if row is None:
            row = self.slots[key] = self.gen.demo_slots.pop((queue_id, self.day, starts), [0, 0])
        return row

    # Ticket candidates.

    def walk_in_time(self) -> int:
        rng, opens, closes = self.rng, self.opens, self.closes
        r = rng.random()
        if r < 0.4:  # the crowd at the door when the MPP opens
            at = opens + rng.randrange(1800)
        elif r < 0.7:
            at = opens + 1800 + rng.randrange(5400)
        else:
            at = opens + rng.randrange(max(1, closes - 2700 - opens))
        for index, (start, end) in enumerate(self.intervals):
            if start <= at < end:
                return at
            if at < start:  # in a break: after it
                return start + rng.randrange(900)
            if index == len(self.intervals) - 1:
                return end - 1800
        return at

    def booking(self, queue, slots, lead: int | None = None) -> Visit | None:
        rng = self.rng
        if lead is None:
            lead = bisect.bisect_right(LEAD_CUMULATIVE, rng.random() * LEAD_CUMULATIVE[-1])
        index = rng.randrange(len(slots))
        if index > len(slots) // 2 and rng.random() < 0.3:
            index = rng.randrange(len(slots) // 2 + 1)  # mornings book out first
        starts = slots[index][0]
        if lead == 0:
            latest = starts - 600
            if latest <= 6 * 3600:
                lead = 1
            else:
                created = 6 * 3600 + rng.randrange(latest - 6 * 3600)
        if lead > 0:
            created = -lead * 86400 + 6 * 3600 + rng.randrange(16 * 3600)
        if self.now is not None and created > self.now:
            return None  # not made yet
        ticket = Visit(queue, True, created)
        ticket.slot = slots[index]
        return ticket

    def candidates(self, count: int, online_only: bool = False, ahead: int = 0) -> list[Visit]:
        rng, plan = self.rng, self.plan
        queues, cumulative = plan["queues"], plan["cumulative"]
        result = []
        for _ in range(count):
            queue = queues[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]
            slots = _slots(self.intervals, queue.slot_minutes, self.gen.slot_cache)
            if not slots:
                continue
            if online_only or rng.random() < ONLINE_SHARE:
                lead = None
                if ahead:
                    # A future day: only the bookings made at least ``ahead`` days before exist.
                    lead = bisect.bisect_right(
                        LEAD_CUMULATIVE,
                        LEAD_CUMULATIVE[ahead - 1]
                        + rng.random() * (LEAD_CUMULATIVE[-1] - LEAD_CUMULATIVE[ahead - 1]),
                    )
                    lead = min(max(lead, ahead), DAYS_AHEAD)
                ticket = self.booking(queue, slots, lead)
                if ticket is not None:
                    ticket.citizen = self.citizen(queue)
                    if ticket.citizen is not None:
                        result.append(ticket)
            else:
                at = self.walk_in_time()
                if self.now is None or at <= self.now:
                    result.append(Visit(queue, False, at))
        return result

    # Numbers and quotas, in the order the tickets were asked for.

    def take_places(self, tickets: list[Visit]) -> list[Visit]:
        heap = [(t.created, i, t) for i, t in enumerate(tickets)]
        heapq.heapify(heap)
        serial = len(heap)
        accepted = []
        while heap:
            at, _, ticket = heapq.heappop(heap)
            queue = ticket.queue
            slots = _slots(self.intervals, queue.slot_minutes, self.gen.slot_cache)
            counts = self.day_count(queue.id)
            if ticket.online:
                slot_row = self.slot_count(queue.id, ticket.slot[0])
                if slot_row[0] >= queue.online_per_slot or counts[0] >= queue.online_per_day:
                    ticket.tries += 1
                    # Full: the citizen picks another slot still ahead (booked on the day itself,
                    # one starting at least 10 minutes later).
                    ahead = [x for x in slots if x[0] > at + 600] if at > 0 else slots
                    if ticket.tries < 3 and counts[0] < queue.online_per_day and ahead:
                        ticket.slot = ahead[self.rng.randrange(len(ahead))]
                        heapq.heappush(heap, (at, serial, ticket))
                        serial += 1
                    continue
                slot_row[0] += 1
                counts[0] += 1
            else:
                slot = next((s for s in slots if s[0] <= at < s[1]), None)
                if slot is None:
                    later = next((s for s in slots if s[0] > at), None)
                    if later is None:
                        continue  # "Layanan sedang tutup"
                    ticket.created = later[0] + self.rng.randrange(120)
                    if self.now is None or ticket.created <= self.now:
                        heapq.heappush(heap, (ticket.created, serial, ticket))
                        serial += 1
                    continue
                if counts[1] >= queue.walk_in_per_day:
                    continue  # today's walk-in numbers are gone
                slot_row = self.slot_count(queue.id, slot[0])
                if slot_row[1] >= queue.walk_in_per_slot:
                    # "Silakan coba pada slot berikutnya": back when the next slot starts.
                    ticket.tries += 1
                    ticket.created = slot[1] + self.rng.randrange(300)
                    if ticket.tries < 4 and (self.now is None or ticket.created <= self.now):
                        heapq.heappush(heap, (ticket.created, serial, ticket))
                        serial += 1
                    continue
                ticket.slot = slot
                slot_row[1] += 1
                counts[1] += 1
                ticket.line_at = ticket.checkin = ticket.created
            counts[2] += 1
            ticket.number = counts[2]
            accepted.append(ticket)
        return accepted

    # Before the counters: priority, cancellations, check-ins, reminders.

    def prepare(self, tickets: list[Visit]) -> None:
        rng, until = self.rng, self.until
        for ticket in tickets:
            if not ticket.online:
                if rng.random() < PRIORITY_SHARE:
                    ticket.group = rng.choice(PRIORITY_GROUPS)
                continue
            starts = ticket.slot[0]
            if rng.random() < CANCEL_SHARE:
                moment = ticket.created + int(rng.random() * max(60, starts - 60 - ticket.created))
                if moment <= until:
                    ticket.cancel = moment
            self.reminders(ticket, starts)
            if ticket.cancel is not None:
                ticket.act("cancel", "cancelled", ticket.citizen, "citizen", ticket.cancel)
                # services._release: the place is given back (not the number).
                self.days[ticket.queue.id][0] -= 1
                self.slots[(ticket.queue.id, starts)][0] -= 1
                continue
            if rng.random() < NO_SHOW_SHARE:
                continue  # never comes: no_show at the day-end sweep
            r = rng.random()
            if r < 0.7:
                at = starts - 60 - rng.randrange(1740)
            elif r < 0.9:
                at = starts + rng.randrange(GRACE)
            else:
                at = starts + GRACE + 60 + rng.randrange(2700)
            at = max(min(at, self.closes - 600), self.opens - 900, ticket.created + 60)
            if at > until:
                continue
            late = at > starts + GRACE
            if rng.random() < PRIORITY_SHARE:
                ticket.group = rng.choice(PRIORITY_GROUPS)
            if rng.random() < KIOSK_CHECK_IN:
                actor, kind = None, "kiosk"
            else:
                actor, kind = (
                    rng.choice(self.plan["unit_officers"][ticket.queue.agency_id]),
                    "officer",
                )
            ticket.act(
                "check_in",
                "waiting",
                actor,
                kind,
                at,
                '{"late":true}' if late else '{"late":false}',
            )
            ticket.checkin = at
            ticket.lane = 1 if late else 0
            ticket.line_at = at if late else starts

    def citizen(self, queue) -> int | None:
        gen, rng = self.gen, self.rng
        low, high = gen.blocks[self.mpp.pk]
        if self.kind == "past" and self.mpp.pk == gen.demo_mpp and rng.random() < gen.demo_share:
            choice = gen.demo_citizen
        else:
            choice = rng.randrange(low, high)
        if self.kind == "past":
            return choice
        # One active booking per citizen, service and day (queue_one_active_booking_per_day).
        for _ in range(20):
            key = (choice, queue.service_id, self.day)
            if key not in gen.active:
                gen.active.add(key)
                return choice
            choice = rng.randrange(low, high)
        return None  # everybody of a tiny block has booked this service today

    def reminders(self, ticket: Visit, starts: int) -> None:
        """``reminded_*_at`` as the five-minute sweep sets them (only while still booked)."""
        hour, day = starts - 3600, starts - 86400
        stop = ticket.cancel if ticket.cancel is not None else 10**9
        stop = min(stop, self.until)

        def sweep(at: int) -> int:
            return (at // 300 + 1) * 300

        if ticket.created >= hour:
            at = sweep(ticket.created)
            if at <= stop:
                ticket.remind_hour = ticket.remind_day = at
            return
        if ticket.created < hour:
            at = sweep(max(ticket.created, day))
            if at < hour and at <= stop:
                ticket.remind_day = at
            at = sweep(hour)
            if at <= stop:
                ticket.remind_hour = at
                if ticket.remind_day is None:
                    ticket.remind_day = at

    # The counters.

    def serve(self, tickets: list[Visit]) -> list[tuple]:
        """Call each unit's line with its counters; returns the call events (at, counter, ticket)."""
        until, intervals = self.until, self.intervals
        by_unit: dict[int, list[Visit]] = defaultdict(list)
        for ticket in tickets:
            if ticket.status == "waiting":
                by_unit[ticket.queue.agency_id].append(ticket)
        calls: list[tuple] = []
        for agency_id, unit in by_unit.items():
            counters = self.plan["unit_counters"][agency_id]
            officers = self.plan["unit_officers"][agency_id]
            entries = [(t.checkin, t.id, t) for t in unit]
            heapq.heapify(entries)
            lines: dict[int, list] = defaultdict(list)
            free = [(self.opens, index) for index in range(len(counters))]
            heapq.heapify(free)
            while free:
                now, index = heapq.heappop(free)
                if now >= self.closes and not entries and not any(lines.values()):
                    break
                for start, end in intervals:  # no calls in a break
                    if now < start:
                        now = start
                        break
                    if now < end:
                        break
                if now > until:
                    continue  # TODAY: this counter's next call is still to come
                while entries and entries[0][0] <= now:
                    _, _, ticket = heapq.heappop(entries)
                    key = (not ticket.group, ticket.lane, ticket.line_at, ticket.id)
                    heapq.heappush(lines[ticket.queue.id], (key, ticket))
                counter_id, number, queue_ids = counters[index]
                best = None
                for queue_id in queue_ids:
                    line = lines.get(queue_id)
                    if line and (best is None or line[0][0] < best[0][0]):
                        best = line
                if best is None:
                    if entries:  # an idle officer sees the next number on the screen a bit later
                        wake = entries[0][0] + 30 + self.rng.randrange(150)
                        heapq.heappush(free, (max(wake, now + 30), index))
                    continue
                _, ticket = heapq.heappop(best)
                officer = officers[index % len(officers)]
                heapq.heappush(
                    free,
                    (self.call(ticket, now, counter_id, number, officer, calls, entries), index),
                )
        return calls

    def call(self, ticket, now, counter_id, number, officer, calls, entries) -> int:
        rng, until = self.rng, self.until
        ticket.counter, ticket.officer, ticket.called, ticket.calls = counter_id, officer, now, 1
        ticket.act("call", "called", officer, "officer", now, f'{{"counter":{number}}}')
        calls.append((now, counter_id, ticket))
        r = rng.random()
        at = now + 60 + rng.randrange(60)
        if r < SKIP_SHARE:
            if at <= until:
                ticket.calls = 2
                ticket.act("recall", "called", officer, "officer", at)
                calls.append((at, counter_id, ticket))
            at += 60 + rng.randrange(60)
            if at > until:
                return at
            ticket.act("skip", "skipped", officer, "officer", at)
            back = at + 900 + rng.randrange(2700)
            if rng.random() < 0.5 and back < self.closes - 1800 and back <= until:
                ticket.act("requeue", "waiting", officer, "officer", back)
                ticket.lane, ticket.line_at, ticket.counter = 1, back, None
                heapq.heappush(entries, (back, ticket.id, ticket))
            return at + 30
        if r < SKIP_SHARE + RECALL_SHARE:
            if at > until:
                return at
            ticket.calls = 2
            ticket.act("recall", "called", officer, "officer", at)
            calls.append((at, counter_id, ticket))
            at += 30 + rng.randrange(90)
        else:
            at = now + 30 + rng.randrange(120)
        if at > until:
            return at
        ticket.started = at
        ticket.act("start", "serving", officer, "officer", at)
        mean = SERVICE_MINUTES.get(ticket.queue.category, 11) * 60
        length = min(3600, max(120, int(rng.lognormvariate(math.log(mean) - 0.1, 0.45))))
        at += length
        if at > until:
            return at
        ticket.finished = at
        ticket.act("finish", "served", officer, "officer", at)
        return at + 15 + rng.randrange(75)

    def close(self, tickets: list[Visit]) -> None:
        """The day-end sweep (00.00–00.05 the next day): bookings never checked in, the skipped."""
        if self.kind != "past":
            return
        for ticket in tickets:
            if ticket.status in ("booked", "skipped"):
                ticket.act("no_show", "no_show", None, "system", 86400 + self.rng.randrange(300))


# --- The run ----------------------------------------------------------------------------------


class Generator:
    def __init__(self, ctx: Context, rng, calendar: Calendar) -> None:
        self.ctx, self.rng, self.calendar = ctx, rng, calendar
        self.anchor_day = ctx.anchor.date()
        self.slot_cache: dict = {}
        # The demo's counter rows, taken over by the day that first touches them.
        self.demo_days: dict[tuple[int, datetime.date], list[int]] = {}
        self.demo_slots: dict[tuple[int, datetime.date, int], list[int]] = {}
        self.active: set[tuple[int, int, datetime.date]] = set()
        self.blocks = ctx.facts["citizen_blocks"]
        self.demo_citizen = ctx.facts["demo_citizen"]
        self.demo_mpp = ctx.facts["mpps"][0].pk
        self.demo_share = 0.0


def _booking_code(pk: int) -> str:
    """8 letters of CODE_ALPHABET, unique per ticket id (a bijection of 40 bits), random-looking."""
    value = (pk * 0x9E3779B97F + 0x5BD1E995) % (1 << 40)
    return "".join(CODE_ALPHABET[(value >> (5 * i)) & 31] for i in range(8))


def _clock(seconds: int, cache: dict) -> datetime.time:
    value = cache.get(seconds)
    if value is None:
        value = cache[seconds] = datetime.time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    return value


TICKET_COLUMNS = [
    "id", "status", "version", "mpp_id", "agency_id", "service_id", "queue_id", "channel",
    "priority_group", "date", "number", "code", "slot_starts", "slot_ends", "citizen_id",
    "booking_code", "token", "kiosk_id", "priority", "for_counter_id", "lane", "line_at",
    "created_at", "checked_in_at", "called_at", "call_count", "serving_started_at", "finished_at",
    "counter_id", "officer_id", "application_ref", "reminded_day_at", "reminded_hour_at",
    "leg", "legs", "assistance_note",
]  # fmt: skip
TRANSITION_COLUMNS = [
    "content_type_id", "object_id", "workflow", "action", "from_state", "to_state", "version",
    "actor_id", "actor_kind", "note", "at", "data", "region_id", "mpp_id", "agency_id",
]  # fmt: skip
CALL_COLUMNS = ["mpp_id", "ticket_id", "counter_id", "code", "at"]
DAY_COLUMNS = ["queue_id", "date", "online", "walk_in", "last_number"]
SLOT_COLUMNS = ["queue_id", "date", "starts", "online", "walk_in"]


def generate(ctx: Context) -> None:
    from django.contrib.contenttypes.models import ContentType

    from mpp.queueing.models import CallEvent, DayCount, SlotCount
    from mpp.queueing.models import Ticket as TicketModel
    from mpp.workflows.models import TransitionRecord

    if TicketModel.objects.count() > 100:
        raise SystemExit("queue tickets were generated already (queueing runs once per data set)")
    rng = ctx.rng("queueing")
    mpps = ctx.facts["mpps"]
    anchor_day = ctx.anchor.date()
    first_day = anchor_day - datetime.timedelta(days=DAYS)
    last_day = anchor_day + datetime.timedelta(days=DAYS_AHEAD)
    calendar = Calendar(mpps, first_day, last_day)
    plans = set_up(ctx, rng, calendar, first_day)
    officers = ctx.facts["officers"]
    for mpp in mpps:
        plan = plans[mpp.pk]
        plan["cumulative"] = cumulate(plan["weights"][q.service_id] for q in plan["queues"])
        plan["unit_counters"] = defaultdict(list)
        for counter_id, agency_id, number, queue_ids in plan["counters"]:
            plan["unit_counters"][agency_id].append((counter_id, number, queue_ids))
        plan["unit_officers"] = {
            agency: officers.get((agency, mpp.pk)) or [None] for agency in plan["unit_counters"]
        }
        for queue in plan["queues"]:
            if not any(queue.id in ids for _c, _n, ids in plan["unit_counters"][queue.agency_id]):
                raise SystemExit(f"queue {queue.id} at MPP {mpp.pk} has no counter")

    gen = Generator(ctx, rng, calendar)
    # The demo's rows (today's walk-ins, the demo citizen's booking) are merged into the counts.
    demo_days = {
        (r.queue_id, r.date): [r.online, r.walk_in, r.last_number] for r in DayCount.objects.all()
    }
    demo_slots = {
        (r.queue_id, r.date, r.starts.hour * 3600 + r.starts.minute * 60): [r.online, r.walk_in]
        for r in SlotCount.objects.all()
    }
    gen.demo_days.update(demo_days)
    gen.demo_slots.update(demo_slots)
    ctx.cursor.execute("DELETE FROM queueing_slotcount")
    ctx.cursor.execute("DELETE FROM queueing_daycount")
    for citizen, service, day in TicketModel.objects.filter(
        channel="online", status__in=("booked", "waiting", "called", "serving", "skipped")
    ).values_list("citizen_id", "service_id", "date"):
        gen.active.add((citizen, service, day))
    known_codes = set(TicketModel.objects.values_list("booking_code", flat=True))
    batam = plans[mpps[0].pk]
    gen.demo_share = min(1.0, 12 / max(1.0, batam["per_weight"] * 250 * 2 * ONLINE_SHARE))

    content_type = ContentType.objects.get_for_model(TicketModel).pk
    next_ticket = ctx.next_id("queueing_ticket")
    time_cache: dict = {}
    zones = {m.pk: TZ_OFFSET[m.region.timezone] for m in mpps}
    buffers = {"tickets": [], "history": [], "calls": [], "days": [], "slots": []}
    streams = [
        ("tickets", TicketModel, TICKET_COLUMNS),
        ("history", TransitionRecord, TRANSITION_COLUMNS),
        ("calls", CallEvent, CALL_COLUMNS),
        ("days", DayCount, DAY_COLUMNS),
        ("slots", SlotCount, SLOT_COLUMNS),
    ]
    from bench.data.base import check_columns

    for _key, model, columns in streams:
        check_columns(model, columns)
    written = defaultdict(int)
    total_days = DAYS + 1 + DAYS_AHEAD
    bar = ctx.progress.add_task("queue tickets (+ history, calls)", total=total_days)

    def flush() -> None:
        for key, model, columns in streams:
            rows = buffers[key]
            if not rows:
                continue
            names = ", ".join(f'"{model._meta.get_field(_name(c)).column}"' for c in columns)
            with ctx.cursor.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            written[model._meta.db_table] += len(rows)
            rows.clear()

    carry = {m.pk: rng.random() for m in mpps}
    serving = [(m.pk, m, plans[m.pk]) for m in mpps if plans[m.pk]["queues"]]
    for offset in range(total_days):
        day = first_day + datetime.timedelta(days=offset)
        kind = "past" if day < anchor_day else "today" if day == anchor_day else "future"
        factor = WEEKDAY_FACTOR[day.weekday()]
        for pk, mpp, plan in serving:
            if not calendar.on(pk, day):
                continue
            mean = (plan["today"] if kind == "today" else plan["per_weight"]) * factor
            carry[pk] += mean * rng.uniform(0.7, 1.3)
            count = int(carry[pk])
            carry[pk] -= count
            if not count:
                continue
            play = Day(gen, mpp, plan, day, kind)
            if kind == "future":
                ahead = (day - anchor_day).days
                share = 1 - LEAD_CUMULATIVE[ahead - 1] / LEAD_CUMULATIVE[-1]
                wanted = sum(rng.random() < ONLINE_SHARE * share for _ in range(count))
                tickets = play.candidates(wanted, online_only=True, ahead=ahead)
            else:
                tickets = play.candidates(count)
            if not tickets:
                continue
            tickets = play.take_places(tickets)
            tickets.sort(key=lambda t: t.created)
            for ticket in tickets:
                ticket.id = next_ticket
                next_ticket += 1
            play.prepare(tickets)
            calls = play.serve(tickets)
            play.close(tickets)
            _rows(ctx, gen, play, tickets, calls, buffers, content_type, zones[pk],
                  known_codes, time_cache)  # fmt: skip
            if len(buffers["tickets"]) >= 20_000:
                flush()
        ctx.progress.update(bar, completed=offset + 1)
    # The demo's counter rows no ticket of this run touched go back as they were.
    for key, row in gen.demo_days.items():
        buffers["days"].append((key[0], key[1], row[0], row[1], row[2]))
    for key, row in gen.demo_slots.items():
        buffers["slots"].append((key[0], key[1], _clock(key[2], time_cache), row[0], row[1]))
    flush()
    ctx.progress.update(bar, completed=total_days, total=total_days)
    for table, count in written.items():
        ctx.counts[table] = ctx.counts.get(table, 0) + count
    ctx.cursor.execute(
        "UPDATE devices_device k SET last_seen_at = t.last FROM (SELECT kiosk_id, max(created_at) "
        "AS last FROM queueing_ticket WHERE kiosk_id IS NOT NULL GROUP BY kiosk_id) t "
        "WHERE t.kiosk_id = k.id"
    )


def _rows(ctx, gen, play, tickets, calls, buffers, content_type, offset, known_codes, cache):
    """The rows of one MPP's day: tickets, their history, the calls, the day and slot counts."""
    mpp, day = play.mpp, play.day
    region = mpp.region_id
    kiosk = play.plan["kiosk"]
    base = datetime.datetime(
        day.year, day.month, day.day, tzinfo=datetime.UTC
    ) - datetime.timedelta(hours=offset)
    seconds = datetime.timedelta(seconds=1)

    def moment(value):
        return None if value is None else base + value * seconds

    rng = gen.rng
    history = buffers["history"]
    for ticket in tickets:
        queue = ticket.queue
        code = f"{queue.prefix}-{ticket.number:03d}"
        booking = _booking_code(ticket.id)
        if booking in known_codes:
            raise SystemExit(f"booking code {booking} of ticket {ticket.id} is taken")
        for version, (action, source, target, actor, kind, at, data) in enumerate(
            ticket.history, start=1
        ):
            history.append(
                (content_type, str(ticket.id), WORKFLOW, action, source, target, version, actor,
                 kind, "", moment(at), data, region, mpp.pk, queue.agency_id)
            )  # fmt: skip
        buffers["tickets"].append(
            (ticket.id, ticket.status, len(ticket.history), mpp.pk, queue.agency_id,
             queue.service_id, queue.id, "online" if ticket.online else "walk_in", ticket.group,
             day, ticket.number, code, _clock(ticket.slot[0], cache), _clock(ticket.slot[1], cache),
             ticket.citizen, booking,
             base64.urlsafe_b64encode(rng.getrandbits(256).to_bytes(32, "big")).decode()[:43],
             None if ticket.online else kiosk, bool(ticket.group), None, ticket.lane,
             moment(ticket.line_at), moment(ticket.created), moment(ticket.checkin),
             moment(ticket.called), ticket.calls, moment(ticket.started), moment(ticket.finished),
             ticket.counter, ticket.officer, "", moment(ticket.remind_day), moment(ticket.remind_hour),
             1, 1, "")  # one service a visit, no help asked for
        )  # fmt: skip
    calls.sort(key=lambda c: (c[0], c[2].id))
    buffers["calls"].extend(
        (mpp.pk, ticket.id, counter, f"{ticket.queue.prefix}-{ticket.number:03d}", moment(at))
        for at, counter, ticket in calls
    )
    # Every row a request locked, as services._locked_rows creates them (refused requests too).
    for queue_id, row in play.days.items():
        buffers["days"].append((queue_id, day, row[0], row[1], row[2]))
    for (queue_id, starts), row in play.slots.items():
        buffers["slots"].append((queue_id, day, _clock(starts, cache), row[0], row[1]))


def _name(attname: str) -> str:
    return attname[:-3] if attname.endswith("_id") and attname != "object_id" else attname


# --- For the hot paths and the load test (on a generated data set, at the real time) -----------


def top_up_line(counter, wanted: int) -> int:
    """Give ``counter`` at least ``wanted`` walk-ins waiting TODAY (the real local date); returns
    how many it has now. The hot paths and the load test call it before they call next: the
    generated line is of the anchor's day, which need not be today. The tickets are counted in the
    day's and the slot's rows as the kiosk counts them (quotas aside)."""
    import secrets

    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from mpp.queueing import services
    from mpp.queueing.models import DayCount, Lane, SlotCount, Ticket

    now = timezone.now()
    local = services.local_now(counter.mpp, now)
    day = local.date()
    waiting = services.waiting_line(counter, day).count()
    if waiting >= wanted:
        return waiting
    queues = list(counter.queues.filter(is_active=True).order_by("id"))
    kiosk_id = _kiosk_of(counter.mpp_id)
    missing = wanted - waiting
    with transaction.atomic():
        rows = []
        for index, queue in enumerate(queues):
            share = missing // len(queues) + (1 if index < missing % len(queues) else 0)
            if not share:
                continue
            times = services.slot_times(queue, day)
            slot = next(((s, e) for s, e in times if s <= local.time() < e), None) or (
                times[-1] if times else (None, None)
            )
            DayCount.objects.get_or_create(queue=queue, date=day)
            counts = DayCount.objects.select_for_update().get(queue=queue, date=day)
            first = counts.last_number + 1
            DayCount.objects.filter(pk=counts.pk).update(
                walk_in=F("walk_in") + share, last_number=F("last_number") + share
            )
            if slot[0] is not None:
                SlotCount.objects.get_or_create(queue=queue, date=day, starts=slot[0])
                SlotCount.objects.filter(queue=queue, date=day, starts=slot[0]).update(
                    walk_in=F("walk_in") + share
                )
            for number in range(first, first + share):
                moment = now - datetime.timedelta(seconds=missing - len(rows))
                rows.append(
                    Ticket(
                        mpp_id=queue.mpp_id, agency_id=queue.agency_id,
                        service_id=queue.service_id, queue=queue, channel="walk_in", date=day,
                        number=number, code=f"{queue.prefix}-{number:03d}",
                        slot_starts=slot[0], slot_ends=slot[1],
                        # 11 letters: never one of the generated 8-letter codes.
                        booking_code=f"X{secrets.token_hex(5).upper()}",
                        token=secrets.token_urlsafe(32), kiosk_id=kiosk_id,
                        lane=Lane.WALK_IN, line_at=moment, checked_in_at=moment, status="waiting",
                    )
                )  # fmt: skip
        Ticket.objects.bulk_create(rows, batch_size=1000)
    return services.waiting_line(counter, day).count()


# The code of the tickets that only deepen a counter's line for a measurement (``deepen_line``):
# generated and kiosk codes are "<prefix>-<number>", never with a letter after the dash.
DEEPENED = "-Z"


def deepen_line(counter, total: int) -> int:
    """Make ``total`` wait TODAY for ``counter`` (the target's condition of call-next: 5,000
    waiting) by adding walk-ins at the back of the line, behind every waiting ticket (line time
    from an hour from now): the calls of a measurement take the same tickets as without them, and
    the pick still walks the line's index from its front. They are not counted in the day's
    quotas (nothing to undo there); :func:`undo_deepen_line` deletes them. Returns how many wait."""
    import secrets

    from django.db import connection
    from django.utils import timezone

    from mpp.queueing import services
    from mpp.queueing.models import Lane, Ticket

    now = timezone.now()
    day = services.local_now(counter.mpp, now).date()
    waiting = services.waiting_line(counter, day).count()
    queues = list(counter.queues.filter(is_active=True).order_by("id"))
    if waiting >= total or not queues:
        return waiting
    missing = total - waiting
    later = now + datetime.timedelta(hours=1)
    rows = []
    for index in range(missing):
        queue = queues[index % len(queues)]
        rows.append(
            Ticket(
                mpp_id=queue.mpp_id, agency_id=queue.agency_id, service_id=queue.service_id,
                queue=queue, channel="walk_in", date=day, number=90_000 + index,
                code=f"{queue.prefix}{DEEPENED}{index:05d}"[:10],
                booking_code=f"Z{secrets.token_hex(5).upper()}", token=secrets.token_urlsafe(32),
                lane=Lane.WALK_IN, line_at=later + datetime.timedelta(seconds=index),
                checked_in_at=now, status="waiting",
            )
        )  # fmt: skip
    Ticket.objects.bulk_create(rows, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE queueing_ticket")
    return services.waiting_line(counter, day).count()


def undo_deepen_line(counter) -> int:
    """Delete today's tickets of :func:`deepen_line` at the counter's MPP; returns how many are
    left (none unless a measurement called one: its history is append-only, so it stays)."""
    from django.db import connection

    from mpp.queueing import services
    from mpp.queueing.models import Ticket

    day = services.local_now(counter.mpp).date()
    added = Ticket.objects.filter(
        mpp_id=counter.mpp_id, date=day, code__contains=DEEPENED, booking_code__startswith="Z"
    )
    added.filter(status="waiting", called_at__isnull=True).delete()
    with connection.cursor() as cursor:
        # VACUUM as well, outside a transaction: the deleted rows would otherwise stay as dead
        # entries in the line's indexes until autovacuum came (a few runs left 66,000 dead rows
        # beside 49,000 live ones on the small set, and every queue path after them slower).
        cursor.execute(
            "ANALYZE queueing_ticket"
            if connection.in_atomic_block
            else "VACUUM (ANALYZE) queueing_ticket"
        )
    return added.count()


def _kiosk_of(mpp_id: int) -> int | None:
    return _kiosks().get(mpp_id)


def make_room(queue, places: int, moment: datetime.datetime) -> None:
    """Raise ``queue``'s walk-in quotas so that ``places`` more numbers can be taken in the slot of
    ``moment`` (as a manager does on a busy day), for the kiosk's hot path and load test."""
    from mpp.queueing import services
    from mpp.queueing.models import DayCount, SlotCount

    today = services.today_of(queue, moment)
    local, interval = today.local, today.open_interval
    slot = services.walk_in_slot(queue, today, interval) if interval else None
    day_row = DayCount.objects.filter(queue=queue, date=local.date()).first()
    slot_row = (
        SlotCount.objects.filter(queue=queue, date=local.date(), starts=slot[0]).first()
        if slot
        else None
    )
    queue.walk_in_per_day = min(
        32767, max(queue.walk_in_per_day, (day_row.walk_in if day_row else 0) + places)
    )
    queue.walk_in_per_slot = min(
        32767, max(queue.walk_in_per_slot, (slot_row.walk_in if slot_row else 0) + places)
    )
    queue.save(update_fields=["walk_in_per_day", "walk_in_per_slot"])


def open_moment(queue, now: datetime.datetime) -> datetime.datetime | None:
    """``now`` if ``queue`` takes walk-ins now, else a moment inside its next slot (None: none in
    the next two weeks). The kiosk's hot path runs at that moment when the MPP is closed."""
    from mpp.queueing import services

    local = services.local_now(queue.mpp, now)
    if services.open_now(queue, now) is not None:
        return None
    for offset in range(15):
        day = local.date() + datetime.timedelta(days=offset)
        for starts, _ends in services.slot_times(queue, day):
            at = datetime.datetime.combine(day, starts, tzinfo=local.tzinfo)
            if at > local:
                return at + datetime.timedelta(minutes=5)
    return None
