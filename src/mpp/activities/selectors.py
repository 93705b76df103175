"""Reads of the activities programme: the public programme (national, per MPP, the MPP page's
section and the iCalendar feed), the ticket, the organiser's lists and attendance figures."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from mpp.accounts.policy import Perm, Principal, scope_filter
from mpp.catalog import public_cache
from mpp.catalog.extensions import PublicEvent, mpp_public_events
from mpp.regions import localtime
from mpp.tenancy.models import MPP

from .models import Activity, Registration
from .tickets import number_of
from .workflow import ATTENDED, CANCELLED, REGISTERED, SEATED, WAITLISTED

# How far ahead the iCalendar feed and the MPP page look, and how far back the feed keeps.
FEED_AHEAD = datetime.timedelta(days=180)
FEED_BEHIND = datetime.timedelta(days=30)


def _public() -> QuerySet[Activity]:
    return Activity.objects.select_related("mpp__region", "agency").filter(
        mpp__is_active=True, cancelled_at__isnull=True
    )


def public_programme(
    *,
    region: str = "",
    province: str = "",
    mpp: MPP | None = None,
    category: str = "",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Activity]:
    """Upcoming and running activities, filtered by kab/kota, province, MPP, category and days
    (``start``/``end``: local days of the MPP when one is given, else WIB days, the national
    pages' zone)."""
    now = now or timezone.now()
    zone = localtime.zone_of(mpp.region if mpp is not None else None)
    rows = _public().filter(ends_at__gt=now)
    if mpp is not None:
        rows = rows.filter(mpp=mpp)
    if region:
        rows = rows.filter(mpp__region_id=region)
    if province:
        rows = rows.filter(mpp__region__province_id=province)
    if category:
        rows = rows.filter(category=category)
    if start is not None:
        rows = rows.filter(ends_at__gt=datetime.datetime.combine(start, datetime.time(), zone))
    if end is not None:
        day_after = end + datetime.timedelta(days=1)
        rows = rows.filter(
            starts_at__lt=datetime.datetime.combine(day_after, datetime.time(), zone)
        )
    return rows


def public_activity(pk: int) -> Activity | None:
    return _public().filter(pk=pk).first()


def public_mpp(pk: int) -> MPP | None:
    """An active MPP whose programme may be listed (the API's ``mpp_id`` filter)."""
    return MPP.objects.select_related("region").filter(pk=pk, is_active=True).first()


def feed_activities(mpp: MPP, now: datetime.datetime | None = None) -> QuerySet[Activity]:
    """The MPP's activities for its iCalendar feed, cancelled ones included (as CANCELLED)."""
    now = now or timezone.now()
    return (
        Activity.objects.select_related("mpp__region")
        .filter(mpp=mpp, ends_at__gt=now - FEED_BEHIND, starts_at__lt=now + FEED_AHEAD)
        .order_by("starts_at", "id")
    )


# The MPP page's next activities are kept in the cache at most this long (seconds).
UPCOMING_SECONDS = 300


def upcoming_at(mpp_id: int, limit: int = 5) -> list[Activity]:
    """The MPP's next ``limit`` activities (running ones first), for its page: from the cache under
    the catalog generation (an activity published, changed or cancelled raises it), until the first
    of them ends — the only other way the list changes — or five minutes at most."""
    now = timezone.now()
    key = f"activities:upcoming:{public_cache.generation()}:{mpp_id}:{limit}"
    found: list[Activity] | None = cache.get(key)
    if found is None or any(activity.ends_at <= now for activity in found):
        found = list(public_programme(now=now).filter(mpp_id=mpp_id)[:limit])
        first_end = min((activity.ends_at for activity in found), default=None)
        seconds = UPCOMING_SECONDS
        if first_end is not None:
            seconds = max(1, min(seconds, int((first_end - now).total_seconds())))
        cache.set(key, found, seconds)
    return found


def other_public_events(
    mpp: MPP, *, start: datetime.datetime, end: datetime.datetime
) -> list[PublicEvent]:
    """Other public events of this MPP shown in its programme, from every process that registered
    a source in ``catalog.extensions.mpp_public_events`` (approved public room bookings), by start."""
    events = [
        event
        for source in mpp_public_events.registry.entries()
        for event in source(mpp, start, end)
    ]
    return sorted(events, key=lambda event: event.starts_at)


def seats(activity: Activity) -> dict[str, int]:
    counts = activity.registrations.aggregate(
        seated=Count("pk", filter=Q(status__in=SEATED)),
        waiting=Count("pk", filter=Q(status=WAITLISTED)),
    )
    return {
        "seated": counts["seated"],
        "waiting": counts["waiting"],
        "left": max(0, activity.capacity - counts["seated"]),
    }


def registration_by_code(code: str) -> Registration | None:
    """The registration a ticket code (from the QR code or the link) names, or None."""
    number = number_of(code)
    if number is None:
        return None
    return (
        Registration.objects.select_related("activity__mpp__region", "user")
        .filter(number=number)
        .first()
    )


def registration_by_number(number: str, **where: Any) -> Registration | None:
    """A ticket typed by its number (as printed), within ``where`` (``activity=`` for the
    organiser, ``activity__mpp_id=`` for a door scanner of the MPP)."""
    number = (number or "").strip().upper()
    if not number or len(number) > 12:
        return None
    return (
        Registration.objects.select_related("activity__mpp__region")
        .filter(number=number, **where)
        .first()
    )


def my_registrations(user: Principal) -> QuerySet[Registration]:
    if not getattr(user, "is_authenticated", False):
        return Registration.objects.none()
    return (
        Registration.objects.select_related("activity__mpp__region")
        .filter(user_id=user.pk)
        .exclude(status=CANCELLED)
        .order_by("-activity__starts_at", "-id")
    )


def my_registration(user: Principal, pk: int) -> Registration | None:
    """One of the account's own open registrations (None for anyone else's)."""
    return my_registrations(user).filter(pk=pk).first()


def _managed_filter(user: Principal) -> Q:
    return scope_filter(
        user, Perm.MANAGE_ACTIVITIES, agency="agency_id", mpp="mpp_id", region="mpp__region_id"
    )


def managed_activities(user: Principal) -> QuerySet[Activity]:
    return (
        Activity.objects.select_related("mpp__region", "agency")
        .filter(_managed_filter(user))
        .annotate(
            seated=Count("registrations", filter=Q(registrations__status__in=SEATED)),
            attended=Count("registrations", filter=Q(registrations__status=ATTENDED)),
        )
    )


def managed_activity(user: Principal, pk: int) -> Activity | None:
    return (
        Activity.objects.select_related("mpp__region", "agency")
        .filter(_managed_filter(user), pk=pk)
        .first()
    )


def managed_mpps(user: Principal) -> QuerySet[MPP]:
    """The MPPs where ``user`` may publish an activity (of the MPP, or of their agency there)."""
    return (
        MPP.objects.select_related("region")
        .filter(
            scope_filter(
                user,
                Perm.MANAGE_ACTIVITIES,
                agency="presences__agency_id",
                mpp="id",
                region="region_id",
            )
        )
        .distinct()
        .order_by("name")
    )


def attendance(activity: Activity) -> dict[str, Any]:
    """The organiser's figures: registered, waiting, cancelled, attended, the show-up rate and the
    satisfaction answers (count and mean of 1–4)."""
    rows = activity.registrations.aggregate(
        registered=Count("pk", filter=Q(status=REGISTERED)),
        waiting=Count("pk", filter=Q(status=WAITLISTED)),
        cancelled=Count("pk", filter=Q(status=CANCELLED)),
        attended=Count("pk", filter=Q(status=ATTENDED)),
        answers=Count("pk", filter=Q(satisfaction__isnull=False)),
    )
    seated = rows["registered"] + rows["attended"]
    scores = list(
        activity.registrations.filter(satisfaction__isnull=False).values_list(
            "satisfaction", flat=True
        )
    )
    rows["seated"] = seated
    rows["rate"] = round(100 * rows["attended"] / seated) if seated else None
    rows["satisfaction"] = round(sum(scores) / len(scores), 2) if scores else None
    return rows


def registrations_for(activity: Activity) -> QuerySet[Registration]:
    """The organiser's list: ticket numbers and states (no names or contacts)."""
    return activity.registrations.order_by("created_at", "id")


def today_at(mpp: MPP, now: datetime.datetime | None = None) -> list[Activity]:
    """The MPP's activities of its local today (the door scanner's list)."""
    now = now or timezone.now()
    today = localtime.local_date(now, mpp.region)
    return list(public_programme(mpp=mpp, start=today, end=today, now=now))
