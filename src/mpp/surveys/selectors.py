"""Reads of the survey, scoped to the reader: the IKM of a unit and period, suggestions, kiosks."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncQuarter
from django.utils.translation import gettext as _

from mpp.accounts import policy
from mpp.accounts.policy import Perm, Principal
from mpp.surveys import ikm
from mpp.surveys.ikm import Band
from mpp.surveys.models import (
    POPULATION,
    RESPONDENTS,
    Answer,
    DaySum,
    Improvement,
    Invitation,
    KioskDevice,
    OfficerDaySum,
    Response,
    UnitKind,
)
from mpp.surveys.services import answers_to_void, published_version, questionnaire_for
from mpp.surveys.units import Unit
from mpp.tenancy.scope import Scope

if TYPE_CHECKING:
    from mpp.accounts.models import User
    from mpp.catalog.models import Service
    from mpp.tenancy.models import MPP


class _ScopedUnit:
    def __init__(self, scope: Scope):
        self._scope = scope

    def policy_scope(self) -> Scope:
        return self._scope


def may_read(user: Principal, scope: Scope) -> bool:
    """IKM and reports: statistics readers, and those who run the survey of the unit."""
    target = _ScopedUnit(scope)
    return policy.can(user, Perm.VIEW_STATISTICS, target) or policy.can(
        user, Perm.MANAGE_SURVEYS, target
    )


def may_manage(user: Principal, scope: Scope) -> bool:
    return policy.can(user, Perm.MANAGE_SURVEYS, _ScopedUnit(scope))


def may_read_officers(user: Principal, scope: Scope) -> bool:
    return policy.can(user, Perm.VIEW_OFFICER_SKM, _ScopedUnit(scope))


@dataclass(frozen=True)
class ElementResult:
    code: str
    name: str
    weight: Fraction
    total: int
    count: int

    @property
    def nrr(self) -> Fraction | None:
        return ikm.nrr(self.total, self.count)

    @property
    def weighted(self) -> Fraction | None:
        return None if self.nrr is None else self.nrr * self.weight


@dataclass(frozen=True)
class IkmResult:
    unit: Unit
    label: str
    start: datetime.date
    end: datetime.date
    respondents: int
    population: int
    elements: list[ElementResult] = field(default_factory=list)

    @property
    def required_sample(self) -> int | None:
        return ikm.required_sample(self.population)

    @property
    def sample_status(self) -> ikm.SampleStatus:
        return ikm.sample_status(self.respondents, self.population)

    @property
    def sample_adequate(self) -> bool:
        return self.sample_status == ikm.SampleStatus.ADEQUATE

    @property
    def ikm(self) -> Fraction | None:
        if not self.respondents:
            return None
        return ikm.index(
            {e.code: e.nrr for e in self.elements}, {e.code: e.weight for e in self.elements}
        )

    @property
    def converted(self) -> Fraction | None:
        value = self.ikm
        return None if value is None else ikm.converted(value)

    @property
    def band(self) -> Band | None:
        value = self.converted
        return None if value is None else ikm.band(value)

    @property
    def available(self) -> bool:
        return self.ikm is not None


def _questionnaire_elements(unit: Unit, service=None) -> list[dict]:
    """The elements and weights the IKM of ``unit`` is computed with: the questionnaire that
    applies to the unit (a service, an agency at an MPP, an MPP); the national default above.
    ``service``: the unit's service when the caller has it (its MPP and agency are not read)."""
    service_id = int(unit.id) if unit.kind == UnitKind.SERVICE else None
    mpp_id = int(unit.id) if unit.kind == UnitKind.MPP else None
    agency_id = None
    if unit.kind == UnitKind.PRESENCE:
        agency_id, mpp_id = (int(part) for part in unit.id.split("@"))
    if service_id and service is not None and service.pk == service_id:
        mpp_id, agency_id = service.mpp_id, service.agency_id
    elif service_id:
        from mpp.catalog.models import Service

        place = Service.objects.filter(pk=service_id).values("mpp_id", "agency_id").first()
        mpp_id, agency_id = (place["mpp_id"], place["agency_id"]) if place else (None, None)
    return published_version(
        questionnaire_for(service_id=service_id, mpp_id=mpp_id, agency_id=agency_id)
    ).elements


