"""Daily facts of room bookings (peminjaman ruang): bookings approved and community groups served.

Counted by a hook of the ``room_booking_events`` event ``approved``, which ``mpp.rooms.services``
runs in each approval's transaction once the room's slots are held, and recomputed from the
``Booking`` rows with the same rules. An approval's day is the local day of the decision (the
decision stops the booking's clock: ``clock_stopped_at``); the unit is the booking's kab/kota and
MPP.

* approved: every approval, with or without a condition (a later cancellation does not take it
  back: the figure counts the manager's approvals);
* groups served: a **community group** is the request's "nama komunitas atau lembaga"
  (``Booking.group_name``), compared without regard to case or surrounding spaces; it is counted
  once per MPP, on the day of its first approved booking there. Summed over any period the figure
  is the number of groups the MPP served for the first time in that period, and over all time the
  number of distinct groups it has served (nationally, a group served by two MPPs counts at each).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mpp.regions import localtime
from mpp.reporting.facts import FactKey, FactSource, Indicator, Metric, Unit, bump_many
from mpp.rooms.models import Booking
from mpp.rooms.services import APPROVED, BOOKING_EVENTS
from mpp.rooms.workflow import APPROVED_STATES

BOOKINGS_APPROVED = "rooms.bookings_approved"
GROUPS_SERVED = "rooms.groups_served"
# Every state a booking reaches only through an approval.
EVER_APPROVED = (*sorted(APPROVED_STATES), "cancelled")

METRICS = (
    Metric(BOOKINGS_APPROVED, _("Peminjaman ruang disetujui")),
    Metric(GROUPS_SERVED, _("Kelompok masyarakat baru dilayani")),
)
INDICATORS = (
    Indicator(
        "rooms.bookings_approved", _("Peminjaman ruang disetujui"), BOOKINGS_APPROVED, order=160
    ),
    Indicator(
        "rooms.groups_served",
        _("Kelompok masyarakat baru dilayani"),
        GROUPS_SERVED,
        headline=False,
        order=161,
    ),
)


def group_key(name: str) -> str:
    """One community group, however its name was typed: trimmed, upper case (SQL's UPPER)."""
    return name.strip().upper()


def _approval(booking: Booking) -> tuple[datetime.datetime, int]:
    assert booking.clock_stopped_at is not None  # an approval stops the decision clock
    return booking.clock_stopped_at, booking.pk


def approval_facts(booking: Booking, *, first_of_group: bool) -> dict[FactKey, int]:
    assert booking.clock_stopped_at is not None
    day = localtime.local_date(booking.clock_stopped_at, booking.region)
    unit = Unit(booking.region_id, booking.mpp_id, None, None)
    facts = {FactKey(day, unit, BOOKINGS_APPROVED): 1}
    if first_of_group:
        facts[FactKey(day, unit, GROUPS_SERVED)] = 1
    return facts


def count_approved(booking: Booking, data: Any) -> None:
    moment, pk = _approval(booking)
    earlier = (
        Booking.objects.filter(
            mpp_id=booking.mpp_id,
            status__in=EVER_APPROVED,
            group_name__iexact=booking.group_name.strip(),
        )
        .filter(Q(clock_stopped_at__lt=moment) | Q(clock_stopped_at=moment, pk__lt=pk))
        .exists()
    )
    bump_many(approval_facts(booking, first_of_group=not earlier))


class RoomFacts(FactSource):
    def register_hooks(self, registry) -> None:
        registry.register(BOOKING_EVENTS, count_approved, action=APPROVED)

    def recompute(self, start: datetime.date, end: datetime.date) -> dict[FactKey, int]:
        # Whether a group is new at an MPP depends on every earlier approval there, so every
        # approved booking up to the end of the range is read (a group's first comes first).
        high = datetime.datetime.combine(end, datetime.time.max, tzinfo=datetime.UTC)
        rows = (
            Booking.objects.filter(
                status__in=EVER_APPROVED,
                clock_stopped_at__isnull=False,
                clock_stopped_at__lte=high + datetime.timedelta(days=1),
            )
            .select_related("region")
            .order_by("clock_stopped_at", "id")
        )
        seen: set[tuple[int, str]] = set()
        totals: dict[FactKey, int] = defaultdict(int)
        for booking in rows.iterator(chunk_size=2000):
            group = (booking.mpp_id, group_key(booking.group_name))
            facts = approval_facts(booking, first_of_group=group not in seen)
            seen.add(group)
            for key, value in facts.items():
                if start <= key.day <= end:
                    totals[key] += value
        return dict(totals)


source = RoomFacts(
    name="rooms",
    label=_("Peminjaman ruang MPP"),
    metrics=METRICS,
    indicators=INDICATORS,
    order=60,
)
