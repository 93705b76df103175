"""How items 2–4 are counted from the applications of a locus in a reporting period.

Services are classified by their catalog category (the national templates set it: the adminduk
services are ``kependudukan``, the health-worker practice permits (SIP) ``perizinan_kesehatan``).
The window is the period's ``starts_on``..``ends_on`` in the locus' own time zone.

- Item 2, applicants: distinct applicants of applications submitted in the window (any status
  after the draft), per category.
- Item 3, population services processed: population applications decided in the window with a
  final outcome, ``issued`` or ``rejected``.
- Item 4, health-worker permits issued: health-permit applications ``issued`` with their decision
  in the window.
- "Keterlibatan warga" (community engagement, an optional item: never required, never scored):
  the activities held, registrations, attendance, room bookings approved and community groups
  served for the first time in the locus's MPPs, summed from the daily facts of the window's local
  days (``reporting.selectors.region_totals``), never from the activities or bookings.
- Item 6, beside what the locus declares: the citizen accounts whose NIK the region issued (its
  first four digits) that exist at the end of the window, how many of them have signed in with
  INApas/IKD by then (an ``OidcIdentity`` linked), and how many SATUSEHAT checks of the region's
  health-permit (SIP) applicants came back matched in the window.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet

from mpp.accounts.models import User
from mpp.cases.models import Application
from mpp.catalog.models import Category
from mpp.integrations.selectors import matched_checks
from mpp.regions import calendar
from mpp.reporting.selectors import region_totals

POPULATION = Category.KEPENDUDUKAN
HEALTH = Category.PERIZINAN_KESEHATAN
PROCESSED_STATES = ("issued", "rejected")
ISSUED_STATES = ("issued",)
SATUSEHAT = "satusehat"  # the connector key (or its prefix) of the SATUSEHAT SDMK look-up

# The optional item "Keterlibatan warga": its key on the report → the daily fact it sums.
COMMUNITY_FIGURES = {
    "activities_held": "activities.held",
    "activity_registrations": "activities.registrations",
    "activity_attendance": "activities.attended",
    "rooms_approved": "rooms.bookings_approved",
    "groups_served": "rooms.groups_served",
}

# item key → (label, category, which timestamp, statuses or None for "any submitted")
MEASURES = {
    "population_applicants": (POPULATION, "submitted_at", None),
    "health_applicants": (HEALTH, "submitted_at", None),
    "population_processed": (POPULATION, "decided_at", PROCESSED_STATES),
    "health_permits_issued": (HEALTH, "decided_at", ISSUED_STATES),
}


def window(region, starts_on: datetime.date, ends_on: datetime.date):
    start = calendar.end_of_day(region, starts_on - datetime.timedelta(days=1))
    end = calendar.end_of_day(region, ends_on)
    return start, end


def measure_queryset(region, starts_on, ends_on, measure: str) -> QuerySet[Application]:
    category, stamp, statuses = MEASURES[measure]
    start, end = window(region, starts_on, ends_on)
    rows = Application.objects.filter(
        mpp__region_id=region.code,
        service__category=category,
        **{f"{stamp}__gt": start, f"{stamp}__lte": end},
    ).exclude(status="draft")
    if statuses is not None:
        rows = rows.filter(status__in=statuses)
    return rows


def compute(region, starts_on, ends_on) -> tuple[dict[str, object], dict]:
    """The four figures and the rule they were counted by (stored with the snapshot)."""
    start, end = window(region, starts_on, ends_on)
    base = Application.objects.filter(mpp__region_id=region.code).exclude(status="draft")
    figures = base.aggregate(
        population_applicants=Count(
            "applicant", distinct=True,
            filter=Q(service__category=POPULATION, submitted_at__gt=start, submitted_at__lte=end),
        ),
        health_applicants=Count(
            "applicant", distinct=True,
            filter=Q(service__category=HEALTH, submitted_at__gt=start, submitted_at__lte=end),
        ),
        population_processed=Count(
            "id",
            filter=Q(service__category=POPULATION, status__in=PROCESSED_STATES,
                     decided_at__gt=start, decided_at__lte=end),
        ),
        health_permits_issued=Count(
            "id",
            filter=Q(service__category=HEALTH, status__in=ISSUED_STATES,
                     decided_at__gt=start, decided_at__lte=end),
        ),
    )  # fmt: skip
    services = {
        key: sorted(
            base.filter(service__category=category, submitted_at__gt=start, submitted_at__lte=end)
            .values_list("service__name", flat=True)
            .distinct()
        )
        for key, category in (("population", POPULATION), ("health", HEALTH))
    }
    citizens = User.objects.filter(nik__startswith=region.code, date_joined__lte=end).aggregate(
        citizen_accounts=Count("id", distinct=True),
        inapas_accounts=Count("id", distinct=True, filter=Q(oidc_identities__linked_at__lte=end)),
    )
    figures.update(citizens)
    sip_applicants = base.filter(service__category=HEALTH).values("applicant_id")
    figures["satusehat_verified"] = (
        matched_checks(SATUSEHAT, start=start, end=end)
        .filter(subject_id__in=sip_applicants)
        .count()
    )
    sums = region_totals(region.code, starts_on, ends_on, list(COMMUNITY_FIGURES.values()))
    community = {key: int(sums[metric]) for key, metric in COMMUNITY_FIGURES.items()}
    rule = {
        "categories": {"population": POPULATION.value, "health": HEALTH.value},
        "services": services,
        "from": starts_on.isoformat(),
        "to": ends_on.isoformat(),
        "timezone": region.timezone,
        "applicants": "distinct applicants, submitted_at in window, any status but draft",
        "processed_states": list(PROCESSED_STATES),
        "issued_states": list(ISSUED_STATES),
        "decided": "decided_at in window",
        "citizens": "accounts whose NIK starts with the region code, joined by the end",
        "inapas": "of those, accounts with an OpenID (INApas/IKD) identity linked by the end",
        "satusehat": f"matched {SATUSEHAT} checks of health-permit applicants, checked in window",
        "community": "daily facts of the window's local days: "
        + ", ".join(COMMUNITY_FIGURES.values()),
    }
    counted: dict[str, object] = {key: int(value or 0) for key, value in figures.items()}
    counted["community_figures"] = community
    return counted, rule