def _result(
    unit: Unit,
    label: str,
    start: datetime.date,
    end: datetime.date,
    sums: dict[str, tuple[int, int]],
    elements: list[dict],
) -> IkmResult:
    """The IKM of a period from its sums per element ((total, count) by element code)."""
    return IkmResult(
        unit=unit,
        label=label,
        start=start,
        end=end,
        respondents=sums.get(RESPONDENTS, (0, 0))[1],
        population=sums.get(POPULATION, (0, 0))[1],
        elements=[
            ElementResult(
                code=element["code"],
                name=element["name"],
                weight=Fraction(element["weight"]),
                total=sums.get(element["code"], (0, 0))[0],
                count=sums.get(element["code"], (0, 0))[1],
            )
            for element in elements
        ],
    )


def compute_ikm(unit: Unit, label: str, start: datetime.date, end: datetime.date) -> IkmResult:
    """The IKM of ``unit`` over ``start``..``end`` (local days, inclusive) from the day sums: one
    grouped query over at most days × elements rows, whatever the number of responses."""
    rows = (
        DaySum.objects.filter(unit=unit.key, day__gte=start, day__lte=end)
        .values("element")
        .annotate(total=Sum("total"), count=Sum("count"))
    )
    sums = {row["element"]: (row["total"], row["count"]) for row in rows}
    return _result(unit, label, start, end, sums, _questionnaire_elements(unit))


def ikm_for(
    user: Principal, unit: Unit, start: datetime.date, end: datetime.date
) -> IkmResult | None:
    """The IKM for a reader allowed to see the unit, else None (the caller answers 404)."""
    label, scope = unit.resolve()
    if not may_read(user, scope):
        return None
    return compute_ikm(unit, label, start, end)


def quarters(year: int) -> list[tuple[str, datetime.date, datetime.date]]:
    bounds = ((1, 3, 31), (4, 6, 30), (7, 9, 30), (10, 12, 31))
    return [
        (
            _("Triwulan %(n)s") % {"n": number},
            datetime.date(year, first, 1),
            datetime.date(year, last, day),
        )
        for number, (first, last, day) in enumerate(bounds, start=1)
    ]


def trend(unit: Unit, label: str, year: int) -> list[tuple[str, IkmResult]]:
    return [(name, compute_ikm(unit, label, start, end)) for name, start, end in quarters(year)]


def responses_of(unit: Unit, start: datetime.date, end: datetime.date) -> QuerySet[Response]:
    """The unit's counted responses in the period, oldest first (voided kiosk answers left out;
    no personal data: anonymous answers)."""
    return Response.objects.filter(
        unit.response_filter(), day__gte=start, day__lte=end, void__isnull=True
    ).order_by("answered_at", "id")


def answer_table(
    unit: Unit, start: datetime.date, end: datetime.date
) -> list[tuple[Response, dict[str, int]]]:
    """Each respondent with their answers (the regulation's processing table)."""
    responses = list(responses_of(unit, start, end))
    values: dict[int, dict[str, int]] = defaultdict(dict)
    for response_id, element, value in Answer.objects.filter(
        response__in=[r.pk for r in responses]
    ).values_list("response_id", "element", "value"):
        values[response_id][element] = value
    return [(response, values[response.pk]) for response in responses]


def suggestions_of(unit: Unit, start: datetime.date, end: datetime.date) -> QuerySet[Response]:
    return (
        responses_of(unit, start, end)
        .exclude(suggestion="")
        .select_related("follow_up", "service")
        .order_by("-answered_at", "-id")
    )


def improvements_of(unit: Unit) -> QuerySet[Improvement]:
    return Improvement.objects.filter(unit=unit.key)


@dataclass(frozen=True)
class OfficerResult:
    officer_id: int
    name: str
    respondents: int
    nrr: Fraction


