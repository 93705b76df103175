"""Recompute the day sums from their sources and report every difference.

Respondents and element sums come from the responses and their answers (voided kiosk answers
left out), and so do the per-officer sums of the officer element (``OfficerDaySum``); the
population from the
transition history (``mpp.workflows.TransitionRecord`` rows reaching an inviting final state, which
carry region/MPP/agency) and, for services, from the invitations (one per finished transaction).
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

from mpp.surveys.elements import OFFICER_ELEMENT
from mpp.surveys.models import (
    POPULATION,
    RESPONDENTS,
    Answer,
    DaySum,
    Invitation,
    OfficerDaySum,
    Response,
)
from mpp.surveys.units import PLACE_FIELDS, officer_units_of, units_of

Key = tuple[datetime.date, str, str]
OfficerKey = tuple[datetime.date, str, int]


@dataclass(frozen=True)
class Difference:
    day: datetime.date
    unit: str
    element: str
    kept: tuple[int, int]
    recomputed: tuple[int, int]
    # Set for a per-officer sum (``OfficerDaySum``; ``element`` is then the officer element).
    officer: int | None = None


def _add(target: dict, day, place, element, total, count) -> None:
    for unit in units_of(**place):
        entry = target[(day, unit.key, element)]
        entry[0] += total
        entry[1] += count


def expected_sums(start: datetime.date, end: datetime.date) -> dict[Key, list[int]]:
    from mpp.regions.models import Region
    from mpp.surveys.apps import INVITING_STATES
    from mpp.workflows.models import TransitionRecord

    result: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    period = Q(day__gte=start, day__lte=end)
    counted = Response.objects.filter(period, void__isnull=True)
    respondents = counted.values("day", *PLACE_FIELDS).annotate(n=Count("id")).order_by()
    for row in respondents.iterator():
        place = {name: row[name] for name in PLACE_FIELDS}
        _add(result, row["day"], place, RESPONDENTS, row["n"], row["n"])
    answers = (
        Answer.objects.filter(
            response__day__gte=start, response__day__lte=end, response__void__isnull=True
        )
        .values("response__day", "element", *(f"response__{name}" for name in PLACE_FIELDS))
        .annotate(total=Sum("value"), n=Count("id"))
        .order_by()
    )
    for row in answers.iterator():
        place = {name: row[f"response__{name}"] for name in PLACE_FIELDS}
        _add(result, row["response__day"], place, row["element"], row["total"], row["n"])
    # Population above the service level: the transition history, per local day of its region.
    finishing = Q()
    for workflow, target in INVITING_STATES:
        finishing |= Q(workflow=workflow, to_state=target)
    for region in Region.objects.filter(mpps__isnull=False).distinct():
        zone = zoneinfo.ZoneInfo(region.timezone)
        records = (
            TransitionRecord.objects.filter(finishing, region=region)
            .annotate(day=TruncDate("at", tzinfo=zone))
            .filter(day__gte=start, day__lte=end)
            .values("day", "mpp_id", "agency_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in records:
            place = {
                "region_id": region.pk,
                "mpp_id": row["mpp_id"],
                "agency_id": row["agency_id"],
                "service_id": None,
            }
            _add(result, row["day"], place, POPULATION, row["n"], row["n"])
    services = (
        Invitation.objects.filter(period, service__isnull=False)
        .values("day", "service_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in services:
        entry = result[(row["day"], f"service:{row['service_id']}", POPULATION)]
        entry[0] += row["n"]
        entry[1] += row["n"]
    return result


def expected_officer_sums(start: datetime.date, end: datetime.date) -> dict[OfficerKey, list[int]]:
    """The per-officer sums of the officer element, from the answers of responses naming an
    officer (a kiosk answer names none), for the units of ``officer_units_of``."""
    result: dict[OfficerKey, list[int]] = defaultdict(lambda: [0, 0])
    answers = (
        Answer.objects.filter(
            element=OFFICER_ELEMENT,
            response__day__gte=start,
            response__day__lte=end,
            response__void__isnull=True,
            response__officer__isnull=False,
        )
        .values(
            "response__day",
            "response__officer_id",
            *(f"response__{name}" for name in PLACE_FIELDS),
        )
        .annotate(total=Sum("value"), n=Count("id"))
        .order_by()
    )
    for row in answers.iterator():
        place = {name: row[f"response__{name}"] for name in PLACE_FIELDS}
        for unit in officer_units_of(**place):
            entry = result[(row["response__day"], unit.key, row["response__officer_id"])]
            entry[0] += row["total"]
            entry[1] += row["n"]
    return result


def _pair(sums: Sequence[int]) -> tuple[int, int]:
    return sums[0], sums[1]


def _differences(kept: dict, expected: dict) -> list[tuple]:
    """(key, kept, recomputed) of each key whose (total, count) differ, in key order."""
    return [
        (key, kept.get(key, (0, 0)), _pair(expected.get(key, (0, 0))))
        for key in sorted(set(kept) | set(expected))
        if tuple(kept.get(key, (0, 0))) != tuple(expected.get(key, (0, 0)))
    ]


def compare(start: datetime.date, end: datetime.date, *, fix: bool = False) -> list[Difference]:
    """The differences between kept and recomputed sums in the period, the day sums' then the
    per-officer sums'; ``fix`` rewrites the period's rows of each table that differs."""
    expected = expected_sums(start, end)
    kept = {
        (row.day, row.unit, row.element): (row.total, row.count)
        for row in DaySum.objects.filter(day__gte=start, day__lte=end).iterator()
    }
    day_differences = _differences(kept, expected)
    expected_officers = expected_officer_sums(start, end)
    kept_officers = {
        (row.day, row.unit, row.officer_id): (row.total, row.count)
        for row in OfficerDaySum.objects.filter(day__gte=start, day__lte=end).iterator()
    }
    officer_differences = _differences(kept_officers, expected_officers)
    if fix and (day_differences or officer_differences):
        with transaction.atomic():
            if day_differences:
                DaySum.objects.filter(day__gte=start, day__lte=end).delete()
                DaySum.objects.bulk_create(
                    [
                        DaySum(day=day, unit=unit, element=element, total=total, count=count)
                        for (day, unit, element), (total, count) in expected.items()
                    ],
                    batch_size=5000,
                )
            if officer_differences:
                OfficerDaySum.objects.filter(day__gte=start, day__lte=end).delete()
                OfficerDaySum.objects.bulk_create(
                    [
                        OfficerDaySum(
                            day=day, unit=unit, officer_id=officer, total=total, count=count
                        )
                        for (day, unit, officer), (total, count) in expected_officers.items()
                    ],
                    batch_size=5000,
                )
    return [
        Difference(day, unit, element, kept_pair, recomputed)
        for (day, unit, element), kept_pair, recomputed in day_differences
    ] + [
        Difference(day, unit, OFFICER_ELEMENT, kept_pair, recomputed, officer=officer)
        for (day, unit, officer), kept_pair, recomputed in officer_differences
    ]
