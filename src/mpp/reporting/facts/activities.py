"""Daily facts of the programme of activities (kegiatan): activities held, registrations and
attendance.

Counted by hooks of the ``activity_events`` event, which ``mpp.activities.services`` runs in the
transaction of each change (publishing, moving or cancelling an activity is not a workflow
transition; a registration's birth is none either; the check-in is a transition whose event is run
beside it), and recomputed from ``Activity`` and ``Registration`` rows with the same rules, so
``recompute_facts`` finds no difference when every change went through the services. A unit is the
activity's kab/kota, MPP and agency (no service). Days are local to the kab/kota.

* held: an activity not cancelled, on the local day it starts (publishing adds it, moving it to
  another day moves it, cancelling takes it away — so a day's figure is what was held that day);
* registrations: every registration (a seat or the waiting list) on the local day it was made;
* attended: every check-in at the door on its local day.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext_lazy as _

from mpp.activities.models import Activity, Registration
from mpp.activities.services import (
    ACTIVITY_EVENTS,
    ATTENDED_EVENT,
    CANCELLED,
    MOVED,
    PUBLISHED,
    REGISTERED_EVENT,
)
from mpp.regions import localtime
from mpp.reporting.facts import FactKey, FactSource, Indicator, Metric, Unit, bump_many

HELD = "activities.held"
REGISTRATIONS = "activities.registrations"
ATTENDED = "activities.attended"

METRICS = (
    Metric(HELD, _("Kegiatan diselenggarakan")),
    Metric(REGISTRATIONS, _("Pendaftaran kegiatan")),
    Metric(ATTENDED, _("Peserta kegiatan hadir")),
)
INDICATORS = (
    Indicator("activities.held", _("Kegiatan diselenggarakan"), HELD, order=150),
    Indicator(
        "activities.registrations",
        _("Pendaftaran kegiatan"),
        REGISTRATIONS,
        headline=False,
        order=151,
    ),
    Indicator("activities.attended", _("Peserta kegiatan hadir"), ATTENDED, order=152),
)


def _unit(activity: Activity) -> Unit:
    return Unit(activity.mpp.region_id, activity.mpp_id, activity.agency_id, None)


def _day(moment: datetime.datetime, activity: Activity) -> datetime.date:
    return localtime.local_date(moment, activity.mpp.region)


def held_facts(activity: Activity, delta: int = 1) -> dict[FactKey, int]:
    return {FactKey(_day(activity.starts_at, activity), _unit(activity), HELD): delta}


def registration_facts(registration: Registration) -> dict[FactKey, int]:
    activity = registration.activity
    facts = {FactKey(_day(registration.created_at, activity), _unit(activity), REGISTRATIONS): 1}
    if registration.attended_at is not None:
        facts[FactKey(_day(registration.attended_at, activity), _unit(activity), ATTENDED)] = 1
    return facts


def count_published(activity: Activity, data: Any) -> None:
    bump_many(held_facts(activity))


def count_moved(activity: Activity, previous_start: datetime.datetime) -> None:
    before = _day(previous_start, activity)
    if activity.is_cancelled or before == _day(activity.starts_at, activity):
        return
    bump_many({FactKey(before, _unit(activity), HELD): -1, **held_facts(activity)})


def count_cancelled(activity: Activity, data: Any) -> None:
    bump_many(held_facts(activity, -1))


def count_registered(registration: Registration, data: Any) -> None:
    activity = registration.activity
    day = _day(registration.created_at, activity)
    bump_many({FactKey(day, _unit(activity), REGISTRATIONS): 1})


def count_attended(registration: Registration, data: Any) -> None:
    activity = registration.activity
    assert registration.attended_at is not None  # set by the check-in that runs this event
    bump_many({FactKey(_day(registration.attended_at, activity), _unit(activity), ATTENDED): 1})


def _window(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, ...]:
    # A day more on each side covers every zone's local days (WIB..WIT is at most 2 hours).
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=datetime.UTC)
    high = datetime.datetime.combine(end, datetime.time.max, tzinfo=datetime.UTC)
    return low - datetime.timedelta(days=1), high + datetime.timedelta(days=1)


class ActivityFacts(FactSource):
    def register_hooks(self, registry) -> None:
        registry.register(ACTIVITY_EVENTS, count_published, action=PUBLISHED)
        registry.register(ACTIVITY_EVENTS, count_moved, action=MOVED)
        registry.register(ACTIVITY_EVENTS, count_cancelled, action=CANCELLED)
        registry.register(ACTIVITY_EVENTS, count_registered, action=REGISTERED_EVENT)
        registry.register(ACTIVITY_EVENTS, count_attended, action=ATTENDED_EVENT)

    def recompute(self, start: datetime.date, end: datetime.date) -> dict[FactKey, int]:
        low, high = _window(start, end)
        totals: dict[FactKey, int] = defaultdict(int)
        activities = Activity.objects.filter(
            starts_at__gte=low, starts_at__lte=high, cancelled_at__isnull=True
        ).select_related("mpp__region")
        for activity in activities.iterator(chunk_size=2000):
            for key, value in held_facts(activity).items():
                totals[key] += value
        registrations = (
            Registration.objects.filter(created_at__gte=low, created_at__lte=high)
            | Registration.objects.filter(attended_at__gte=low, attended_at__lte=high)
        ).select_related("activity__mpp__region")
        for registration in registrations.distinct().iterator(chunk_size=2000):
            for key, value in registration_facts(registration).items():
                totals[key] += value
        return {k: v for k, v in totals.items() if v and start <= k.day <= end}


source = ActivityFacts(
    name="activities",
    label=_("Kegiatan MPP"),
    metrics=METRICS,
    indicators=INDICATORS,
    order=50,
)