def officers_of(
    user: Principal, unit: Unit, start: datetime.date, end: datetime.date
) -> list[OfficerResult] | None:
    """U7 (perilaku pelaksana) per officer who served, for the agency admin and MPP manager.

    Summed from the per-officer day sums (``OfficerDaySum``): one grouped query over at most
    days × officers rows of the unit, whatever the number of responses. Ordered by name, then id
    (two officers may share a name)."""
    _label, scope = unit.resolve()
    if not may_read_officers(user, scope):
        return None
    rows = (
        OfficerDaySum.objects.filter(unit=unit.key, day__gte=start, day__lte=end)
        .values("officer_id", "officer__name")
        .annotate(total=Sum("total"), count=Sum("count"))
        .order_by("officer__name", "officer_id")
    )
    return [
        OfficerResult(
            row["officer_id"],
            row["officer__name"],
            row["count"],
            Fraction(row["total"], row["count"]),
        )
        for row in rows
        if row["count"]  # only a hand-edited row has none; recompute_skm_sums reports it
    ]


def kiosks_for(user: Principal) -> QuerySet[KioskDevice]:
    return (
        KioskDevice.objects.filter(
            policy.scope_filter(
                user,
                Perm.MANAGE_SURVEYS,
                agency=None,
                mpp="device__mpp_id",
                region="device__mpp__region_id",
            )
        )
        .select_related("device__mpp__region", "service")
        .order_by("device__mpp__name", "device__name")
    )


# The burst rule (docs/surveys.md): a device is flagged when some BURST_WINDOW of the last
# ACTIVITY_PERIOD holds at least BURST_ANSWERS of its counted answers. A visitor takes about a
# minute to answer nine questions, so 15 in 10 minutes (one every 40 s) at one tablet is worth a
# look: an answer every 20 s, the fastest the default interval lets through, is 30.
BURST_ANSWERS = 15
BURST_WINDOW = datetime.timedelta(minutes=10)
ACTIVITY_PERIOD = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class Burst:
    """A stretch of overlapping flagged windows: its first and last answer and their number."""

    start: datetime.datetime
    end: datetime.datetime
    answers: int


@dataclass(frozen=True)
class KioskActivity:
    device: KioskDevice
    last_hour: int
    last_day: int
    bursts: list[Burst]

    @property
    def flagged(self) -> bool:
        return bool(self.bursts)


def find_bursts(times: list[datetime.datetime]) -> list[Burst]:
    """The stretches where ``BURST_ANSWERS`` answers (``times``, sorted) fall within
    ``BURST_WINDOW``; overlapping flagged windows merge into one stretch."""
    stretches: list[tuple[int, int]] = []
    need = BURST_ANSWERS - 1
    for first in range(len(times) - need):
        last = first + need
        if times[last] - times[first] > BURST_WINDOW:
            continue
        if stretches and first <= stretches[-1][1]:
            stretches[-1] = (stretches[-1][0], last)
        else:
            stretches.append((first, last))
    return [Burst(times[a], times[b], b - a + 1) for a, b in stretches]


def kiosk_activity(devices: Iterable[KioskDevice], now: datetime.datetime) -> list[KioskActivity]:
    """Per device: counted answers in the last hour and day, and its bursts of the last day
    (one query: the rate limit keeps a device under 4,320 answers a day)."""
    devices = list(devices)
    times: dict[int, list[datetime.datetime]] = defaultdict(list)
    rows = (
        Response.objects.filter(
            kiosk__in=[device.pk for device in devices],
            void__isnull=True,
            answered_at__gt=now - ACTIVITY_PERIOD,
            answered_at__lte=now,
        )
        .order_by("kiosk_id", "answered_at")
        .values_list("kiosk_id", "answered_at")
    )
    for kiosk_id, answered_at in rows:
        times[kiosk_id].append(answered_at)
    hour_ago = now - datetime.timedelta(hours=1)
    return [
        KioskActivity(
            device=device,
            last_hour=sum(1 for at in times[device.pk] if at > hour_ago),
            last_day=len(times[device.pk]),
            bursts=find_bursts(times[device.pk]),
        )
        for device in devices
    ]


def voidable_count(device: KioskDevice, start: datetime.datetime, end: datetime.datetime) -> int:
    """How many of the device's counted answers a void of [start, end) would take out."""
    return answers_to_void(device, start, end).count()


def latest_published(
    unit: Unit, today: datetime.date, *, service: Service | None = None
) -> tuple[str, IkmResult] | None:
    """The IKM of the last full quarter with respondents (for the public pages), or None.

    The eight quarters looked at (this year's and last year's that have ended) are summed in one
    grouped query, and the questionnaire is read once, only when a quarter has respondents.
    ``service``: the unit's service, when the caller has it (see :func:`_questionnaire_elements`).
    """
    ended = [
        (f"{name} {year}", start, end)
        for year in (today.year, today.year - 1)
        for name, start, end in reversed(quarters(year))
        if end < today
    ]
    if not ended:
        return None
    rows = (
        DaySum.objects.filter(unit=unit.key, day__gte=ended[-1][1], day__lte=ended[0][2])
        .annotate(quarter=TruncQuarter("day"))
        .values("quarter", "element")
        .annotate(total=Sum("total"), count=Sum("count"))
    )
    sums: dict[datetime.date, dict[str, tuple[int, int]]] = defaultdict(dict)
    for row in rows:
        sums[row["quarter"]][row["element"]] = (row["total"], row["count"])
    elements: list[dict] | None = None
    for label, start, end in ended:
        quarter = sums.get(start, {})
        if not quarter.get(RESPONDENTS, (0, 0))[1]:
            continue
        if elements is None:
            elements = _questionnaire_elements(unit, service)
        result = _result(unit, "", start, end, quarter, elements)
        if result.available:
            return label, result
    return None


def unit_choices(user: Principal, limit: int = 300) -> list[tuple[str, str]]:
    """The units whose report ``user`` may open (MPPs, agencies at MPPs, services), for a menu."""
    from mpp.catalog.models import Service
    from mpp.regions.models import Region
    from mpp.tenancy.models import MPP, AgencyPresence

    perms = (Perm.VIEW_STATISTICS, Perm.MANAGE_SURVEYS)
    choices: list[tuple[str, str]] = []
    if any(policy.can(user, perm) for perm in perms):
        choices.append(("national", _("Nasional")))
    regions = Region.objects.filter(
        policy.scope_filter_any(user, perms, agency=None, mpp=None, region="pk"), mpps__isnull=False
    ).distinct()[:limit]
    choices += [(f"region:{r.pk}", r.name) for r in regions]
    mpps = MPP.objects.filter(
        policy.scope_filter_any(user, perms, agency=None, mpp="pk", region="region_id")
    )[:limit]
    choices += [(f"mpp:{m.pk}", m.name) for m in mpps]
    presences = AgencyPresence.objects.filter(
        policy.scope_filter_any(
            user, perms, agency="agency_id", mpp="mpp_id", region="mpp__region_id"
        )
    ).select_related("agency", "mpp")[:limit]
    choices += [
        (f"agency:{p.agency_id}@{p.mpp_id}", f"{p.agency.name} — {p.mpp.name}") for p in presences
    ]
    services = Service.objects.filter(
        policy.scope_filter_any(
            user, perms, agency="agency_id", mpp="mpp_id", region="mpp__region_id"
        ),
        retired_at__isnull=True,
        current_version__isnull=False,
    ).order_by("name")[:limit]
    choices += [(f"service:{s.pk}", s.name) for s in services]
    return choices


def kiosk_mpps(user: Principal) -> QuerySet[MPP]:
    from mpp.tenancy.models import MPP

    return MPP.objects.filter(
        policy.scope_filter(user, Perm.MANAGE_SURVEYS, agency=None, mpp="pk", region="region_id")
    ).order_by("name")


def open_invitations_of(user: User) -> QuerySet[Invitation]:
    from django.utils import timezone

    from mpp.surveys.models import Invitation

    return Invitation.objects.filter(
        citizen=user, used_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("service")


def service_choices(mpp: MPP) -> list[tuple[str, str]]:
    """The services an SKM kiosk of ``mpp`` may ask about (the devices page's register choice)."""
    from mpp.catalog.models import Service

    rows = Service.objects.filter(mpp=mpp, retired_at__isnull=True, current_version__isnull=False)
    return [(str(pk), name) for pk, name in rows.order_by("name").values_list("pk", "name")]


def service_for_kiosk(pk: int) -> Service | None:
    """The service a kiosk's answer names (``service`` in the API), or None."""
    from mpp.catalog.models import Service

    return Service.objects.filter(pk=pk).first()


def invitation_of(citizen: User, pk: int) -> Invitation | None:
    """The citizen's own survey invitation, or None (anyone else's is "not found")."""
    from mpp.surveys.models import Invitation

    return Invitation.objects.filter(pk=pk, citizen=citizen).first()
